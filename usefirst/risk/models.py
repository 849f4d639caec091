"""Risk sharing in the use-first deal (docs/domain.md, rule 8): insurance and guarantee products
as data, each version reviewed by the provincial department, and the premium subsidies as rules.

A product is a series of versions sharing one `series`: editing a published version makes a new
draft version, and publishing it supersedes the old one; whatever was issued under a version keeps
pointing at that row, which is never edited once published. Rates are stored as percentages as a
person types them (1.5 means 1.5 %), loadings as factors (1.20), money as CNY Decimals.
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from pathlib import Path
from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone

from usefirst.accounts.models import Organisation
from usefirst.core.models import TransitionEvent

from .choices import (
    PRODUCT_EDITABLE,
    BreachKind,
    ClaimOrigin,
    ClaimStatus,
    CoveredRisk,
    InsuredKind,
    PolicyStatus,
    PremiumMethod,
    ProductStatus,
    ProductType,
)


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
    overdue_trigger_days = models.PositiveSmallIntegerField(
        "付款逾期多少日自动发起理赔（代偿）",
        null=True,
        blank=True,
        help_text="承保企业付款违约的产品：付款计划中一期逾期满该天数时，平台每日任务自动为被保险人发起理赔；不填则不自动发起",
    )
    breach_trigger = models.BooleanField(
        "登记违约记录时自动发起理赔（代偿）",
        default=False,
        help_text="被保险人在平台登记合同相对方的违约记录时，平台自动为其发起理赔，与付款逾期自动发起相同",
    )
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


# ---------------------------------------------------------------- policies and claims


class Policy(models.Model):
    """A policy (or a guarantee) on one contract under one product version, from the insured's
    application to its end. It keeps the version it was applied and issued under (`product`),
    whatever later versions change. `pack` is the underwriting pack as the insured consented to
    share it when applying (only the consented parts, frozen at that moment)."""

    number = models.CharField("保单号", max_length=40, blank=True)
    product = models.ForeignKey(Product, verbose_name="产品（版本）", on_delete=models.PROTECT, related_name="policies")
    provider = models.ForeignKey(Organisation, verbose_name="保险或担保机构", on_delete=models.PROTECT, related_name="+")
    contract = models.ForeignKey(
        "contracts.Contract", verbose_name="合同", on_delete=models.PROTECT, related_name="risk_policies"
    )
    insured = models.ForeignKey(Organisation, verbose_name="投保人（被保险人）", on_delete=models.PROTECT, related_name="+")
    covered_risks = models.JSONField("承保风险", default=list)
    status = models.CharField("状态", max_length=16, choices=PolicyStatus.choices, default=PolicyStatus.APPLIED)
    period_start = models.DateField("保险（担保）期间起（含）")
    period_end = models.DateField("保险（担保）期间止（含）")
    quoted_premium = _optional_money("投保时报价保费（元）")
    quoted_cover = _optional_money("投保时报价保险金额（元）")
    premium = _optional_money("保费（担保费）（元）")
    cover = _optional_money("保险金额（担保金额）（元）")
    consent_parts = models.JSONField("同意提供的核保材料", default=list)
    consent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    consent_at = models.DateTimeField("同意时间", default=timezone.now)
    pack = models.JSONField("核保材料（投保时）", default=dict)
    note = models.TextField("投保说明", max_length=2000, blank=True)
    applied_at = models.DateTimeField("投保时间", default=timezone.now)
    decided_at = models.DateTimeField("核保决定时间", null=True, blank=True)

    class Meta:
        verbose_name = "保单（担保）"
        verbose_name_plural = "保单（担保）"
        ordering: ClassVar[list[str]] = ["-applied_at", "-id"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["provider", "number"], condition=~models.Q(number=""), name="risk_policy_number_once"
            ),
            models.CheckConstraint(
                condition=models.Q(period_start__lte=models.F("period_end")), name="risk_policy_period_in_order"
            ),
        ]

    def __str__(self) -> str:
        return self.number or f"投保申请 {self.pk}"

    @property
    def is_guarantee(self) -> bool:
        return self.product.is_guarantee

    @property
    def noun(self) -> str:
        return "担保" if self.is_guarantee else "保单"


class PolicyEvent(TransitionEvent):
    subject = models.ForeignKey(Policy, on_delete=models.PROTECT, related_name="events")

    class Meta(TransitionEvent.Meta):
        verbose_name = "保单事件"
        verbose_name_plural = "保单事件"


class PremiumPayment(models.Model):
    """A premium (or guarantee fee) paid, recorded like a receipt: never edited."""

    policy = models.ForeignKey(Policy, on_delete=models.PROTECT, related_name="premium_payments")
    paid_on = models.DateField("缴费日期")
    amount = models.DecimalField("金额（元）", max_digits=14, decimal_places=2)
    voucher_number = models.CharField("凭证号", max_length=64)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField("登记时间", default=timezone.now)

    class Meta:
        verbose_name = "保费缴纳"
        verbose_name_plural = "保费缴纳"
        ordering: ClassVar[list[str]] = ["paid_on", "id"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="risk_premium_payment_positive"),
            models.UniqueConstraint(fields=["policy", "voucher_number"], name="risk_premium_voucher_once"),
        ]

    def __str__(self) -> str:
        return f"{self.policy_id} {self.amount}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise RuntimeError("premium payments are append-only")
        super().save(*args, **kwargs)


class Claim(models.Model):
    """A claim under a policy (a call on a guarantee): opened by the insured or offered by the
    platform when a covered trigger happens, the documents the product requires, the insurer's
    assessment, payment or refusal, and the recourse against the licensee."""

    number = models.CharField("案件号", max_length=40, unique=True)
    policy = models.ForeignKey(Policy, on_delete=models.PROTECT, related_name="claims")
    status = models.CharField("状态", max_length=24, choices=ClaimStatus.choices, default=ClaimStatus.OPENED)
    origin = models.CharField("发起方式", max_length=16, choices=ClaimOrigin.choices, default=ClaimOrigin.INSURED)
    risk = models.CharField("出险风险", max_length=40, choices=CoveredRisk.choices)
    occurred_on = models.DateField("出险日期")
    amount_claimed = _money("索赔金额（元）", Decimal("0.00"))
    description = models.TextField("出险经过", max_length=3000)
    trigger_line = models.ForeignKey(
        "finance.ScheduleLine",
        verbose_name="逾期的付款事项",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="risk_claims",
    )
    trigger_breach = models.ForeignKey(
        "risk.Breach",
        verbose_name="触发理赔的违约记录",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="claims",
    )
    assessed_loss = _optional_money("核定损失（元）")
    payout = _optional_money("赔付（代偿）金额（元）")
    paid_on = models.DateField("赔付日期", null=True, blank=True)
    payout_counts_as_received = models.BooleanField("赔付计入实际到账", default=False)
    recourse_amount = _optional_money("追偿金额（元）")
    recourse_note = models.TextField("追偿说明", max_length=2000, blank=True)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    opened_at = models.DateTimeField("报案时间", default=timezone.now)

    class Meta:
        verbose_name = "理赔（代偿）"
        verbose_name_plural = "理赔（代偿）"
        ordering: ClassVar[list[str]] = ["-opened_at", "-id"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            # The platform offers one claim per overdue payment item.
            models.UniqueConstraint(
                fields=["policy", "trigger_line"], condition=models.Q(trigger_line__isnull=False), name="risk_claim_one_per_line"
            ),
            # ... and one per breach record.
            models.UniqueConstraint(
                fields=["policy", "trigger_breach"],
                condition=models.Q(trigger_breach__isnull=False),
                name="risk_claim_one_per_breach",
            ),
        ]

    def __str__(self) -> str:
        return self.number


class ClaimEvent(TransitionEvent):
    subject = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="events")

    class Meta(TransitionEvent.Meta):
        verbose_name = "理赔事件"
        verbose_name_plural = "理赔事件"


def claim_document_path(instance: ClaimDocument, filename: str) -> str:
    """Private storage (settings.STORAGES): served only through the claim's permission-checked view."""
    return f"risk/claims/{instance.claim_id}/{uuid.uuid4().hex}{Path(filename).suffix.lower()}"


