"""Writes of the finance app: plans, receipts and reversals, milestone confirmations, royalty
reports, waivers, distributions and the guidance fund.

Every write locks the contract row first (select_for_update; on SQLite the IMMEDIATE
transaction already serialises writers), so that receipts and distributions of one contract
never interleave. Database constraints back every rule that concurrency could break: the
idempotency key is unique, a receipt is in at most one live distribution, a distribution's
sequence is unique per contract.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max, Q, Sum
from django.urls import reverse
from django.utils import timezone

from usefirst.accounts.models import Organisation, Person, User
from usefirst.catalog.choices import Mode
from usefirst.catalog.models import AchievementInventor
from usefirst.contracts.models import Contract, ContractStatus, InventorGrant
from usefirst.core import workflow
from usefirst.core.actors import Actor, Visitor
from usefirst.core.dates import next_working_day, parse_date, today
from usefirst.core.errors import Conflict, DomainError, Forbidden, IllegalTransition
from usefirst.core.files import file_kept_only_with_its_row
from usefirst.core.money import format_cny
from usefirst.core.text import clean_text
from usefirst.notifications.services import notify
from usefirst.policy.selectors import parameter_value, share_pct

from . import hooks, selectors
from .amounts import allocate, parse_amount, parse_percent
from .models import (
    ConfirmedAs,
    DistributedReceipt,
    Distribution,
    DistributionLine,
    DistributionStatus,
    DistributionVariant,
    GuidanceFundEntry,
    PaymentPlan,
    PlanItem,
    Receipt,
    ReceiptAllocation,
    ReceiptStatus,
    RoyaltyReport,
    ScheduleLine,
    ScheduleLineStatus,
)
from .plan_types import item_type, royalty_amounts
from .split import FloorCheck, check_floor, check_percentages, split_cash, split_shares
from .workflows import DISTRIBUTION, LINE, RECEIPT, FinanceEventType

ZERO = Decimal("0.00")
CLOSED_STATUSES = (ContractStatus.DRAFTED, ContractStatus.SIGNING, ContractStatus.CANCELLED)


def _lock(contract: Contract) -> Contract:
    return Contract.objects.select_for_update().get(pk=contract.pk)


def _members(organisation: Organisation | None) -> list[User]:
    if organisation is None:
        return []
    return list(
        User.objects.filter(memberships__organisation=organisation, memberships__is_active=True, is_active=True).distinct()
    )


def finance_url(contract: Contract) -> str:
    return reverse("finance:contract", args=[contract.pk])


def _require_signed(contract: Contract) -> dt.date:
    if contract.signed_at is None or contract.status in CLOSED_STATUSES:
        raise DomainError("合同尚未签署完成，不能登记到账或付款计划", code="contract_not_signed")
    return timezone.localdate(contract.signed_at)


def _text(value: object, *, field: str, label: str, max_length: int, required: bool = True) -> str:
    """The shared text rule (usefirst.core.text): a reason or a note may run over several lines,
    a payer, a voucher number or a key stays on one."""
    multiline = field in ("reason", "note")
    return clean_text(value, field=field, label=label, max_chars=max_length, required=required, multiline=multiline)


def _date(value: object, *, label: str) -> dt.date:
    return parse_date(value, label=label)


# ---------------------------------------------------------------- payment plans


def plan_create(
    *,
    actor: Actor,
    contract: Contract,
    items: Sequence[Mapping[str, Any]],
    non_technical_costs: object = "0",
    note: str = "",
) -> PaymentPlan:
    """A payment plan of one or more item types (a combination), agreed by both sides and
    entered by the licensor's side."""
    if not (selectors.is_unit_member(actor, contract) or selectors.is_inventor_licensor(actor, contract)):
        raise Forbidden("只有许可方可以登记付款计划", code="forbidden")
    _require_signed(contract)
    if not items:
        raise DomainError("付款计划至少需要一种付款方式", code="plan_empty")
    cleaned = [(item_type(str(i.get("kind"))), item_type(str(i.get("kind"))).clean(i.get("terms") or {})) for i in items]
    costs = parse_amount(non_technical_costs, allow_zero=True, label="非技术性支出")
    with transaction.atomic():
        contract = _lock(contract)
        if PaymentPlan.objects.filter(contract=contract).exists():
            raise Conflict("该合同已有付款计划", code="plan_exists")
        plan = PaymentPlan.objects.create(
            contract=contract,
            non_technical_costs=costs,
            note=_text(note, field="note", label="说明", max_length=2000, required=False),
            created_by=actor,
        )
        position = 0
        lines: list[ScheduleLine] = []
        for index, (kind, terms) in enumerate(cleaned):
            item = PlanItem.objects.create(plan=plan, kind=kind.kind, terms=terms, position=index)
            for spec in kind.expand(terms):
                line = ScheduleLine.objects.create(
                    plan=plan,
                    item=item,
                    position=position,
                    label=spec.label,
                    amount=spec.amount,
                    stated_date=spec.stated_date,
                    due_date=spec.due_date,
                    period_start=spec.period_start,
                    period_end=spec.period_end,
                    report_due=spec.report_due,
                )
                lines.append(line)
                position += 1
        if not lines:
            raise DomainError("付款计划至少需要一种付款方式", code="plan_empty")
        # A plan has no lifecycle of its own: its creation is recorded on its first line.
        workflow.record(
            LINE,
            lines[0],
            FinanceEventType.PLAN_CREATE,
            actor=actor,
            payload={"plan": plan.pk, "kinds": [k.kind for k, _ in cleaned]},
            from_status="",
        )
    return plan


