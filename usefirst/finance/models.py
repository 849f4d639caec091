"""Payment plans, receipts (到账), their per-achievement allocation, income distributions and
the guidance fund ledger.

Money facts are append-only: a receipt is never edited (a correction is a reversing entry)
and the "amount actually received" is derived from receipts alone. `ReceiptAllocation` rows
are written in the same transaction as their receipt so that the amount received of one
achievement is an indexed sum (see selectors.received_for_achievement).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, ClassVar

from django.conf import settings
from django.db import models, transaction
from django.db.models import F, Q
from django.utils import timezone

from usefirst.accounts.models import Organisation, Person
from usefirst.catalog.models import Achievement
from usefirst.contracts.models import Contract, InventorGrant  # the grant is a contract term
from usefirst.core.hash_chain import ChainedRow, canonical_time
from usefirst.core.models import TransitionEvent
from usefirst.core.text import reject_control_characters

from .plan_types import item_type_choices


class AppendOnly(models.Model):
    """Rows that are never edited, except for the fields a model names in `later_fields`, which
    its lifecycle sets later (a receipt's confirmation), saved with `update_fields`."""

    later_fields: ClassVar[frozenset[str]] = frozenset()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        fields = kwargs.get("update_fields")
        if self.pk is not None and not (fields and set(fields) <= self.later_fields):
            raise RuntimeError(f"{type(self).__name__} rows are append-only")
        super().save(*args, **kwargs)


class ChainedLedgerRow(AppendOnly, ChainedRow):
    """An append-only money row, hash-chained (usefirst/core/hash_chain.py) over the fields set
    when it is written: a row changed, removed or inserted in the database is found by
    `manage.py integrity_verify`. `bulk_create` callers link the rows first (`link_many`)."""

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:  # the later fields (AppendOnly) are outside the chain
            super().save(*args, **kwargs)
            return
        with transaction.atomic(using=kwargs.get("using")):
            self.chain_link(kwargs.get("using"))
            super().save(*args, **kwargs)


def _places(value: Decimal | None, places: int) -> str | None:
    return None if value is None else f"{Decimal(value):.{places}f}"


# ---------------------------------------------------------------- payment plans


class PaymentPlan(models.Model):
    contract = models.OneToOneField(Contract, verbose_name="合同", on_delete=models.PROTECT, related_name="payment_plan")
    non_technical_costs = models.DecimalField(
        "非技术性支出（元）",
        max_digits=14,
        decimal_places=2,
        default=0,
        help_text="技术合同认定登记：合同金额中不属于技术性收入的部分",
    )
    note = models.TextField("说明", max_length=2000, blank=True, validators=[reject_control_characters])
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("创建时间", default=timezone.now)

    class Meta:
        verbose_name = "付款计划"
        verbose_name_plural = "付款计划"

    def __str__(self) -> str:
        return f"付款计划 {self.contract_id}"


class PlanItem(models.Model):
    """One agreed way of paying (a registry type with its terms); expands into schedule lines."""

    plan = models.ForeignKey(PaymentPlan, on_delete=models.CASCADE, related_name="items")
    kind = models.CharField("付款方式", max_length=24, choices=item_type_choices())
    terms = models.JSONField("约定条件")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = "付款方式"
        verbose_name_plural = "付款方式"
        ordering: ClassVar[list[str]] = ["plan", "position", "id"]

    def __str__(self) -> str:
        return f"{self.plan_id}:{self.kind}"


class ScheduleLineStatus(models.TextChoices):
    OPEN = "open", "待履行"
    WAIVED = "waived", "已豁免"


class ScheduleLine(models.Model):
    """A scheduled amount. Its stored status says only whether it was waived (finance/workflows.py);
    the state shown (scheduled, due, received, overdue, waived) is computed from its dates, the
    waiver and the contract's receipts (selectors.schedule)."""

    plan = models.ForeignKey(PaymentPlan, on_delete=models.CASCADE, related_name="lines")
    item = models.ForeignKey(PlanItem, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveSmallIntegerField(default=0)
    label = models.CharField("事项", max_length=200)
    amount = models.DecimalField("应付金额（元）", max_digits=14, decimal_places=2, null=True, blank=True)
    stated_date = models.DateField("约定日期", null=True, blank=True)
    due_date = models.DateField("应付日期", null=True, blank=True, db_index=True)
    period_start = models.DateField("提成期起", null=True, blank=True)
    period_end = models.DateField("提成期止", null=True, blank=True)
    report_due = models.DateField("报告截止日", null=True, blank=True)
    licensor_confirmed_at = models.DateTimeField("许可方确认时间", null=True, blank=True)
    licensor_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    licensee_confirmed_at = models.DateTimeField("被许可方确认时间", null=True, blank=True)
    licensee_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField("状态", max_length=16, choices=ScheduleLineStatus.choices, default=ScheduleLineStatus.OPEN)
    waived_at = models.DateTimeField("豁免时间", null=True, blank=True)
    waived_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    waive_reason = models.TextField("豁免理由", blank=True)
    reminded_on = models.JSONField("已发送提醒", default=list, blank=True)

    class Meta:
        verbose_name = "付款计划明细"
        verbose_name_plural = "付款计划明细"
        ordering: ClassVar[list[str]] = ["plan", "position", "id"]

    def __str__(self) -> str:
        return self.label

    @property
    def is_milestone(self) -> bool:
        return self.item.kind == "milestone"

    @property
    def is_royalty(self) -> bool:
        return self.period_start is not None


class RoyaltyReport(AppendOnly):
    """The enterprise's report of a royalty period's base (net sales or profit)."""

    line = models.OneToOneField(ScheduleLine, on_delete=models.PROTECT, related_name="royalty_report")
    base_amount = models.DecimalField("提成基数（元）", max_digits=14, decimal_places=2)
    reported_on = models.DateField("报告日期")
    is_late = models.BooleanField("逾期报告", default=False)
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reported_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "提成报告"
        verbose_name_plural = "提成报告"

    def __str__(self) -> str:
        return f"{self.line_id} {self.base_amount}"


# ---------------------------------------------------------------- receipts


class ConfirmedAs(models.TextChoices):
    PAYER = "payer", "付款方确认"
    DEPARTMENT = "department", "付款方逾期未答复，审核部门核实"
    UNIT = "unit", "成果单位确认"
    RECORDED = "recorded", "登记即确认（旧规则）"


class ReceiptStatus(models.TextChoices):
    PENDING = "pending", "待确认"
    CONFIRMED = "confirmed", "已确认"
    DISPUTED = "disputed", "付款方有异议"


class Receipt(ChainedLedgerRow):
    """A receipt (到账) or its reversal. Never edited; the only source of amounts received.
    Hash-chained (usefirst/core/hash_chain.py) over the fields set when it is recorded: an amount
    changed in the database is found by `manage.py integrity_verify`.

    A receipt waits for its confirmation (by the payer, the department or the unit) or the
    payer's dispute, the fields set later, once (finance/workflows.py); only confirmed receipts
    count and are allocated. A reversal is born confirmed.
    """

    later_fields: ClassVar[frozenset[str]] = frozenset(
        {"status", "confirmed_at", "confirmed_by", "confirmed_as", "disputed_at", "disputed_by", "dispute_reason"}
    )

    contract = models.ForeignKey(Contract, verbose_name="合同", on_delete=models.PROTECT, related_name="receipts")
    received_on = models.DateField("到账日期")
    amount = models.DecimalField("金额（元）", max_digits=14, decimal_places=2)
    payer = models.CharField("付款方", max_length=200, validators=[reject_control_characters])
    voucher_number = models.CharField("凭证号", max_length=64, validators=[reject_control_characters])
    idempotency_key = models.CharField("幂等键", max_length=128)
    payload_hash = models.CharField(max_length=64, editable=False)
    reverses = models.ForeignKey(
        "self", verbose_name="冲销的到账", null=True, blank=True, on_delete=models.PROTECT, related_name="reversals"
    )
    reason = models.TextField("冲销理由", blank=True, validators=[reject_control_characters])
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField("登记时间", default=timezone.now)
    status = models.CharField("状态", max_length=16, choices=ReceiptStatus.choices, default=ReceiptStatus.PENDING)
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    confirmed_at = models.DateTimeField("确认时间", null=True, blank=True)
    # Evidence and the payer's word (docs/domain.md, "Actually received"): the paying organisation,
    # whose voucher numbers are unique; the bank slip; who confirmed, or the payer's dispute.
    payer_organisation = models.ForeignKey(
        "accounts.Organisation", verbose_name="付款单位", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    slip = models.FileField("银行回单", upload_to="receipts/%Y/%m/", blank=True)
    confirmed_as = models.CharField("确认方式", max_length=16, choices=ConfirmedAs.choices, blank=True)
    disputed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    disputed_at = models.DateTimeField("提出异议时间", null=True, blank=True)
    dispute_reason = models.TextField("异议理由", blank=True, validators=[reject_control_characters])

    class Meta:
        verbose_name = "到账记录"
        verbose_name_plural = "到账记录"
        ordering: ClassVar[list[str]] = ["received_on", "id"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["idempotency_key"], name="receipt_idempotency_key_unique"),
            models.UniqueConstraint(fields=["prev_hash"], name="receipt_chain_one_successor"),
            models.CheckConstraint(
                condition=(Q(reverses__isnull=True) & Q(amount__gt=0)) | (Q(reverses__isnull=False) & Q(amount__lt=0)),
                name="receipt_positive_or_reversing",
            ),
            # A reversal repeats its original's voucher; receipts recorded before the payer was
            # kept (payer_organisation null) are outside the rule.
            models.UniqueConstraint(
                fields=["payer_organisation", "voucher_number"],
                condition=Q(reverses__isnull=True, disputed_at__isnull=True),
                name="receipt_voucher_unique_per_payer",
            ),
        ]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["contract", "received_on"], name="receipt_contract_day_idx")
        ]

    chain_label = "到账记录"

    def __str__(self) -> str:
        return f"{self.received_on} {self.amount}"

    def chain_content(self) -> dict[str, Any]:
        return {
            "contract": self.contract_id,
            "received_on": self.received_on.isoformat(),
            "amount": f"{Decimal(self.amount):.2f}",
            "payer": self.payer,
            "voucher": self.voucher_number,
            "key": self.idempotency_key,
            "payload": self.payload_hash,
            "reverses": self.reverses_id,
            "reason": self.reason,
            "recorded_by": self.recorded_by_id,
            "recorded_at": canonical_time(self.recorded_at),
            "payer_organisation": self.payer_organisation_id,
            "slip": self.slip.name or "",
        }

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None

    @property
    def is_reversal(self) -> bool:
        return self.reverses_id is not None

    @property
    def is_disputed(self) -> bool:
        return self.disputed_at is not None

    @property
    def state_label(self) -> str:
        if self.reverses_id is not None:
            return "冲销"
        if self.confirmed_at is not None:
            return f"已确认（{self.get_confirmed_as_display()}）" if self.confirmed_as else "已确认"
        if self.disputed_at is not None:
            return "付款方有异议"
        if self.payer_organisation_id and self.contract.licensor_person_id is None:
            return "待付款方确认"
        return "待成果单位确认"


