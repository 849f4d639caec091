from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms

from usefirst.core.dates import today
from usefirst.core.forms import DateInput
from usefirst.core.text import ReasonField

from .parameters import POLICY_END, POLICY_START, ParameterDefinition

# What to type for a value of each unit (the page shows the value itself as people write it).
UNIT_HELP = {
    "share": "以小数填写：0.70 即 70%",
    "weight": "以小数填写：0.10 即得分加 10%",
    "yuan": "以元为单位填写：500000 即 50 万元",
    "years": "以年为单位填写整数",
    "days": "以日为单位填写整数",
    "count": "填写项数（整数）",
    "trl": "填写技术成熟度级别（1 至 9 的整数）",
}


def _value_field(definition: ParameterDefinition) -> forms.Field:
    if definition.kind == "decimal":
        return forms.DecimalField(
            label="新取值", min_value=0, max_digits=14, decimal_places=4, help_text=UNIT_HELP.get(definition.unit, "")
        )
    if definition.kind == "integer":
        return forms.IntegerField(label="新取值", min_value=0, help_text=UNIT_HELP.get(definition.unit, ""))
    if definition.kind == "boolean":
        return forms.TypedChoiceField(
            label="新取值", choices=[("true", "是"), ("false", "否")], coerce=lambda v: v == "true", empty_value=None
        )
    return forms.ChoiceField(label="新取值", choices=definition.choices)


class ParameterSetForm(forms.Form):
    """A new version of one parameter; the service checks the term and the actor again."""

    effective_from = forms.DateField(
        label="生效日期",
        widget=DateInput(min_date=POLICY_START, max_date=POLICY_END),
        help_text=f"须在政策有效期内（{POLICY_START:%Y-%m-%d}至{POLICY_END:%Y-%m-%d}）",
    )
    reason = ReasonField(label="修改理由", rows=2)

    def __init__(self, *args: Any, definition: ParameterDefinition, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", definition.key)
        super().__init__(*args, **kwargs)
        self.definition = definition
        self.fields = {"value": _value_field(definition), **self.fields}
        day = today()
        self.fields["effective_from"].initial = min(max(day, POLICY_START), POLICY_END)

    def clean_effective_from(self) -> dt.date:
        day: dt.date = self.cleaned_data["effective_from"]
        if not (POLICY_START <= day <= POLICY_END):
            raise forms.ValidationError(f"生效日期须在政策有效期（{POLICY_START:%Y-%m-%d}至{POLICY_END:%Y-%m-%d}）内")
        return day