def milestone_confirm(*, actor: Actor, line: ScheduleLine) -> ScheduleLine:
    """Each side confirms a milestone was reached; once both have, it is due `payment_days`
    after the later confirmation (moved to the next working day)."""
    if not line.is_milestone:
        raise DomainError("只有里程碑需要双方确认", code="not_a_milestone")
    contract = line.plan.contract
    with transaction.atomic():
        _lock(contract)
        line = ScheduleLine.objects.select_related("item").get(pk=line.pk)
        now = timezone.now()
        sides = []
        licensor_side = selectors.is_unit_member(actor, contract) or selectors.is_inventor_licensor(actor, contract)
        if licensor_side and line.licensor_confirmed_at is None:
            line.licensor_confirmed_at, line.licensor_confirmed_by = now, actor
            sides.append("licensor")
        if selectors.is_licensee_member(actor, contract) and line.licensee_confirmed_at is None:
            line.licensee_confirmed_at, line.licensee_confirmed_by = now, actor
            sides.append("licensee")
        if not sides:
            if selectors.is_unit_member(actor, contract) or selectors.is_licensee_member(actor, contract):
                raise Conflict("您一方已确认过该里程碑", code="already_confirmed")
            raise Forbidden("只有合同双方可以确认里程碑", code="forbidden")
        if line.licensor_confirmed_at is not None and line.licensee_confirmed_at is not None:
            reached = timezone.localdate(max(line.licensor_confirmed_at, line.licensee_confirmed_at))
            line.stated_date = reached + dt.timedelta(days=int(line.item.terms.get("payment_days", 30)))
            line.due_date = next_working_day(line.stated_date)
        line.save()
        workflow.record(
            LINE, line, FinanceEventType.MILESTONE_CONFIRM, actor=actor, payload={"sides": sides, "due_date": line.due_date}
        )
    return line


def royalty_report(*, actor: Actor, line: ScheduleLine, base_amount: object) -> RoyaltyReport:
    """The enterprise reports a period's base; the amounts owed are recomputed for the item
    (minimums and caps may be cumulative). A report after its deadline is accepted and flagged."""
    contract = line.plan.contract
    if not selectors.is_licensee_member(actor, contract):
        raise Forbidden("只有被许可方企业可以报告提成基数", code="forbidden")
    if not line.is_royalty or line.period_end is None:
        raise DomainError("该事项不是提成期", code="not_a_royalty_period")
    day = today()
    if day <= line.period_end:
        raise DomainError(f"提成期至 {line.period_end} 结束，期满后才能报告", code="period_not_ended")
    terms = line.item.terms
    base = parse_amount(base_amount, allow_zero=True, allow_negative=terms.get("base") == "profit", label="提成基数")
    with transaction.atomic():
        _lock(contract)
        if RoyaltyReport.objects.filter(line=line).exists():
            raise Conflict("该期已报告，如需更正请联系许可方", code="already_reported")
        report = RoyaltyReport.objects.create(
            line=line,
            base_amount=base,
            reported_on=day,
            is_late=line.report_due is not None and day > line.report_due,
            reported_by=actor,
        )
        lines = list(ScheduleLine.objects.filter(item=line.item).select_related("royalty_report").order_by("position", "pk"))
        bases = [ln.royalty_report.base_amount if hasattr(ln, "royalty_report") else None for ln in lines]
        for ln, amount in zip(lines, royalty_amounts(terms, bases), strict=True):
            if amount is not None and ln.amount != amount:
                ScheduleLine.objects.filter(pk=ln.pk).update(amount=amount)
        workflow.record(LINE, line, FinanceEventType.ROYALTY_REPORT, actor=actor, payload={"base": base, "late": report.is_late})
        if report.is_late:
            notify(
                recipients=_members(selectors.receiving_unit(contract)),
                kind="finance.royalty_late",
                title=f"提成报告逾期：{contract.number}",
                body=f"{line.label} 的报告截止日为 {line.report_due}，企业于 {day} 报告。",
                url=finance_url(contract),
            )
    return report


def line_waive(*, actor: Actor, line: ScheduleLine, reason: str) -> ScheduleLine:
    """The licensor unit waives a scheduled amount; it no longer counts as owed."""
    _permitted(LINE, FinanceEventType.LINE_WAIVE, actor, line)
    reason = _text(reason, field="reason", label="豁免理由", max_length=2000)
    if line.status == ScheduleLineStatus.WAIVED:
        raise IllegalTransition("该事项已豁免", code="already_waived")
    with transaction.atomic():
        _lock(line.plan.contract)
        workflow.transition(
            LINE,
            line,
            FinanceEventType.LINE_WAIVE,
            actor=actor,
            reason=reason,
            also={"waived_at": timezone.now(), "waived_by": actor, "waive_reason": reason},
        )
    return line


# ---------------------------------------------------------------- receipts