class ReceiptAllocation(ChainedLedgerRow):
    """A confirmed receipt's part for one achievement of its contract (by price share, exact
    to the fen). Written with the receipt (or its confirmation) in one transaction; summing
    these rows by achievement over the covering index answers "amount received" in one
    index range scan, however many receipts the platform holds."""

    # No single-column indexes on receipt and achievement: the unique (receipt, achievement)
    # constraint and the covering (achievement, received_on, amount) index serve those lookups,
    # and a planner offered the narrower FK index would not read the amounts from the index.
    receipt = models.ForeignKey(Receipt, on_delete=models.PROTECT, related_name="allocations", db_index=False)
    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="+")
    achievement = models.ForeignKey(Achievement, on_delete=models.PROTECT, related_name="receipt_allocations", db_index=False)
    received_on = models.DateField()
    amount = models.DecimalField(max_digits=14, decimal_places=2)

    class Meta:
        verbose_name = "到账分摊"
        verbose_name_plural = "到账分摊"
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["receipt", "achievement"], name="allocation_one_per_achievement"),
            models.UniqueConstraint(fields=["prev_hash"], name="allocation_chain_one_successor"),
        ]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["achievement", "received_on", "amount"], name="allocation_achievement_idx"),
        ]

    chain_label = "到账分摊"

    def __str__(self) -> str:
        return f"{self.receipt_id}:{self.achievement_id} {self.amount}"

    def chain_content(self) -> dict[str, Any]:
        return {
            "receipt": self.receipt_id,
            "contract": self.contract_id,
            "achievement": self.achievement_id,
            "received_on": self.received_on.isoformat(),
            "amount": _places(self.amount, 2),
        }


