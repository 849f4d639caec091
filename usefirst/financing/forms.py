"""The forms of bank financing: labels above fields; the services check the rules and put each
problem back on its field."""

from __future__ import annotations

from typing import Any

from django import forms

from usefirst.catalog.choices import USE_FIRST_MODE_CHOICES
from usefirst.core.forms import DateField
from usefirst.risk.forms import REGION_CHOICES, SIZE_CHOICES

from .choices import LoanKind, PackPart
from .models import LoanProduct, label_of
from .services import EDITABLE_FIELDS

MONEY = {"max_digits": 14, "decimal_places": 2, "min_value": 0}
PERCENT = {"max_digits": 7, "decimal_places": 4, "min_value": 0}


def _checks(name: str, choices: list[tuple[str, str]], help_text: str = "") -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=label_of(name), choices=choices, required=False, widget=forms.CheckboxSelectMultiple, help_text=help_text
    )


class ProductForm(forms.Form):
    name = forms.CharField(label="产品名称", max_length=120)
    kind = forms.ChoiceField(label="贷款类型", choices=LoanKind.choices)
    summary = forms.CharField(label="产品说明", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    modes = _checks("modes", USE_FIRST_MODE_CHOICES)
    amount_min = forms.DecimalField(label=label_of("amount_min"), required=False, **MONEY)  # type: ignore[arg-type]
    amount_max = forms.DecimalField(label=label_of("amount_max"), **MONEY)  # type: ignore[arg-type]
    enterprise_sizes = _checks("enterprise_sizes", SIZE_CHOICES, "不选即不限")
    regions = _checks("regions", REGION_CHOICES, "不选即不限")
    rate_min = forms.DecimalField(label=label_of("rate_min"), **PERCENT)  # type: ignore[arg-type]
    rate_max = forms.DecimalField(label=label_of("rate_max"), **PERCENT)  # type: ignore[arg-type]
    term_months_min = forms.IntegerField(label=label_of("term_months_min"), min_value=1, initial=6)
    term_months_max = forms.IntegerField(label=label_of("term_months_max"), min_value=1, initial=36)
    max_ratio_percent = forms.DecimalField(
        label=label_of("max_ratio_percent"),
        help_text="不超过 100%：贷款金额不能高于合同金额",
        **PERCENT,  # type: ignore[arg-type]
    )
    pledge_required = forms.BooleanField(label="须质押所购专利（仅购买贷）", required=False)

    @staticmethod
    def initial_from(product: LoanProduct) -> dict[str, Any]:
        return {name: getattr(product, name) for name in EDITABLE_FIELDS}


class ApplyForm(forms.Form):
    applicant = forms.ChoiceField(label="申请人")
    amount = forms.DecimalField(label="申请金额（元）", **MONEY)  # type: ignore[arg-type]
    term_months = forms.IntegerField(label="申请期限（月）", min_value=1)
    parts = forms.MultipleChoiceField(
        label="同意向银行提供的材料",
        choices=PackPart.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="仅勾选的部分随申请提供给银行；合同主要条款为授信必需",
    )
    purpose = forms.CharField(label="资金用途", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, applicant_choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: Any = self.fields
        fields["applicant"].choices = applicant_choices


class PledgeForm(forms.Form):
    ip_item = forms.ChoiceField(label="质押的知识产权")
    registration_number = forms.CharField(label="质押登记号", max_length=64)
    registered_on = DateField(label="质押登记日")

    def __init__(self, *args: Any, ip_choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: Any = self.fields
        fields["ip_item"].choices = ip_choices
