"""Template words for stored values (usefirst/core/display.py): ``{% load display %}``, then

* ``{% status_badge contract %}`` — the object's state in its Chinese words, in a badge coloured
  by the state's tone; ``{% status_badge value "contracts.contract" %}`` for a bare value;
* ``{{ value|state_label:"contracts.contract" }}`` and ``{{ value|event_label:"catalog.achievement" }}``;
* ``{{ obj|choice_label:"field_name" }}`` — a choice field's label, never its code.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.db import models
from django.utils.html import format_html
from django.utils.safestring import SafeString

from usefirst.core import display

register = template.Library()


@register.simple_tag
def status_badge(subject: Any, workflow_name: str = "", label: str = "") -> SafeString:
    """A state as a badge: the words are the state's label (or `label`, where a page says more
    precisely who is awaited, e.g. 待成果单位确认), the colour class its tone."""
    if workflow_name:
        name, value = workflow_name, str(subject or "")
    elif isinstance(subject, models.Model):
        found = display.current_state(subject)
        if found is None:
            raise template.TemplateSyntaxError(f"status_badge: {type(subject).__name__} has no registered workflow")
        name, value = found
    else:
        raise template.TemplateSyntaxError("status_badge needs an object with a workflow, or a value and a workflow name")
    tone = display.state_tone(name, value)
    return format_html(
        '<span class="status-badge status-{}" title="{}">{}</span>',
        tone.value,
        tone.label,
        label or display.state_label(name, value),
    )


@register.filter
def state_label(value: Any, workflow_name: str) -> str:
    return display.state_label(workflow_name, value)


@register.filter
def event_label(value: Any, workflow_name: str) -> str:
    return display.event_label(workflow_name, value)


@register.filter
def choice_label(obj: models.Model, field_name: str) -> str:
    return display.field_label(obj, field_name)