# ---------------------------------------------------------------- distributions


class DistributionVariant(models.TextChoices):
    CASH = "cash", "现金收益分配"
    EQUITY = "equity", "股权奖励（作价入股）"
    OWNERSHIP = "ownership", "成果所有权份额"


class DistributionStatus(models.TextChoices):
    COMPUTED = "computed", "已核算"
    PAID = "paid", "已发放"
    CANCELLED = "cancelled", "已撤销"


class Distribution(models.Model):
    contract = models.ForeignKey(Contract, verbose_name="合同", on_delete=models.PROTECT, related_name="distributions")
    sequence = models.PositiveIntegerField("批次")
    unit = models.ForeignKey(Organisation, verbose_name="单位", on_delete=models.PROTECT, related_name="+")
    variant = models.CharField("分配方式", max_length=16, choices=DistributionVariant.choices, default=DistributionVariant.CASH)
    grant = models.CharField("对成果完成人的赋权", max_length=16, choices=InventorGrant.choices, default=InventorGrant.NONE)
    status = models.CharField("状态", max_length=16, choices=DistributionStatus.choices, default=DistributionStatus.COMPUTED)
    received = models.DecimalField("本次计入的到账（元）", max_digits=14, decimal_places=2, default=0)
    adjustment = models.DecimalField(
        "结转调整（元）", max_digits=14, decimal_places=2, default=0, help_text="已发放分配之后冲销的到账"
    )
    carried_in = models.DecimalField("上次结转的亏差（元）", max_digits=14, decimal_places=2, default=0)
    taxes = models.DecimalField("税金（元）", max_digits=14, decimal_places=2, default=0)
    fees = models.DecimalField("费用（元）", max_digits=14, decimal_places=2, default=0)
    conversion_costs = models.DecimalField("转化成本（元）", max_digits=14, decimal_places=2, default=0)
    net_income = models.DecimalField("转化净收入（元）", max_digits=14, decimal_places=2, default=0)
    carry_forward = models.DecimalField("结转下次（元）", max_digits=14, decimal_places=2, default=0)
    inventor_pct = models.DecimalField("成果完成人比例（%）", max_digits=5, decimal_places=2)
    unit_pct = models.DecimalField("单位比例（%）", max_digits=5, decimal_places=2)
    fund_pct = models.DecimalField("引导资金比例（%）", max_digits=5, decimal_places=2)
    inventors_total = models.DecimalField("成果完成人合计（元）", max_digits=14, decimal_places=2, default=0)
    unit_amount = models.DecimalField("单位所得（元）", max_digits=14, decimal_places=2, default=0)
    fund_amount = models.DecimalField("引导资金（元）", max_digits=14, decimal_places=2, default=0)
    shared_pct = models.DecimalField("分配的股权/所有权比例（%）", max_digits=9, decimal_places=4, null=True, blank=True)
    warning = models.TextField("提示", blank=True)
    note = models.TextField("说明", max_length=2000, blank=True, validators=[reject_control_characters])
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("核算时间", default=timezone.now)
    paid_at = models.DateTimeField("发放时间", null=True, blank=True)

    class Meta:
        verbose_name = "收益分配"
        verbose_name_plural = "收益分配"
        ordering: ClassVar[list[str]] = ["contract", "sequence"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["contract", "sequence"], name="distribution_sequence_unique"),
            models.CheckConstraint(
                condition=Q(inventor_pct__gte=0, inventor_pct__lte=100) & Q(net_income__gte=0),
                name="distribution_sane",
            ),
            models.CheckConstraint(
                condition=Q(variant="cash", net_income=F("inventors_total") + F("unit_amount") + F("fund_amount"))
                | ~Q(variant="cash"),
                name="distribution_sums_exactly",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.contract_id} 第{self.sequence}批"