def _payload_hash(**payload: Any) -> str:
    text = json.dumps({k: str(v) for k, v in payload.items()}, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def _same_key(key: str, payload_hash: str) -> Receipt | None:
    existing = Receipt.objects.filter(idempotency_key=key).first()
    if existing is None:
        return None
    if existing.payload_hash != payload_hash:
        raise Conflict(
            "该幂等键已用于内容不同的另一笔到账：同一笔到账请重复提交相同内容，新的到账请使用新的幂等键",
            code="idempotency_key_reused",
        )
    return existing


def _weights(contract: Contract) -> list[tuple[int, Decimal]]:
    return [(link.achievement_id, link.price_share) for link in contract.achievements.order_by("position", "pk")]


def _allocate_receipt(receipt: Receipt) -> None:
    """The receipt's part per achievement. A reversal takes back the difference between the
    original's allocation before and after it, so an achievement's cumulative amount is always
    the pro-rata share of what remains and never goes below zero."""
    weights = _weights(receipt.contract)
    if not weights:
        return
    if receipt.reverses_id is None:
        parts = allocate(receipt.amount, weights)
    else:
        original = receipt.reverses
        assert original is not None
        remaining = original.amount + (
            Receipt.objects.filter(reverses=original, confirmed_at__isnull=False).aggregate(t=Sum("amount"))["t"] or ZERO
        )
        target = allocate(remaining, weights) if remaining else dict.fromkeys((k for k, _ in weights), ZERO)
        so_far: dict[int, Decimal] = dict.fromkeys((k for k, _ in weights), ZERO)
        for row in ReceiptAllocation.objects.filter(receipt__in=[original, *original.reversals.exclude(pk=receipt.pk)]):
            so_far[row.achievement_id] += row.amount
        parts = {k: target[k] - so_far[k] for k in target}
    rows = [
        ReceiptAllocation(
            receipt=receipt, contract_id=receipt.contract_id, achievement_id=k, received_on=receipt.received_on, amount=v
        )
        for k, v in parts.items()
        if v
    ]
    with transaction.atomic():  # the chain's lock lasts until the rows are in
        ReceiptAllocation.objects.bulk_create(ReceiptAllocation.link_many(rows))


def _insert_receipt(receipt: Receipt) -> tuple[Receipt, bool]:
    try:
        with transaction.atomic():
            receipt.save()
    except IntegrityError:
        existing = _same_key(receipt.idempotency_key, receipt.payload_hash)
        if existing is None:
            raise
        return existing, False
    hooks.receipt_changed.send(receipt.contract_id)
    return receipt, True


def receipt_record(
    *,
    actor: Actor,
    contract: Contract,
    received_on: object,
    amount: object,
    payer: str,
    voucher_number: str,
    idempotency_key: str,
    slip: Any = None,
) -> tuple[Receipt, bool]:
    """Record a receipt (到账). Returns (receipt, created). The same key with the same content
    returns the row already recorded; with different content it is refused.

    A receipt counts as actually received (实际到账) only once confirmed (docs/domain.md, "Actually
    received"): the paying organisation confirms what the unit recorded (or, when it has not
    answered within `receipt_payer_answer_days`, the unit's reviewing department verifies it
    against the bank slip); the unit confirms what an inventor-licensor recorded. A slip is
    required from `receipt_slip_threshold`; a voucher number is used once per paying organisation."""
    key = _text(idempotency_key, field="idempotency_key", label="幂等键", max_length=128)
    value = parse_amount(amount, label="到账金额")
    day = _date(received_on, label="到账日期")
    payer = _text(payer, field="payer", label="付款方", max_length=200)
    voucher = _text(voucher_number, field="voucher_number", label="凭证号", max_length=64)
    digest = _payload_hash(contract=contract.pk, received_on=day, amount=value, payer=payer, voucher=voucher, reverses="")
    by_unit = selectors.is_unit_member(actor, contract)
    if not by_unit and not selectors.is_inventor_licensor(actor, contract):
        raise Forbidden("只有许可方单位（或简约程序下的成果完成人）可以登记到账", code="forbidden")
    existing = _same_key(key, digest)
    if existing is not None:
        return existing, False
    signed_on = _require_signed(contract)
    if day < signed_on:
        raise DomainError(
            f"到账日期 {day} 早于合同签署日 {signed_on}：签署前的款项不能计入本合同",
            code="receipt_before_signing",
            field_errors={"received_on": [f"到账日期不能早于合同签署日 {signed_on}"]},
        )
    if day > today():
        raise DomainError(
            f"到账日期 {day} 晚于今天，不能登记未来的到账",
            code="receipt_in_future",
            field_errors={"received_on": ["到账日期不能晚于今天"]},
        )
    payer_organisation = contract.licensee
    _check_voucher(payer_organisation, voucher, contract, key=key)
    stored_slip = _slip(slip, amount=value, day=day)
    with file_kept_only_with_its_row() as slip_write, transaction.atomic():
        contract = _lock(contract)
        now = timezone.now()
        receipt = Receipt(
            contract=contract,
            received_on=day,
            amount=value,
            payer=payer,
            voucher_number=voucher,
            idempotency_key=key,
            payload_hash=digest,
            recorded_by=actor,
            recorded_at=now,
            payer_organisation=payer_organisation,
        )
        if stored_slip is not None:
            receipt.slip.save(stored_slip[0], stored_slip[1], save=False)
            slip_write.file = receipt.slip
        if by_unit and contract.licensor_person_id is not None:
            # Under the simplified procedure the unit confirms receipts: its own entry is its word.
            receipt.confirmed_at, receipt.confirmed_by, receipt.confirmed_as = now, actor, ConfirmedAs.UNIT
            receipt.status = ReceiptStatus.CONFIRMED
        try:
            receipt, created = _insert_receipt(receipt)
        except IntegrityError as exc:  # the same voucher recorded meanwhile by another request
            _check_voucher(payer_organisation, voucher, contract, key=key)
            raise Conflict("凭证号已被使用", code="voucher_number_used") from exc
        slip_write.kept = created
        if created:
            workflow.record(
                RECEIPT, receipt, FinanceEventType.RECEIPT_RECORD, actor=actor, payload={"amount": value}, from_status=""
            )
            if receipt.confirmed_at is not None:
                _allocate_receipt(receipt)
            elif by_unit:
                days = int(parameter_value("receipt_payer_answer_days", on=day))
                notify(
                    recipients=_members(payer_organisation),
                    kind="finance.receipt_to_confirm",
                    title=f"请确认付款：{contract.number}",
                    body=f"{contract.licensor.name if contract.licensor else '许可方'}登记收到贵单位 {format_cny(value)}（{day}，凭证号 {voucher}）。"
                    f"请在 {days} 日内核对并确认或提出异议；逾期将由许可方的审核部门核实。",
                    url=reverse("finance:receipts_to_confirm"),
                )
            else:
                notify(
                    recipients=_members(selectors.receiving_unit(contract)),
                    kind="finance.receipt_to_confirm",
                    title=f"待确认到账：{contract.number}",
                    body=f"成果完成人登记了 {format_cny(value)}到账（{day}），请核对后确认。",
                    url=finance_url(contract),
                )
            _flag_beyond_plan(contract, actor)
    return receipt, created


def _check_voucher(payer_organisation: Organisation | None, voucher: str, contract: Contract, *, key: str) -> None:
    """A voucher number is used once per paying organisation (receipts recorded before the
    payer was kept count by their contract's licensee); a disputed receipt frees its number for
    the corrected one."""
    if payer_organisation is None:
        return
    used = (
        Receipt.objects.filter(reverses__isnull=True, disputed_at__isnull=True, voucher_number=voucher)
        .exclude(idempotency_key=key)  # the same request retried (perhaps concurrently) is not a second use
        .filter(
            Q(payer_organisation=payer_organisation) | Q(payer_organisation__isnull=True, contract__licensee=payer_organisation)
        )
        .select_related("contract")
        .first()
    )
    if used is not None:
        message = f"凭证号 {voucher} 已用于{payer_organisation.name}的另一笔到账（合同 {used.contract.number}，{used.received_on}，{format_cny(used.amount)}）"
        raise DomainError(message, code="voucher_number_used", field_errors={"voucher_number": [message]})


def _slip(slip: Any, *, amount: Decimal, day: dt.date) -> tuple[str, Any] | None:
    """The bank slip, required from the threshold: a PDF, PNG or JPEG judged by its bytes."""
    from django.core.files.base import ContentFile

    from usefirst.core.uploads import sniff_document

    threshold = Decimal(str(parameter_value("receipt_slip_threshold", on=day)))
    if slip is None or not getattr(slip, "size", 0):
        if amount >= threshold:
            message = f"单笔到账达到 {format_cny(threshold)}须上传银行回单（PDF 或图片）"
            raise DomainError(message, code="receipt_slip_required", field_errors={"slip": [message]})
        return None
    if slip.size > 10 * 1024 * 1024:
        raise DomainError("银行回单不超过 10 MB", code="receipt_slip_invalid", field_errors={"slip": ["银行回单不超过 10 MB"]})
    data = slip.read()
    sniffed = sniff_document(data[:2048])
    if sniffed is None:
        message = "银行回单应为 PDF、PNG 或 JPEG 文件"
        raise DomainError(message, code="receipt_slip_invalid", field_errors={"slip": [message]})
    return f"slip.{sniffed[1]}", ContentFile(data)


def _flag_beyond_plan(contract: Contract, actor: Actor) -> None:
    """Receipts beyond the contract's fixed plan are not refused (a payment may cover interest
    or a later item) but the unit and its reviewing department are told."""
    excess = selectors.beyond_plan(contract)
    if excess is None or excess <= 0:
        return
    unit = selectors.receiving_unit(contract)
    department = unit.reviewing_department if unit is not None else None
    notify(
        recipients=_members(unit) + _members(department),
        kind="finance.receipts_beyond_plan",
        title=f"到账超出付款计划：{contract.number}",
        body=f"登记的到账合计已超出付款计划总额 {format_cny(excess)}，请核对是否重复登记或计划需要调整。",
        url=finance_url(contract),
    )


def may_confirm(actor: Visitor, receipt: Receipt, *, on: dt.date | None = None) -> str:
    """How `actor` may confirm this receipt (a ConfirmedAs value), or "" when not at all."""
    contract = receipt.contract
    if receipt.payer_organisation_id is None or contract.licensor_person_id is not None:
        # Under the simplified procedure the inventor licenses and the unit confirms the receipts.
        return ConfirmedAs.UNIT if selectors.is_unit_member(actor, contract) else ""
    from usefirst.accounts import roles

    if receipt.payer_organisation_id in roles.organisation_ids(actor):
        return ConfirmedAs.PAYER
    unit = selectors.receiving_unit(contract)
    department = unit.reviewing_department_id if unit is not None else None
    if department is not None and department in roles.organisation_ids(actor) and payer_answer_due(receipt) < (on or today()):
        return ConfirmedAs.DEPARTMENT
    return ""


def payer_answer_due(receipt: Receipt) -> dt.date:
    """The last day the payer has to confirm or dispute (inclusive)."""
    recorded = timezone.localdate(receipt.recorded_at)
    days = int(parameter_value("receipt_payer_answer_days", on=recorded))
    return recorded + dt.timedelta(days=days)


def receipt_confirm(*, actor: Actor, receipt: Receipt) -> Receipt:
    """The paying organisation confirms a receipt the unit recorded (or, past its answer period,
    the unit's reviewing department verifies it); the unit confirms one an inventor-licensor
    recorded. Only then does it count. Of two confirming at once, one wins and the other is
    told the receipt has moved on (stale_state)."""
    contract = receipt.contract
    if receipt.status == ReceiptStatus.CONFIRMED:
        raise IllegalTransition("该到账已确认", code="already_confirmed")
    if receipt.status == ReceiptStatus.DISPUTED:
        raise IllegalTransition("付款方已对该到账提出异议，不能确认；请许可方核实后冲正或重新登记", code="receipt_disputed")
    how = may_confirm(actor, receipt)
    if not how:
        if receipt.payer_organisation_id is not None and selectors.is_unit_member(actor, contract):
            raise Forbidden("到账由付款方确认；付款方逾期未答复的，由审核部门核实", code="receipt_not_payer")
        due = payer_answer_due(receipt)
        raise Forbidden(
            f"只有付款单位可以确认该到账（付款方答复期至 {due}，逾期后由许可方的审核部门核实）", code="receipt_not_payer"
        )

    def tell_unit(confirmed: Receipt) -> None:
        notify(
            recipients=_members(selectors.receiving_unit(contract)),
            kind="finance.receipt_confirmed",
            title=f"到账已确认：{contract.number} {format_cny(confirmed.amount)}",
            body=f"{ConfirmedAs(how).label}。该笔到账计入实际到账金额。",
            url=finance_url(contract),
        )

    with transaction.atomic():
        _lock(contract)
        workflow.transition(
            RECEIPT,
            receipt,
            FinanceEventType.RECEIPT_CONFIRM,
            actor=actor,
            payload={"amount": receipt.amount, "confirmed_as": how},
            also={"confirmed_at": timezone.now(), "confirmed_by": actor, "confirmed_as": how},
            notices=[tell_unit],
        )
        hooks.receipt_changed.send(receipt.contract_id)  # recognition rechecks eligibility on it
        _allocate_receipt(receipt)
    return receipt


def receipt_dispute(*, actor: Actor, receipt: Receipt, reason: str) -> Receipt:
    """The paying organisation disputes a receipt (wrong amount, not paid, another contract's);
    a disputed receipt never counts. The unit corrects it by reversing and recording again."""
    from usefirst.core.text import stated_reason

    text = stated_reason(reason, field="reason", label="异议理由")
    contract = receipt.contract
    _permitted(RECEIPT, FinanceEventType.RECEIPT_DISPUTE, actor, receipt)
    if receipt.status != ReceiptStatus.PENDING:
        raise IllegalTransition("该到账已确认或已有异议", code="receipt_already_answered")

    def tell_unit(disputed: Receipt) -> None:
        unit = selectors.receiving_unit(contract)
        notify(
            recipients=_members(unit) + _members(unit.reviewing_department if unit else None),
            kind="finance.receipt_disputed",
            title=f"付款方对到账提出异议：{contract.number} {format_cny(disputed.amount)}",
            body=text,
            url=finance_url(contract),
        )

    with transaction.atomic():
        _lock(contract)
        workflow.transition(
            RECEIPT,
            receipt,
            FinanceEventType.RECEIPT_DISPUTE,
            actor=actor,
            reason=text,
            payload={"amount": receipt.amount},
            also={"disputed_at": timezone.now(), "disputed_by": actor, "dispute_reason": text},
            notices=[tell_unit],
        )
        hooks.receipt_changed.send(receipt.contract_id)
    return receipt


def receipt_reverse(
    *,
    actor: Actor,
    original: Receipt,
    reason: str,
    idempotency_key: str,
    amount: object | None = None,
    received_on: object | None = None,
) -> tuple[Receipt, bool]:
    """A correction: a negative entry linked to the original, never more than what is left of
    it. If the original was in a paid distribution the reversal is carried into the next one
    as an adjustment; if it is in a distribution not yet paid, that one must be cancelled first."""
    contract = original.contract
    if not selectors.is_unit_member(actor, contract):
        raise Forbidden("只有许可方单位可以冲销到账", code="forbidden")
    if original.reverses_id is not None:
        raise DomainError("冲销记录本身不能再冲销", code="reversal_of_reversal")
    if original.confirmed_at is None:
        raise DomainError("未确认的到账不计入金额，无需冲销", code="receipt_not_confirmed")
    key = _text(idempotency_key, field="idempotency_key", label="幂等键", max_length=128)
    reason = _text(reason, field="reason", label="冲销理由", max_length=2000)
    day = _date(received_on, label="冲销日期") if received_on not in (None, "") else today()
    requested = "" if amount in (None, "") else str(parse_amount(amount, label="冲销金额"))
    # The payload is what was asked for ("" = the whole remainder), so a retried request
    # matches its first attempt even though the remainder has changed since.
    digest = _payload_hash(
        contract=contract.pk, received_on=day, amount=requested or "full", payer="", voucher="", reverses=original.pk
    )
    with transaction.atomic():
        contract = _lock(contract)
        existing = _same_key(key, digest)
        if existing is not None:
            return existing, False
        remaining = original.amount + (Receipt.objects.filter(reverses=original).aggregate(t=Sum("amount"))["t"] or ZERO)
        if remaining <= 0:
            raise DomainError("该笔到账已全额冲销", code="reversal_exceeds_original")
        value = Decimal(requested) if requested else remaining
        if value > remaining:
            raise DomainError(
                f"冲销金额 {format_cny(value)}超过该笔到账尚未冲销的 {format_cny(remaining)}", code="reversal_exceeds_original"
            )
        if day < original.received_on:
            raise DomainError("冲销日期不能早于原到账日期", code="dates_out_of_order")
        if day > today():
            raise DomainError("冲销日期不能晚于今天", code="receipt_in_future")
        link = DistributedReceipt.objects.filter(receipt=original).select_related("distribution").first()
        if link is not None and link.distribution.status == DistributionStatus.COMPUTED:
            raise Conflict(
                f"该到账已计入尚未发放的第{link.distribution.sequence}批收益分配，请先撤销该分配再冲销",
                code="receipt_in_unpaid_distribution",
            )
        now = timezone.now()
        reversal, created = _insert_receipt(
            Receipt(
                contract=contract,
                received_on=day,
                amount=-value,
                payer=original.payer,
                voucher_number=original.voucher_number,
                idempotency_key=key,
                payload_hash=digest,
                reverses=original,
                reason=reason,
                recorded_by=actor,
                recorded_at=now,
                confirmed_by=actor,
                confirmed_at=now,
                status=ReceiptStatus.CONFIRMED,
            )
        )
        if created:
            _allocate_receipt(reversal)
            workflow.record(
                RECEIPT,
                original,
                FinanceEventType.RECEIPT_REVERSE,
                actor=actor,
                reason=reason,
                payload={"reversal": reversal.pk, "amount": -value},
            )
    return reversal, created


# ---------------------------------------------------------------- distributions


@dataclass
class InventorPart:
    person: Person
    weight: Decimal
    amount: Decimal | None = None
    percent: Decimal | None = None


@dataclass
class DistributionPlan:
    """What a distribution would be, shown before saving (the floor check included)."""

    variant: str
    received: Decimal
    adjustment: Decimal
    carried_in: Decimal
    costs: Decimal
    net_income: Decimal
    carry_forward: Decimal
    inventor_pct: Decimal
    unit_pct: Decimal
    fund_pct: Decimal
    inventors_total: Decimal
    unit_amount: Decimal
    fund_amount: Decimal
    floor: FloorCheck
    shared_pct: Decimal | None = None
    receipt_ids: list[int] = field(default_factory=list)
    inventors: list[InventorPart] = field(default_factory=list)


def inventor_weights(contract: Contract) -> list[tuple[Person, Decimal]]:
    """Each inventor's weight: the sum over the contract's achievements of price share × the
    inventor's share of that achievement (so a two-achievement contract weighs each team by
    its achievement's part of the price)."""
    weights: dict[int, Decimal] = {}
    people: dict[int, Person] = {}
    for link in contract.achievements.order_by("position", "pk"):
        for row in (
            AchievementInventor.objects.filter(achievement_id=link.achievement_id)
            .select_related("person")
            .order_by("position", "pk")
        ):
            weights[row.person_id] = weights.get(row.person_id, Decimal(0)) + link.price_share * row.share
            people[row.person_id] = row.person
    return [(people[pid], w) for pid, w in weights.items()]


def contract_inventor_grant(contract: Contract) -> str:
    """What the contract granted the inventors' side (rule 1); old contracts and every mode
    other than cooperate_later grant nothing."""
    grant = contract.inventor_grant or InventorGrant.NONE
    return grant if contract.mode == Mode.COOPERATE_LATER and grant in InventorGrant.values else InventorGrant.NONE


def distribution_preview(
    *,
    contract: Contract,
    variant: str = DistributionVariant.CASH,
    grant: str | None = None,
    inventor_pct: object,
    unit_pct: object,
    fund_pct: object = "0",
    taxes: object = "0",
    fees: object = "0",
    conversion_costs: object = "0",
    shared_pct: object = None,
) -> DistributionPlan:
    if variant not in DistributionVariant.values:
        raise DomainError("未知的分配方式", code="validation_failed")
    contract_grant = contract_inventor_grant(contract)
    if grant not in (None, "", contract_grant):
        # The grant is a term of the contract (chosen at drafting), not a choice per distribution.
        raise DomainError(
            f"对成果完成人的赋权是合同条款（本合同：{InventorGrant(contract_grant).label}），不能在收益分配时另行选择",
            code="grant_is_a_contract_term",
        )
    inv, uni, fun = (
        parse_percent(inventor_pct, label="成果完成人比例"),
        parse_percent(unit_pct, label="单位比例"),
        parse_percent(fund_pct, label="引导资金比例"),
    )
    costs = sum(
        (
            parse_amount(v, allow_zero=True, label=label)
            for v, label in ((taxes, "税金"), (fees, "费用"), (conversion_costs, "转化成本"))
        ),
        ZERO,
    )
    floor = check_floor(
        inventor_pct=inv,
        mode=contract.mode or "",
        grant=contract_grant,
        floor_pct=share_pct("inventor_share_floor"),
        statutory_pct=share_pct("statutory_share_floor"),
    )
    people = inventor_weights(contract)
    if variant != DistributionVariant.CASH:
        if fun != 0:
            raise DomainError("股权或所有权分配不涉及引导资金，引导资金比例应为 0", code="validation_failed")
        check_percentages(inventor_pct=inv, unit_pct=uni, fund_pct=fun)
        if shared_pct in (None, ""):
            raise DomainError("请填写分配的股权或所有权比例", code="validation_failed")
        try:
            total = Decimal(str(shared_pct))
        except ArithmeticError as exc:
            raise DomainError("股权或所有权比例无效", code="percent_invalid") from exc
        if not people:
            raise DomainError("该合同的成果没有登记成果完成人及其份额，无法分配", code="no_inventors")
        _, _, per = split_shares(total_pct=total, inventor_pct=inv, inventor_weights=[(p.pk, w) for p, w in people])
        return DistributionPlan(
            variant, ZERO, ZERO, ZERO, costs, ZERO, ZERO, inv, uni, fun, ZERO, ZERO, ZERO, floor,
            shared_pct=total,
            inventors=[InventorPart(p, w, percent=per.get(p.pk, Decimal(0))) for p, w in people],
        )  # fmt: skip
    receipts = list(selectors.undistributed_receipts(contract))
    paid = set(selectors.paid_receipt_ids(contract))
    adjustment = sum((r.amount for r in receipts if r.reverses_id in paid), ZERO)
    received = sum((r.amount for r in receipts if r.reverses_id not in paid), ZERO)
    carried_in = selectors.last_carry_forward(contract)
    if not receipts and carried_in == 0:
        raise DomainError("没有尚未分配的到账：收益分配以实际到账为基础", code="nothing_to_distribute")
    split = split_cash(
        received=received + adjustment,
        costs=costs,
        carried_in=carried_in,
        inventor_pct=inv,
        unit_pct=uni,
        fund_pct=fun,
        inventor_weights=[(p.pk, w) for p, w in people],
    )
    return DistributionPlan(
        variant, received, adjustment, carried_in, costs, split.net_income, split.carry_forward, inv, uni, fun,
        split.inventors_total, split.unit_amount, split.fund_amount, floor,
        receipt_ids=[r.pk for r in receipts],
        inventors=[InventorPart(p, w, amount=split.per_inventor.get(p.pk, ZERO)) for p, w in people],
    )  # fmt: skip


def _write_distribution_lines(distribution: Distribution, plan: DistributionPlan) -> None:
    for part in plan.inventors:
        DistributionLine.objects.create(
            distribution=distribution,
            recipient=DistributionLine.Recipient.INVENTOR,
            person=part.person,
            weight=part.weight,
            amount=part.amount,
            percent=part.percent,
        )
    if plan.variant == DistributionVariant.CASH:
        DistributionLine.objects.create(
            distribution=distribution, recipient=DistributionLine.Recipient.UNIT, amount=plan.unit_amount
        )
        DistributionLine.objects.create(
            distribution=distribution, recipient=DistributionLine.Recipient.FUND, amount=plan.fund_amount
        )
    else:
        unit_percent = (plan.shared_pct or Decimal(0)) - sum((p.percent or Decimal(0) for p in plan.inventors), Decimal(0))
        DistributionLine.objects.create(
            distribution=distribution, recipient=DistributionLine.Recipient.UNIT, percent=unit_percent
        )


def distribution_create(*, actor: Actor, contract: Contract, note: str = "", **terms: Any) -> Distribution:
    """Compute and record a distribution of the receipts not yet distributed. Refused below
    the inventors' floor (rule 1); a warning is kept when under the statutory 50 %."""
    if not selectors.is_unit_member(actor, contract):
        raise Forbidden("只有成果单位可以核算收益分配", code="forbidden")
    unit = selectors.receiving_unit(contract)
    assert unit is not None
    with transaction.atomic():
        contract = _lock(contract)
        plan = distribution_preview(contract=contract, **terms)
        if not plan.floor.ok:
            raise DomainError(plan.floor.refusal, code="below_inventor_floor")
        sequence = (Distribution.objects.filter(contract=contract).aggregate(m=Max("sequence"))["m"] or 0) + 1
        try:
            with transaction.atomic():
                distribution = Distribution.objects.create(
                    contract=contract,
                    sequence=sequence,
                    unit=unit,
                    variant=plan.variant,
                    grant=contract_inventor_grant(contract),
                    received=plan.received,
                    adjustment=plan.adjustment,
                    carried_in=plan.carried_in,
                    taxes=parse_amount(terms.get("taxes", "0"), allow_zero=True),
                    fees=parse_amount(terms.get("fees", "0"), allow_zero=True),
                    conversion_costs=parse_amount(terms.get("conversion_costs", "0"), allow_zero=True),
                    net_income=plan.net_income,
                    carry_forward=plan.carry_forward,
                    inventor_pct=plan.inventor_pct,
                    unit_pct=plan.unit_pct,
                    fund_pct=plan.fund_pct,
                    inventors_total=plan.inventors_total,
                    unit_amount=plan.unit_amount,
                    fund_amount=plan.fund_amount,
                    shared_pct=plan.shared_pct,
                    warning=plan.floor.warning,
                    note=_text(note, field="note", label="说明", max_length=2000, required=False),
                    created_by=actor,
                )
                DistributedReceipt.objects.bulk_create(
                    DistributedReceipt(distribution=distribution, receipt_id=pk) for pk in plan.receipt_ids
                )
        except IntegrityError as exc:
            raise Conflict("另一项收益分配同时在核算，请刷新后重试", code="distribution_conflict") from exc
        _write_distribution_lines(distribution, plan)
        workflow.record(
            DISTRIBUTION,
            distribution,
            FinanceEventType.DISTRIBUTION_CREATE,
            actor=actor,
            reason=plan.floor.warning,
            payload={"net_income": plan.net_income},
            from_status="",
        )
    return distribution


def _permitted(wf: workflow.Workflow, name: str, actor: Actor, obj: Any) -> None:
    """The transition's own refusal of an actor without its permission, before the input is read."""
    step = wf.transition(name)
    if not step.permits(actor, obj):
        code, message = step.forbidden
        raise Forbidden(message, code=code)


def distribution_pay(*, actor: Actor, distribution: Distribution) -> Distribution:
    """Mark a distribution paid out; the guidance fund's part is booked to its ledger and the
    inventors are told."""
    contract = distribution.contract

    def tell_inventors(paid: Distribution) -> None:
        notify(
            recipients=User.objects.filter(person__distribution_lines__distribution=paid).distinct(),
            kind="finance.distribution_paid",
            title=f"收益分配已发放：{contract.title}",
            body="您可以在“我的收益分配”中查看您的份额。",
            url=reverse("finance:my_distributions"),
        )

    with transaction.atomic():
        _lock(contract)
        workflow.transition(
            DISTRIBUTION,
            distribution,
            FinanceEventType.DISTRIBUTION_PAY,
            actor=actor,
            also={"paid_at": timezone.now()},
            notices=[tell_inventors],
        )
        if distribution.fund_amount > 0:
            GuidanceFundEntry.objects.create(
                unit=distribution.unit,
                kind=GuidanceFundEntry.Kind.ALLOCATION,
                amount=distribution.fund_amount,
                distribution=distribution,
                memo=f"{contract.number} 第{distribution.sequence}批收益分配计提",
                actor=actor,
            )
    return distribution


def distribution_cancel(*, actor: Actor, distribution: Distribution, reason: str) -> Distribution:
    """Cancel the latest computed distribution; its receipts are released for the next one."""
    _permitted(DISTRIBUTION, FinanceEventType.DISTRIBUTION_CANCEL, actor, distribution)
    reason = _text(reason, field="reason", label="撤销理由", max_length=2000)
    with transaction.atomic():
        _lock(distribution.contract)
        workflow.transition(DISTRIBUTION, distribution, FinanceEventType.DISTRIBUTION_CANCEL, actor=actor, reason=reason)
        DistributedReceipt.objects.filter(distribution=distribution).delete()
    return distribution


def receipt_record_and_distribute(
    *, actor: Actor, contract: Contract, receipt: Mapping[str, Any], distribution: Mapping[str, Any]
) -> tuple[Receipt, Distribution]:
    """A receipt and the distribution computed from it in one request: one transaction, so a
    failure in the middle leaves neither."""
    with transaction.atomic():
        row, _ = receipt_record(actor=actor, contract=contract, **receipt)
        if row.confirmed_at is None:
            # Only confirmed receipts are actually received: the payer confirms first.
            raise Conflict(
                "到账须经付款单位确认（或审核部门核实）后才计入实际到账并参与收益分配；请先登记到账，确认后再核算分配",
                code="receipt_awaits_confirmation",
            )
        dist = distribution_create(actor=actor, contract=contract, **distribution)
    return row, dist


def fund_spend(*, actor: Actor, unit: Organisation, amount: object, memo: str) -> GuidanceFundEntry:
    """Spending from the guidance fund (conversion work, rewards); never below zero."""
    from usefirst.accounts import roles

    if not roles.is_org_admin(actor, unit):
        raise Forbidden("只有单位管理员可以登记引导资金使用", code="forbidden")
    value = parse_amount(amount, label="使用金额")
    memo = _text(memo, field="memo", label="摘要", max_length=200)
    with transaction.atomic():
        Organisation.objects.select_for_update().get(pk=unit.pk)
        balance = selectors.fund_balance(unit)
        if value > balance:
            raise DomainError(f"引导资金余额 {format_cny(balance)}不足以支出 {format_cny(value)}", code="fund_insufficient")
        return GuidanceFundEntry.objects.create(
            unit=unit, kind=GuidanceFundEntry.Kind.SPENDING, amount=-value, memo=memo, actor=actor
        )
