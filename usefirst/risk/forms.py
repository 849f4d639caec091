"""The product form: every field of the rule, labels above fields; the service checks the rule as
a whole and puts each problem back on its field."""

from __future__ import annotations

from typing import Any

from django import forms

from usefirst.catalog.choices import USE_FIRST_MODE_CHOICES
from usefirst.catalog.models import TechField
from usefirst.core.forms import DateField
from usefirst.core.regions import Region

from .choices import INSURANCE_TYPES, CostHead, CoveredRisk, InsuredKind, PackPart, PremiumMethod, ProductType
from .models import Product, label_of
from .rules import ENTERPRISE_SIZES, LOADING_FIELDS
from .services import EDITABLE_FIELDS

SIZE_CHOICES = list(zip(ENTERPRISE_SIZES, ["大型", "中型", "小型", "微型"], strict=True))
REGION_CHOICES = [(r.value, str(r.label)) for r in (Region.PRD, Region.EAST, Region.WEST, Region.NORTH)]
MONEY = {"max_digits": 14, "decimal_places": 2, "min_value": 0}
PERCENT = {"max_digits": 7, "decimal_places": 4, "min_value": 0}


def _money(name: str, required: bool = False) -> forms.DecimalField:
    return forms.DecimalField(label=label_of(name), required=required, **MONEY)  # type: ignore[arg-type]


def _percent(name: str, required: bool = False, help_text: str = "") -> forms.DecimalField:
    return forms.DecimalField(label=label_of(name), required=required, help_text=help_text, **PERCENT)  # type: ignore[arg-type]


def _checks(name: str, choices: list[tuple[str, str]], help_text: str = "") -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=label_of(name), choices=choices, required=False, widget=forms.CheckboxSelectMultiple, help_text=help_text
    )


def _text(name: str, required: bool = True, rows: int = 3) -> forms.CharField:
    return forms.CharField(label=label_of(name), required=required, max_length=3000, widget=forms.Textarea(attrs={"rows": rows}))


class ProductForm(forms.Form):
    name = forms.CharField(label="产品名称", max_length=120)
    product_type = forms.ChoiceField(label="产品类型", choices=ProductType.choices)
    summary = _text("summary", required=False)
    covered_risks = _checks("covered_risks", CoveredRisk.choices, "成果单位的风险与企业的风险；被保险人须承担所选风险")
    cost_heads = _checks("cost_heads", CostHead.choices, "仅承保小试/中试失败费用损失时填写")
    insured_kind = forms.ChoiceField(label="被保险人", choices=InsuredKind.choices)
    modes = _checks("modes", USE_FIRST_MODE_CHOICES)
    amount_min = _money("amount_min")
    amount_max = _money("amount_max")
    trl_min = forms.IntegerField(label="技术成熟度下限", min_value=1, max_value=9, initial=1)
    trl_max = forms.IntegerField(label="技术成熟度上限", min_value=1, max_value=9, initial=9)
    enterprise_sizes = _checks("enterprise_sizes", SIZE_CHOICES, "不选即不限")
    regions = _checks("regions", REGION_CHOICES, "不选即不限")
    tech_fields = forms.MultipleChoiceField(
        label="技术领域", required=False, widget=forms.CheckboxSelectMultiple, help_text="不选即不限"
    )
    sum_insured_percent = _percent("sum_insured_percent", required=True, help_text="不超过 100%：保险金额不能高于合同金额")
    sum_insured_cap = _money("sum_insured_cap")
    premium_method = forms.ChoiceField(label="保费计算方式", choices=PremiumMethod.choices)
    premium_rate = _percent("premium_rate", help_text="按费率计费时填写，大于 0、不超过 20%")
    minimum_premium = _money("minimum_premium")
    base_premium = _money("base_premium")
    per_patent_premium = _money("per_patent_premium")
    limit_multiple = forms.DecimalField(label="赔偿限额为保费的倍数", required=False, max_digits=6, decimal_places=2, min_value=0)
    loading_trl_low = _percent("loading_trl_low", required=True)
    loading_trl_mid = _percent("loading_trl_mid", required=True)
    loading_trl_high = _percent("loading_trl_high", required=True)
    loading_pay_later = _percent("loading_pay_later", required=True)
    loading_cooperate_later = _percent("loading_cooperate_later", required=True)
    loading_record_good = _percent("loading_record_good", required=True)
    loading_record_none = _percent("loading_record_none", required=True)
    loading_record_poor = _percent("loading_record_poor", required=True)
    deductible_amount = _money("deductible_amount")
    deductible_percent = _percent("deductible_percent")
    waiting_days = forms.IntegerField(label="等待期（天）", min_value=0, initial=0)
    term_months = forms.IntegerField(label="保险（担保）期间（月）", min_value=1, initial=12)
    overdue_trigger_days = forms.IntegerField(
        label="付款逾期多少日自动发起理赔（代偿）",
        required=False,
        min_value=1,
        max_value=365,
        help_text="承保企业付款违约的产品填写；不填则不自动发起",
    )
    breach_trigger = forms.BooleanField(
        label="登记违约记录时自动发起理赔（代偿）",
        required=False,
        help_text="被保险人在平台登记合同相对方的违约记录时，平台自动为其发起理赔",
    )
    claim_triggers = _text("claim_triggers")
    claim_documents = _text("claim_documents")
    exclusions = _text("exclusions", required=False)

    def __init__(self, *args: Any, guarantor: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: Any = self.fields
        fields["tech_fields"].choices = [
            (f.code, f.name) for f in TechField.objects.filter(parent__isnull=True).order_by("position", "code")
        ]
        allowed = [(v, lb) for v, lb in ProductType.choices if (v in INSURANCE_TYPES) != guarantor]
        fields["product_type"].choices = allowed
        for name in LOADING_FIELDS:
            fields[name].initial = "1.00"
            fields[name].help_text = "0.50 至 3.00"
        fields["sum_insured_percent"].initial = "100"

    @staticmethod
    def initial_from(product: Product) -> dict[str, Any]:
        return {name: getattr(product, name) for name in EDITABLE_FIELDS}

    def to_data(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


class QuoteForm(forms.Form):
    other_subsidies = forms.CharField(
        label="同一保费已获其他财政补贴（元）", required=False, help_text="用于计算与其他补贴叠加后的上限；没有则留空"
    )


class ApplyForm(forms.Form):
    """The insured's application: who is insured, from when, and which parts of the pack it agrees
    to share with the insurer (the contract's terms at least)."""

    insured = forms.ChoiceField(label="投保人（被保险人）")
    period_start = DateField(label="保险（担保）期间起始日")
    parts = forms.MultipleChoiceField(
        label="同意向保险（担保）机构提供的核保材料",
        choices=PackPart.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="仅勾选的部分随投保申请提供；合同主要条款为核保必需",
    )
    note = forms.CharField(label="投保说明", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, insured_choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: Any = self.fields
        fields["insured"].choices = insured_choices


class ClaimForm(forms.Form):
    risk = forms.ChoiceField(label="出险风险")
    occurred_on = DateField(label="出险日期")
    amount_claimed = forms.DecimalField(label="索赔金额（元）", **MONEY)  # type: ignore[arg-type]
    description = forms.CharField(label="出险经过", max_length=3000, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, risks: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: Any = self.fields
        fields["risk"].choices = risks