class DistributedReceipt(models.Model):
    """Which receipts a live distribution took in. A receipt is in at most one live
    distribution (the one-to-one is the guard against counting it twice, even under
    concurrent requests); cancelling a distribution releases its receipts."""

    distribution = models.ForeignKey(Distribution, on_delete=models.CASCADE, related_name="receipt_links")
    receipt = models.OneToOneField(Receipt, on_delete=models.PROTECT, related_name="distribution_link")

    class Meta:
        verbose_name = "分配所含到账"
        verbose_name_plural = "分配所含到账"

    def __str__(self) -> str:
        return f"{self.distribution_id}:{self.receipt_id}"


class DistributionLine(ChainedLedgerRow):
    class Recipient(models.TextChoices):
        INVENTOR = "inventor", "成果完成人"
        UNIT = "unit", "单位"
        FUND = "fund", "成果转化引导资金"

    distribution = models.ForeignKey(Distribution, on_delete=models.CASCADE, related_name="lines")
    recipient = models.CharField("收益人", max_length=16, choices=Recipient.choices)
    person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT, related_name="distribution_lines")
    weight = models.DecimalField("份额权重", max_digits=9, decimal_places=4, default=0)
    amount = models.DecimalField("金额（元）", max_digits=14, decimal_places=2, null=True, blank=True)
    percent = models.DecimalField("股权/所有权比例（%）", max_digits=9, decimal_places=4, null=True, blank=True)

    class Meta:
        verbose_name = "分配明细"
        verbose_name_plural = "分配明细"
        ordering: ClassVar[list[str]] = ["distribution", "id"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["prev_hash"], name="distribution_line_chain_one_successor"),
        ]

    chain_label = "分配明细"

    def __str__(self) -> str:
        return f"{self.distribution_id} {self.recipient} {self.amount}"

    def chain_content(self) -> dict[str, Any]:
        return {
            "distribution": self.distribution_id,
            "recipient": self.recipient,
            "person": self.person_id,
            "weight": _places(self.weight, 4),
            "amount": _places(self.amount, 2),
            "percent": _places(self.percent, 4),
        }


