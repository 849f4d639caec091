"""Forms of the 安心屋 pages (the services check everything again)."""

from __future__ import annotations

from typing import Any

from django import forms

from usefirst.core.forms import DateField
from usefirst.core.text import ReasonField

from . import checklist
from .choices import IncentiveKind
from .steps import STEP_FIELDS


class DepositForm(forms.Form):
    title = forms.CharField(label="材料名称", max_length=200)

    def __init__(self, step: str, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for spec in STEP_FIELDS[step]:
            field: forms.Field
            if spec.kind == "date":
                field = DateField(label=spec.label, required=spec.required)
            elif spec.kind == "choice":
                field = forms.ChoiceField(
                    label=spec.label, choices=[("", "请选择"), *((c, c) for c in spec.choices)], required=spec.required
                )
            elif spec.kind == "long":
                field = ReasonField(label=spec.label, required=spec.required)
            else:
                field = forms.CharField(label=spec.label, max_length=200, required=spec.required)
            self.fields[spec.name] = field
        self.fields["file"] = forms.FileField(label="存证文件（PDF、PNG 或 JPEG，不超过 20 MB）", required=False)


class ExemptionForm(forms.Form):
    role = forms.ChoiceField(label="申请人身份", choices=[("", "请选择"), *checklist.ROLE_CHOICES])
    situations = forms.MultipleChoiceField(
        label="适用的免责情形（勾选与您身份相符的情形）",
        widget=forms.CheckboxSelectMultiple,
        choices=[(f"{r.code}:{s.code}", f"{r.label}：{s.text}") for r in checklist.ROLES for s in r.situations],
        required=False,
    )
    statement = ReasonField(label="情况说明")


class SystemForm(forms.Form):
    title = forms.CharField(label="制度名称", max_length=200)
    effective_from = DateField(label="施行日期")
    document = forms.FileField(label="制度文件（PDF、PNG 或 JPEG，不超过 20 MB）", required=False)


class IncentiveForm(forms.Form):
    unit = forms.TypedChoiceField(label="受支持单位", coerce=int, choices=())
    person_name = forms.CharField(label="受支持个人（给单位的可不填）", max_length=60, required=False)
    kind = forms.ChoiceField(label="激励方式", choices=[("", "请选择"), *IncentiveKind.choices])
    amount = forms.CharField(label="金额（元，可不填）", max_length=20, required=False)
    year = forms.IntegerField(label="年度")
    granted_on = DateField(label="给予日期")
    description = ReasonField(label="说明")

    def __init__(self, units: list[tuple[int, str]], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [("", "请选择"), *units]  # type: ignore[attr-defined]
