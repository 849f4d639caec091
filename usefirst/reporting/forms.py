"""The report's form, drawn from its fields (fields.py); the service checks every value again."""

from __future__ import annotations

from django import forms

from usefirst.core.forms import DateField
from usefirst.core.text import ReasonField

from .choices import CaseSeverity
from .fields import TEXT, fields_of


def report_form(form_kind: str, data: object = None, initial: dict[str, str] | None = None) -> forms.Form:
    form = forms.Form(data, initial=initial or {})  # type: ignore[arg-type]
    for spec in fields_of(form_kind):
        label = f"{spec.label}（{spec.unit}）" if spec.unit else spec.label
        if spec.kind == TEXT:
            field: forms.Field = forms.CharField(
                label=label, required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}), help_text=spec.help
            )
        else:
            places = "整数" if spec.kind == "count" else f"最多 {spec.places} 位小数"
            field = forms.CharField(
                label=label,
                required=False,
                max_length=24,
                help_text=(spec.help + "；" if spec.help else "") + f"以{spec.unit}为单位，{places}，不能为负数",
                widget=forms.TextInput(attrs={"inputmode": "decimal"}),
            )
        form.fields[spec.key] = field
    return form


class WindowForm(forms.Form):
    year = forms.IntegerField(label="报告年度", min_value=2020, max_value=2100)
    opens_on = DateField(label="开始填报日期")
    deadline = DateField(label="截止日期（含当日）")


class CaseForm(forms.Form):
    unit = forms.ChoiceField(label="整改单位", choices=())
    title = forms.CharField(label="问题", max_length=200)
    finding = ReasonField(label="发现的偏差及依据")
    severity = forms.ChoiceField(label="严重程度", choices=CaseSeverity.choices)
