"""How every form on the platform is drawn: labels above fields (one field template), selects
whose blank choice reads 请选择, dates typed or picked as 年-月-日 with a Chinese calendar, and
a file picker that says 选择文件 / 未选择文件 whatever the browser's language.

The date picker and the file picker's list of chosen names are drawn by `static/js/forms.js`
(flatpickr with its zh locale, vendored under `static/vendor/flatpickr/`); without script the
fields still work: a text input that accepts YYYY-MM-DD and a native file input behind its label.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.forms.renderers import TemplatesSetting

DATE_FORMAT = "%Y-%m-%d"
DATE_EXAMPLE = "2026-06-15"
DATE_INVALID = f"请按“年-月-日”填写日期，例如 {DATE_EXAMPLE}"
# Attributes of every date input, the widget's and the hand-written ones' (forms/date_attrs.html).
DATE_ATTRS = {
    "inputmode": "numeric",
    "pattern": r"\d{4}-\d{2}-\d{2}",
    "placeholder": f"年-月-日，如 {DATE_EXAMPLE}",
    "title": DATE_INVALID,
    "autocomplete": "off",
    "data-date-picker": "",
}


class FormRenderer(TemplatesSetting):
    """Forms and fields drawn by the project's templates (`templates/forms/`), widgets by
    Django's own except where `templates/django/forms/widgets/` overrides one."""

    form_template_name = "forms/form.html"
    field_template_name = "forms/field.html"


class DateInput(forms.DateInput):
    """A text input for YYYY-MM-DD: never the browser's own date control, whose format
    (mm/dd/yyyy) and month names follow the browser's language, not the page's."""

    input_type = "text"

    def __init__(
        self, attrs: dict[str, Any] | None = None, *, min_date: dt.date | None = None, max_date: dt.date | None = None
    ) -> None:
        merged: dict[str, Any] = dict(DATE_ATTRS)
        if min_date is not None:
            merged["data-min-date"] = min_date.isoformat()
        if max_date is not None:
            merged["data-max-date"] = max_date.isoformat()
        merged.update(attrs or {})
        super().__init__(merged, format=DATE_FORMAT)


class DateField(forms.DateField):
    """A date as 年-月-日 (also 2026/06/15 and 2026年6月15日, Django's zh-hans input formats),
    refused in Chinese with an example."""

    widget = DateInput
    default_error_messages = {"invalid": DATE_INVALID}