class ClaimDocument(models.Model):
    """One document the product requires for a claim, as an uploaded file: generated by the
    platform from the facts it holds (attached when the claim is opened) or uploaded by the insured
    (a PDF, PNG or JPEG judged by its bytes, accounts.files.checked_document). Rows from before
    files were required have only `content` and do not count as attached."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="documents")
    name = models.CharField("材料", max_length=200)
    content = models.TextField("说明", max_length=3000, blank=True)
    file = models.FileField("文件", upload_to=claim_document_path, blank=True)
    filename = models.CharField("原文件名", max_length=200, blank=True)
    size = models.PositiveIntegerField("文件大小（字节）", default=0)
    by_platform = models.BooleanField("平台自动附上", default=False)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField("提供时间", default=timezone.now)

    class Meta:
        verbose_name = "理赔材料"
        verbose_name_plural = "理赔材料"
        ordering: ClassVar[list[str]] = ["claim", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def attached(self) -> bool:
        return bool(self.file)


def breach_evidence_path(instance: Breach, filename: str) -> str:
    return f"risk/breaches/{instance.contract_id}/{uuid.uuid4().hex}{Path(filename).suffix.lower()}"


class Breach(models.Model):
    """A breach record (违约记录): a platform fact a party of a contract records against the other
    party, with its evidence file. It offers a claim under the recorder's policies whose product
    names breach as a trigger (`Product.breach_trigger`), and a breach by the licensee enters its
    performance record (performance.hooks.breaches). Never edited."""

    contract = models.ForeignKey(
        "contracts.Contract", verbose_name="合同", on_delete=models.PROTECT, related_name="risk_breaches"
    )
    recorded_for = models.ForeignKey(Organisation, verbose_name="登记方", on_delete=models.PROTECT, related_name="+")
    against = models.ForeignKey(Organisation, verbose_name="违约方", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField("违约类型", max_length=32, choices=BreachKind.choices)
    occurred_on = models.DateField("违约日期")
    description = models.TextField("违约情况", max_length=3000)
    evidence = models.FileField("证据文件", upload_to=breach_evidence_path)
    evidence_name = models.CharField("证据原文件名", max_length=200, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField("登记时间", default=timezone.now)

    class Meta:
        verbose_name = "违约记录"
        verbose_name_plural = "违约记录"
        ordering: ClassVar[list[str]] = ["-occurred_on", "-id"]

    def __str__(self) -> str:
        return f"{self.contract_id} {self.kind} {self.occurred_on}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise RuntimeError("breach records are append-only")
        super().save(*args, **kwargs)


class CoverPayment(models.Model):
    """What an insurer or guarantor paid on a payment item of the contract on the licensee's
    behalf (赔付 / 代偿): who paid, how much, and the recourse against the licensee. Kept apart
    from the licensee's receipts (finance.Receipt): it is not 实际到账 for recognition unless the
    policy parameter `recognition_counts_cover_payments` said so when it was paid."""

    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="cover_payments")
    line = models.ForeignKey(
        "finance.ScheduleLine",
        verbose_name="付款事项",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cover_payments",
    )
    contract = models.ForeignKey("contracts.Contract", on_delete=models.PROTECT, related_name="risk_cover_payments")
    payer = models.ForeignKey(Organisation, verbose_name="代为支付的机构", on_delete=models.PROTECT, related_name="+")
    recourse_against = models.ForeignKey(
        Organisation, verbose_name="追偿对象", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    amount = models.DecimalField("金额（元）", max_digits=14, decimal_places=2)
    paid_on = models.DateField("支付日期")
    counts_as_received = models.BooleanField("计入实际到账", default=False)
    recorded_at = models.DateTimeField("登记时间", default=timezone.now)

    class Meta:
        verbose_name = "保险赔付与担保代偿"
        verbose_name_plural = "保险赔付与担保代偿"
        ordering: ClassVar[list[str]] = ["paid_on", "id"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="risk_cover_payment_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.payer_id} {self.amount}"
