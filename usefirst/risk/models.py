"""Risk sharing in the use-first deal (docs/domain.md, rule 8): insurance and guarantee products
as data, each version reviewed by the provincial department, and the premium subsidies as rules.

A product is a series of versions sharing one `series`: editing a published version makes a new
draft version, and publishing it supersedes the old one; whatever was issued under a version keeps
pointing at that row, which is never edited once published. Rates are stored as percentages as a
person types them (1.5 means 1.5 %), loadings as factors (1.20), money as CNY Decimals.
"""

from __future__ import annotations

from decimal import Decimal
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone

from usefirst.accounts.models import Organisation
from usefirst.core.models import TransitionEvent

from .choices import PRODUCT_EDITABLE, InsuredKind, PremiumMethod, ProductStatus, ProductType


def _money(label: str, default: Decimal) -> models.DecimalField[Decimal, Decimal]:
    return models.DecimalField(label, max_digits=14, decimal_places=2, default=default)


def _optional_money(label: str) -> models.DecimalField[Decimal | None, Decimal | None]:
    return models.DecimalField(label, max_digits=14, decimal_places=2, null=True, blank=True)


def _percent(label: str, default: Decimal) -> models.DecimalField[Decimal, Decimal]:
    return models.DecimalField(label, max_digits=7, decimal_places=4, default=default)


def _optional_percent(label: str) -> models.DecimalField[Decimal | None, Decimal | None]:
    return models.DecimalField(label, max_digits=7, decimal_places=4, null=True, blank=True)


def _factor(label: str) -> models.DecimalField[Decimal, Decimal]:
    return models.DecimalField(label, max_digits=5, decimal_places=2, default=Decimal("1.00"))


