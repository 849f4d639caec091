"""Stored values read as Chinese words: states, events, choices and policy parameters, and the
status badge whose colour repeats the state's tone (usefirst/core/display.py)."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.template import Context, Template, TemplateSyntaxError

from usefirst.catalog.choices import AchievementStatus
from usefirst.contracts.models import Contract
from usefirst.core import display, workflow
from usefirst.core.display import Tone


def render(source: str, **context: object) -> str:
    return Template("{% load display %}" + source).render(Context(context))


def test_every_state_of_every_workflow_has_a_tone_and_a_chinese_label() -> None:
    for wf in workflow.registered():
        for value in wf.states.values:
            assert value in display.TONES.get(wf.name, {}), f"{wf.name}: state {value!r} has no tone"
            label = display.state_label(wf.name, value)
            assert re.search(r"[\u4e00-\u9fff]", label), f"{wf.name}: {value!r} reads {label!r}"


def test_every_event_of_every_workflow_reads_in_chinese() -> None:
    for wf in workflow.registered():
        for value in wf.event_types.values:
            assert re.search(r"[\u4e00-\u9fff]", display.event_label(wf.name, value)), (wf.name, value)


def test_a_state_no_workflow_declares_reads_unknown_not_its_code() -> None:
    assert display.state_label("contracts.contract", "free_use") == "免费使用期内"
    assert display.state_label("contracts.contract", "bogus_state") == "未知状态"
    assert display.choice_label(AchievementStatus, "xyz") == "未知状态"
    assert display.choice_label(AchievementStatus, "") == "—"


def test_the_badge_shows_the_label_with_the_tone_as_its_colour_class() -> None:
    html = render('{% status_badge value "contracts.contract" %}', value="awaiting_next_step")
    assert 'class="status-badge status-pending"' in html
    assert "待商定后续安排" in html and "awaiting_next_step" not in html
    refused = render('{% status_badge value "recognition.application" %}', value="rejected")
    assert "status-refused" in refused and "未予认定" in refused


def test_the_badge_of_an_object_reads_its_workflow_state() -> None:
    contract = Contract(status="free_use")
    html = render("{% status_badge c %}", c=contract)
    assert "免费使用期内" in html and "status-active" in html


def test_the_badge_refuses_an_object_without_a_workflow() -> None:
    with pytest.raises(TemplateSyntaxError):
        render("{% status_badge x %}", x="free_use")


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def test_every_tone_has_a_badge_colour_with_aa_contrast() -> None:
    css = (Path(settings.BASE_DIR) / "usefirst/static/css/status.css").read_text()
    for tone in Tone:
        found = re.search(rf"\.status-{tone.value} \{{ color: (#[0-9a-f]{{6}}); background: (#[0-9a-f]{{6}})", css)
        assert found, f"no colours for {tone}"
        fg, bg = _luminance(found[1]), _luminance(found[2])
        assert (max(fg, bg) + 0.05) / (min(fg, bg) + 0.05) >= 4.5, tone


@pytest.mark.parametrize(
    ("unit", "value", "text"),
    [
        ("share", Decimal("0.70"), "70%"),
        ("share", Decimal("0.125"), "12.5%"),
        ("yuan", Decimal("500000.00"), "50 万元"),
        ("yuan", Decimal("50000.00"), "5 万元"),
        ("yuan", Decimal("1234.50"), "1,234.50 元"),
        ("years", 3, "3 年"),
        ("days", 30, "30 日"),
        ("count", 200, "200 项"),
        ("trl", 6, "第 6 级"),
        ("weight", Decimal("0.15"), "+15%"),
        ("", True, "是"),
        ("", False, "否"),
    ],
)
def test_a_policy_parameter_reads_as_people_write_it(unit: str, value: object, text: str) -> None:
    assert display.parameter_text(unit, value) == text  # type: ignore[arg-type]


def test_a_choice_parameter_reads_its_label() -> None:
    choices = (("all_inventors", "全部完成人"), ("leader_only", "仅项目负责人"))
    assert display.parameter_text("", "leader_only", choices) == "仅项目负责人"