class GuidanceFundEntry(ChainedLedgerRow):
    """The unit's conversion guidance fund (成果转化引导资金, docs/domain.md, rule 7) as a ledger: the
    balance is the sum of the entries."""

    class Kind(models.TextChoices):
        ALLOCATION = "allocation", "收益分配计提"
        SPENDING = "spending", "使用"

    unit = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="guidance_fund_entries")
    kind = models.CharField("类型", max_length=16, choices=Kind.choices)
    amount = models.DecimalField("金额（元）", max_digits=14, decimal_places=2)
    distribution = models.OneToOneField(Distribution, null=True, blank=True, on_delete=models.PROTECT, related_name="fund_entry")
    memo = models.CharField("摘要", max_length=200, blank=True, validators=[reject_control_characters])
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "引导资金台账"
        verbose_name_plural = "引导资金台账"
        ordering: ClassVar[list[str]] = ["unit", "at", "id"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["prev_hash"], name="guidance_fund_chain_one_successor"),
        ]

    chain_label = "引导资金台账"

    def __str__(self) -> str:
        return f"{self.unit_id} {self.kind} {self.amount}"

    def chain_content(self) -> dict[str, Any]:
        return {
            "unit": self.unit_id,
            "kind": self.kind,
            "amount": _places(self.amount, 2),
            "distribution": self.distribution_id,
            "memo": self.memo,
            "actor": self.actor_id,
            "at": canonical_time(self.at),
        }


class FinanceEvent(TransitionEvent):
    """Every finance event of a contract: receipts, reversals, confirmations, plan changes,
    milestone confirmations, royalty reports, waivers, distributions. `event_type` is a
    `FinanceEventType` (finance/workflows.py); from and to are the statuses of the item that
    moved, named in the payload (receipt, distribution, line)."""

    subject = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="finance_events")

    class Meta(TransitionEvent.Meta):
        verbose_name = "财务事件"
        verbose_name_plural = "财务事件"
