"""Bank financing in the use-first deal (先用后付贷, docs/financing.md): loan products published by
banks and reviewed by the provincial department (versioned like risk products: one row per
version sharing a `series`), a contract party's application with its consented pack (the same
pack as risk's underwriting pack), the bank's decision, and the pledge of the purchased patent
(an IP item of the catalog) while the loan stands. Rates are percentages as typed (3.45 means
3.45 % a year), money CNY Decimals."""

from __future__ import annotations

from decimal import Decimal
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone

from usefirst.accounts.models import Organisation
from usefirst.core.models import TransitionEvent

from .choices import ApplicationStatus, LoanKind, PledgeStatus, ProductStatus


def _money(label: str) -> models.DecimalField[Decimal | None, Decimal | None]:
    return models.DecimalField(label, max_digits=14, decimal_places=2, null=True, blank=True)


def _percent(label: str) -> models.DecimalField[Decimal | None, Decimal | None]:
    return models.DecimalField(label, max_digits=7, decimal_places=4, null=True, blank=True)


class LoanProduct(models.Model):
    bank = models.ForeignKey(Organisation, verbose_name="银行", on_delete=models.PROTECT, related_name="loan_products")
    series = models.CharField("产品编号", max_length=16, db_index=True)
    version = models.PositiveIntegerField("版本", default=1)
    status = models.CharField("状态", max_length=16, choices=ProductStatus.choices, default=ProductStatus.DRAFT)
    name = models.CharField("产品名称", max_length=120)
    kind = models.CharField("贷款类型", max_length=16, choices=LoanKind.choices)
    summary = models.TextField("产品说明", max_length=2000, blank=True)
    # Eligibility.
    modes = models.JSONField("适用模式", default=list)
    amount_min = _money("贷款金额下限（元）")
    amount_max = _money("贷款金额上限（元）")
    enterprise_sizes = models.JSONField("企业规模", default=list, blank=True)
    regions = models.JSONField("区域", default=list, blank=True)
    # Terms.
    rate_min = _percent("年利率下限（%）")
    rate_max = _percent("年利率上限（%）")
    term_months_min = models.PositiveSmallIntegerField("贷款期限下限（月）", default=6)
    term_months_max = models.PositiveSmallIntegerField("贷款期限上限（月）", default=36)
    max_ratio_percent = models.DecimalField(
        "贷款金额不超过合同金额的比例（%）", max_digits=7, decimal_places=4, default=Decimal("70")
    )
    pledge_required = models.BooleanField("须质押所购专利", default=False)
    # Lifecycle.
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("创建时间", default=timezone.now)
    updated_at = models.DateTimeField("更新时间", default=timezone.now)
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    published_at = models.DateTimeField("发布时间", null=True, blank=True)

    class Meta:
        verbose_name = "融资产品"
        verbose_name_plural = "融资产品"
        ordering: ClassVar[list[str]] = ["-updated_at", "-id"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["series", "version"], name="financing_product_version_once"),
            models.UniqueConstraint(
                fields=["series"],
                condition=models.Q(status__in=["draft", "submitted", "returned"]),
                name="financing_product_one_open_version",
            ),
            models.UniqueConstraint(
                fields=["series"], condition=models.Q(status="published"), name="financing_product_one_published_version"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}（第 {self.version} 版）"

    @property
    def is_editable(self) -> bool:
        return self.status in (ProductStatus.DRAFT, ProductStatus.RETURNED)


class LoanProductEvent(TransitionEvent):
    subject = models.ForeignKey(LoanProduct, on_delete=models.PROTECT, related_name="events")

    class Meta(TransitionEvent.Meta):
        verbose_name = "融资产品事件"
        verbose_name_plural = "融资产品事件"


def label_of(name: str) -> str:
    found = LoanProduct._meta.get_field(name)
    return str(getattr(found, "verbose_name", name))


class LoanApplication(models.Model):
    """A contract party's application for one product version, with the pack it consented to
    share with the bank (frozen when applying), and the bank's decision."""

    product = models.ForeignKey(
        LoanProduct, verbose_name="融资产品（版本）", on_delete=models.PROTECT, related_name="applications"
    )
    bank = models.ForeignKey(Organisation, verbose_name="银行", on_delete=models.PROTECT, related_name="+")
    contract = models.ForeignKey(
        "contracts.Contract", verbose_name="合同", on_delete=models.PROTECT, related_name="loan_applications"
    )
    applicant = models.ForeignKey(Organisation, verbose_name="申请人", on_delete=models.PROTECT, related_name="+")
    status = models.CharField("状态", max_length=16, choices=ApplicationStatus.choices, default=ApplicationStatus.APPLIED)
    amount = models.DecimalField("申请金额（元）", max_digits=14, decimal_places=2)
    term_months = models.PositiveSmallIntegerField("申请期限（月）")
    purpose = models.TextField("资金用途", max_length=2000, blank=True)
    consent_parts = models.JSONField("同意提供的材料", default=list)
    consent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    consent_at = models.DateTimeField("同意时间", default=timezone.now)
    pack = models.JSONField("授信材料（申请时）", default=dict)
    approved_amount = _money("批准金额（元）")
    approved_rate = _percent("批准年利率（%）")
    approved_term_months = models.PositiveSmallIntegerField("批准期限（月）", null=True, blank=True)
    applied_at = models.DateTimeField("申请时间", default=timezone.now)
    decided_at = models.DateTimeField("审批时间", null=True, blank=True)

    class Meta:
        verbose_name = "融资申请"
        verbose_name_plural = "融资申请"
        ordering: ClassVar[list[str]] = ["-applied_at", "-id"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="financing_application_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"融资申请 {self.pk}"


class LoanApplicationEvent(TransitionEvent):
    subject = models.ForeignKey(LoanApplication, on_delete=models.PROTECT, related_name="events")

    class Meta(TransitionEvent.Meta):
        verbose_name = "融资申请事件"
        verbose_name_plural = "融资申请事件"


class Pledge(models.Model):
    """The pledge of an IP item (the purchased patent) to the bank while the loan stands: registered
    when the loan is drawn, released when it is repaid. One standing pledge per IP item."""

    application = models.ForeignKey(LoanApplication, on_delete=models.PROTECT, related_name="pledges")
    ip_item = models.ForeignKey("catalog.IpItem", verbose_name="质押的知识产权", on_delete=models.PROTECT, related_name="pledges")
    bank = models.ForeignKey(Organisation, verbose_name="质权人（银行）", on_delete=models.PROTECT, related_name="+")
    pledgor = models.ForeignKey(Organisation, verbose_name="出质人", on_delete=models.PROTECT, related_name="+")
    status = models.CharField("状态", max_length=16, choices=PledgeStatus.choices, default=PledgeStatus.REGISTERED)
    registration_number = models.CharField("质押登记号", max_length=64)
    registered_on = models.DateField("质押登记日")
    released_on = models.DateField("解除质押日", null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField("登记时间", default=timezone.now)

    class Meta:
        verbose_name = "专利质押"
        verbose_name_plural = "专利质押"
        ordering: ClassVar[list[str]] = ["-registered_on", "-id"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["ip_item"], condition=models.Q(status="registered"), name="financing_pledge_one_standing_per_ip"
            ),
        ]

    def __str__(self) -> str:
        return f"质押 {self.registration_number}"


class PledgeEvent(TransitionEvent):
    subject = models.ForeignKey(Pledge, on_delete=models.PROTECT, related_name="events")

    class Meta(TransitionEvent.Meta):
        verbose_name = "质押事件"
        verbose_name_plural = "质押事件"