class Product(models.Model):
    provider = models.ForeignKey(
        Organisation, verbose_name="保险或担保机构", on_delete=models.PROTECT, related_name="risk_products"
    )
    series = models.CharField("产品编号", max_length=16, db_index=True)
    version = models.PositiveIntegerField("版本", default=1)
    status = models.CharField("状态", max_length=16, choices=ProductStatus.choices, default=ProductStatus.DRAFT)
    name = models.CharField("产品名称", max_length=120)
    product_type = models.CharField("产品类型", max_length=40, choices=ProductType.choices)
    summary = models.TextField("产品说明", max_length=2000, blank=True)
    covered_risks = models.JSONField("承保风险", default=list)
    cost_heads = models.JSONField("小试/中试费用科目", default=list, blank=True)
    insured_kind = models.CharField("被保险人", max_length=16, choices=InsuredKind.choices)
    # Eligibility.
    modes = models.JSONField("适用模式", default=list)
    amount_min = _optional_money("合同金额下限（元）")
    amount_max = _optional_money("合同金额上限（元）")
    trl_min = models.PositiveSmallIntegerField("技术成熟度下限", default=1)
    trl_max = models.PositiveSmallIntegerField("技术成熟度上限", default=9)
    enterprise_sizes = models.JSONField("企业规模", default=list, blank=True)
    regions = models.JSONField("区域", default=list, blank=True)
    tech_fields = models.JSONField("技术领域", default=list, blank=True)
    # Sum insured: a share of the contract amount, at most a cap.
    sum_insured_percent = _percent("保险金额占合同金额比例（%）", Decimal("100"))
    sum_insured_cap = _optional_money("保险金额上限（元）")
    # Premium.
    premium_method = models.CharField("保费计算方式", max_length=16, choices=PremiumMethod.choices, default=PremiumMethod.RATE)
    premium_rate = _optional_percent("费率（%）")
    minimum_premium = _money("最低保费（元）", Decimal("0.00"))
    base_premium = _optional_money("基础保费（元）")
    per_patent_premium = _optional_money("每件专利保费（元）")
    limit_multiple = models.DecimalField("赔偿限额为保费的倍数", max_digits=6, decimal_places=2, null=True, blank=True)
    loading_trl_low = _factor("技术成熟度 1–3 级系数")
    loading_trl_mid = _factor("技术成熟度 4–6 级系数")
    loading_trl_high = _factor("技术成熟度 7–9 级系数")
    loading_pay_later = _factor("先使用后付费系数")
    loading_cooperate_later = _factor("先使用后合作系数")
    loading_record_good = _factor("被许可方履约良好系数")
    loading_record_none = _factor("被许可方暂无履约记录系数")
    loading_record_poor = _factor("被许可方有逾期记录系数")
    # Terms.
    deductible_amount = _money("每次事故免赔额（元）", Decimal("0.00"))
    deductible_percent = _percent("免赔率（损失金额的 %）", Decimal("0"))
    waiting_days = models.PositiveSmallIntegerField("等待期（天）", default=0)
    term_months = models.PositiveSmallIntegerField("保险（担保）期间（月）", default=12)
    claim_triggers = models.TextField("理赔（代偿）触发条件", max_length=3000)
    claim_documents = models.TextField("理赔（代偿）所需材料", max_length=3000)
    exclusions = models.TextField("责任免除", max_length=3000, blank=True)
    # Lifecycle.
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("创建时间", default=timezone.now)
    updated_at = models.DateTimeField("更新时间", default=timezone.now)
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    published_at = models.DateTimeField("发布时间", null=True, blank=True)

    class Meta:
        verbose_name = "保险与担保产品"
        verbose_name_plural = "保险与担保产品"
        ordering: ClassVar[list[str]] = ["-updated_at", "-id"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["series", "version"], name="risk_product_version_once"),
            # One version of a product being prepared or reviewed, and one published, at a time.
            models.UniqueConstraint(
                fields=["series"],
                condition=models.Q(status__in=["draft", "submitted", "returned"]),
                name="risk_product_one_open_version",
            ),
            models.UniqueConstraint(
                fields=["series"], condition=models.Q(status="published"), name="risk_product_one_published_version"
            ),
            models.CheckConstraint(condition=models.Q(trl_min__lte=models.F("trl_max")), name="risk_product_trl_in_order"),
        ]

    def __str__(self) -> str:
        return f"{self.name}（第 {self.version} 版）"

    @property
    def is_editable(self) -> bool:
        return self.status in PRODUCT_EDITABLE

    @property
    def is_guarantee(self) -> bool:
        return self.product_type == ProductType.PERFORMANCE_GUARANTEE


class ProductEvent(TransitionEvent):
    subject = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="events")

    class Meta(TransitionEvent.Meta):
        verbose_name = "产品事件"
        verbose_name_plural = "产品事件"


class SubsidyRule(models.Model):
    """A public premium subsidy as a rule: what share of the premium it pays, where (a higher
    share in east, west and north Guangdong), for which products and insured, and its caps."""

    name = models.CharField("补贴名称", max_length=120)
    rate_percent = _percent("补贴比例（实缴保费的 %）", Decimal("25"))
    regional_rate_percent = _optional_percent("粤东粤西粤北补贴比例（%）")
    annual_cap_per_firm = _money("每家企业每年补贴上限（元）", Decimal("200000.00"))
    stacked_cap_percent = _percent("与其他财政补贴叠加后的上限（保费的 %）", Decimal("50"))
    product_types = models.JSONField("适用产品类型", default=list, blank=True)
    insured_kinds = models.JSONField("适用被保险人", default=list, blank=True)
    regions = models.JSONField("适用区域", default=list, blank=True)
    valid_from = models.DateField("生效日")
    valid_until = models.DateField("失效日（含）", null=True, blank=True)
    created_at = models.DateTimeField("创建时间", default=timezone.now)

    class Meta:
        verbose_name = "保费补贴规则"
        verbose_name_plural = "保费补贴规则"
        ordering: ClassVar[list[str]] = ["valid_from", "id"]

    def __str__(self) -> str:
        return self.name


def label_of(name: str) -> str:
    """A product field's Chinese label, for messages naming it."""
    found = Product._meta.get_field(name)
    return str(getattr(found, "verbose_name", name))
