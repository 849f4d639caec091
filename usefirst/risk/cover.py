"""Writes of policies, claims and the payments an insurer or guarantor makes on the licensee's
behalf (docs/domain.md, rule 8): the insured's application with its consented underwriting pack, the
provider's decision, premiums paid, the daily start and end of cover, claims opened by the insured
or offered by the platform on an overdue payment item, their assessment, payment and recourse.
The lifecycles are declared in risk/workflows.py (POLICY, CLAIM); every transition is an event row."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone

from usefirst.accounts import roles
from usefirst.accounts.models import Organisation
from usefirst.contracts.models import Contract
from usefirst.core import workflow
from usefirst.core.actors import Actor
from usefirst.core.dates import parse_date, term_last_day, today
from usefirst.core.errors import Conflict, DomainError, Forbidden
from usefirst.core.money import format_cny, parse_amount, to_cny
from usefirst.core.text import clean_reason, clean_text, clean_title
from usefirst.finance import selectors as finance_selectors
from usefirst.finance.models import ScheduleLine
from usefirst.policy.selectors import parameter_value

from . import claims as claim_rules
from .choices import (
    POLICY_HOLDING,
    RISK_SIDE,
    ClaimOrigin,
    ClaimStatus,
    CoveredRisk,
    InsuredKind,
    PackPart,
    PolicyStatus,
    ProductStatus,
    RiskSide,
)
from .models import Claim, ClaimDocument, CoverPayment, Policy, PremiumPayment, Product, SubsidyRule
from .pack import build_pack
from .quoting import quote, why_not
from .workflows import CLAIM, POLICY, ClaimEventType, PolicyEventType

ZERO = Decimal("0.00")
UNIT_RISKS = frozenset(r for r, side in RISK_SIDE.items() if side == RiskSide.UNIT)
PAYMENT_RISKS = (CoveredRisk.PAYMENT_DEFAULT, CoveredRisk.KEEPS_USING_UNPAID)


# ---------------------------------------------------------------- application


def insured_side(contract: Contract, insured: Organisation) -> str | None:
    if insured.pk == contract.licensor_id:
        return RiskSide.UNIT
    if insured.pk == contract.licensee_id:
        return RiskSide.ENTERPRISE
    return None


def overlapping(
    contract: Contract, risks: list[str], start: dt.date, end: dt.date, *, excluding: int | None = None
) -> Policy | None:
    """A policy holding one of these risks of the contract for a day of this period."""
    for other in (
        Policy.objects.filter(contract=contract, status__in=list(POLICY_HOLDING), period_start__lte=end, period_end__gte=start)
        .exclude(pk=excluding or 0)
        .select_related("provider")
    ):
        if set(other.covered_risks) & set(risks):
            return other
    return None


def policy_apply(
    *,
    actor: Actor,
    contract: Contract,
    product: Product,
    insured: Organisation,
    parts: list[str],
    period_start: object,
    note: str = "",
) -> Policy:
    """The insured applies for a published product version on its contract, sharing the parts of
    the underwriting pack it consents to (the contract's terms at least)."""
    if not roles.is_member(actor, insured):
        raise Forbidden("只有投保人（被保险人）的成员可以投保", code="policy_not_insured")
    side = insured_side(contract, insured)
    if side is None:
        raise Forbidden("投保人须是合同当事方（许可方单位或被许可企业）", code="policy_not_party")
    if product.status != ProductStatus.PUBLISHED:
        raise Conflict("该产品版本未发布或已被取代，请按现行版本投保", code="product_not_published")
    if product.insured_kind != InsuredKind.BOTH and product.insured_kind != side:
        raise DomainError(
            f"该产品的被保险人为{product.get_insured_kind_display()}，{insured.name}不能作为被保险人投保",
            code="policy_insured_mismatch",
        )
    chosen = sorted({str(p) for p in parts})
    unknown = set(chosen) - set(PackPart.values)
    if unknown or PackPart.CONTRACT not in chosen:
        raise DomainError(
            "请勾选同意向保险（担保）机构提供合同主要条款：这是核保的必需材料",
            code="pack_consent_required",
            field_errors={"parts": ["至少须同意提供合同主要条款"]},
        )
    start = parse_date(period_start, label="保险期间起始日", field="period_start")
    end = term_last_day(start, months=product.term_months)
    note = clean_text(note, field="note", label="投保说明", max_chars=2000, required=False, multiline=True)
    from .selectors import deal_facts

    day = today()
    deal = deal_facts(contract, on=day)
    reasons = why_not(product, deal)
    if reasons:
        raise DomainError(f"该产品不适用于本合同：{'；'.join(reasons)}", code="policy_product_not_fitting")
    quoted = quote(product, deal, rules=list(SubsidyRule.objects.all()), on=day)
    risks = [r for r in product.covered_risks if insured_side_allows(product, side, r)]
    with transaction.atomic():
        Contract.objects.select_for_update().get(pk=contract.pk)
        clash = overlapping(contract, risks, start, end)
        if clash is not None:
            raise Conflict(
                f"本合同的同一风险在 {clash.period_start} 至 {clash.period_end} 已有{clash.noun}"
                f"（{clash.provider.name}，{clash.get_status_display()}），期间重叠，不能重复投保",
                code="policy_overlaps",
            )
        policy = Policy.objects.create(
            product=product,
            provider=product.provider,
            contract=contract,
            insured=insured,
            covered_risks=risks,
            period_start=start,
            period_end=end,
            quoted_premium=quoted.premium,
            quoted_cover=quoted.sum_insured,
            consent_parts=chosen,
            consent_by=actor,
            pack=build_pack(contract, chosen, on=day),
            note=note,
        )
        workflow.record(
            POLICY,
            policy,
            PolicyEventType.APPLY,
            actor=actor,
            from_status="",
            payload={"product": product.pk, "version": product.version, "consent": chosen},
        )
    return policy


def insured_side_allows(product: Product, side: str, risk: str) -> bool:
    """A tri-party product covers each party for its own risks; a one-sided product covers its
    insured for every risk it names."""
    return product.insured_kind != InsuredKind.BOTH or RISK_SIDE.get(risk) == side


# ---------------------------------------------------------------- underwriting


def policy_issue(*, actor: Actor, policy: Policy, number: object, premium: object, cover: object) -> Policy:
    number_text = clean_title(number, field="number", label="保单号", max_chars=40)
    premium_value = parse_amount(premium, label="保费")
    cover_value = parse_amount(cover, label="保险金额")
    amount = policy.pack.get("contract", {}).get("price") or policy.contract.price
    if amount and cover_value > Decimal(str(amount)):
        raise DomainError(
            f"保险金额 {format_cny(cover_value)} 不能高于合同金额 {format_cny(amount)}",
            code="policy_cover_above_contract",
            field_errors={"cover": ["不能高于合同金额"]},
        )
    try:
        with transaction.atomic():
            return workflow.move(
                POLICY,
                policy,
                "issue",
                actor=actor,
                payload={"number": number_text, "premium": premium_value, "cover": cover_value},
                also={"number": number_text, "premium": premium_value, "cover": cover_value, "decided_at": timezone.now()},
            )
    except IntegrityError as exc:
        raise Conflict(f"保单号 {number_text} 已被本机构使用", code="policy_number_taken") from exc


def policy_decline(*, actor: Actor, policy: Policy, reason: object) -> Policy:
    text = clean_reason(reason, label="拒保理由")
    return workflow.move(POLICY, policy, "decline", actor=actor, reason=text, also={"decided_at": timezone.now()})


def policy_request_info(*, actor: Actor, policy: Policy, reason: object) -> Policy:
    text = clean_reason(reason, label="需要补充的材料")
    return workflow.move(POLICY, policy, "request_info", actor=actor, reason=text)


def policy_resubmit(*, actor: Actor, policy: Policy, note: object) -> Policy:
    text = clean_reason(note, label="补充说明")
    return workflow.move(POLICY, policy, "resubmit", actor=actor, reason=text)


def policy_cancel(*, actor: Actor, policy: Policy, reason: object) -> Policy:
    text = clean_reason(reason, label="退保理由")
    return workflow.move(POLICY, policy, "cancel", actor=actor, reason=text)


def premium_paid(policy: Policy) -> Decimal:
    return to_cny(policy.premium_payments.aggregate(s=Sum("amount"))["s"] or ZERO)


def premium_record(*, actor: Actor, policy: Policy, paid_on: object, amount: object, voucher_number: object) -> PremiumPayment:
    """The provider records a premium (fee) received; once paid in full, cover starts on its first
    day (today if that has come)."""
    from .policies import is_underwriter

    if not is_underwriter(actor, policy):
        raise Forbidden("只有出具该保单（担保）的机构可以登记保费缴纳", code="policy_not_underwriter")
    value = parse_amount(amount, label="缴费金额")
    day = parse_date(paid_on, label="缴费日期", field="paid_on")
    voucher = clean_title(voucher_number, field="voucher_number", label="凭证号", max_chars=64)
    if day > today():
        raise DomainError("缴费日期不能晚于今天", code="validation_failed", field_errors={"paid_on": ["不能晚于今天"]})
    with transaction.atomic():
        locked = Policy.objects.select_for_update().get(pk=policy.pk)
        if locked.status not in (PolicyStatus.ISSUED, PolicyStatus.IN_FORCE):
            raise Conflict(f"保单当前状态为“{locked.get_status_display()}”，不能登记保费", code="illegal_transition")
        due = (locked.premium or ZERO) - premium_paid(locked)
        if value > due:
            raise DomainError(
                f"本次缴费 {format_cny(value)} 超过尚欠保费 {format_cny(due)}",
                code="premium_overpaid",
                field_errors={"amount": [f"不能超过尚欠保费 {format_cny(due)}"]},
            )
        try:
            with transaction.atomic():
                payment = PremiumPayment.objects.create(
                    policy=locked, paid_on=day, amount=value, voucher_number=voucher, recorded_by=actor
                )
        except IntegrityError as exc:
            raise Conflict(f"凭证号 {voucher} 已登记过", code="premium_voucher_taken") from exc
        workflow.record(POLICY, locked, PolicyEventType.PREMIUM_PAID, actor=actor, payload={"amount": value, "paid_on": day})
        _maybe_start(locked, today())
    return payment


def _maybe_start(policy: Policy, day: dt.date) -> bool:
    if policy.status == PolicyStatus.ISSUED and policy.period_start <= day and premium_paid(policy) >= (policy.premium or ZERO):
        workflow.move(POLICY, policy, "start", actor=None, reason="保费已缴清，保险期间开始")
        return True
    return False


def policies_advance(day: dt.date) -> dict[str, int]:
    """The daily start and end of cover: an issued policy paid in full starts on its first day;
    one in force ends the day after its last."""
    started = expired = 0
    for policy in Policy.objects.filter(status=PolicyStatus.ISSUED, period_start__lte=day):
        with transaction.atomic():
            started += _maybe_start(policy, day)
    for policy in Policy.objects.filter(status=PolicyStatus.IN_FORCE, period_end__lt=day):
        workflow.move(POLICY, policy, "expire", actor=None, reason=f"保险期间已于 {policy.period_end} 届满")
        expired += 1
    return {"started": started, "expired": expired}


# ---------------------------------------------------------------- claims


def _evidence(policy: Policy, name: str, line: ScheduleLine | None, day: dt.date) -> str | None:
    """What the platform holds for a required document, in words; None when it holds nothing."""
    contract = policy.contract
    if "付款" in name or "到账" in name:
        rows = finance_selectors.schedule(contract, on=day)
        parts = [
            f"{r.line.label} {format_cny(r.line.amount) if r.line.amount else ''} 应付 {r.line.due_date or '待定'}：{r.state_label}"
            for r in rows
        ]
        received = finance_selectors.received_for_contract(contract)
        head = f"平台付款计划与到账记录（截至 {day}）："
        if line is not None:
            head += f"逾期事项“{line.label}”应付 {format_cny(line.amount or ZERO)}，应付日期 {line.due_date}。"
        return head + "；".join(parts) + f"。已确认实际到账合计 {format_cny(received)}。"
    if "合同" in name:
        signed = contract.signed_at.date().isoformat() if contract.signed_at else "未签署"
        return f"平台合同 {contract.number}《{contract.title}》，签署完成于 {signed}，状态：{contract.get_status_display()}。"
    return None


def _attach_platform_evidence(claim: Claim, line: ScheduleLine | None, day: dt.date) -> None:
    for name in claim_rules.required_documents(claim.policy.product):
        content = _evidence(claim.policy, name, line, day)
        if content is not None:
            ClaimDocument.objects.create(claim=claim, name=name, content=content, by_platform=True)


def _next_number(policy: Policy) -> str:
    return f"{policy.number or f'P{policy.pk}'}-C{policy.claims.count() + 1:02d}"


def _check_claim(policy: Policy, risk: str, occurred_on: dt.date, amount: Decimal) -> None:
    if policy.status != PolicyStatus.IN_FORCE:
        raise Conflict(f"保单当前状态为“{policy.get_status_display()}”，只有保障中的保单可以报案", code="policy_not_in_force")
    if risk not in policy.covered_risks:
        raise DomainError(
            "该风险不在本保单的承保范围内", code="claim_risk_not_covered", field_errors={"risk": ["不在承保范围内"]}
        )
    first = policy.period_start + dt.timedelta(days=policy.product.waiting_days)
    if not first <= occurred_on <= policy.period_end:
        waiting = f"（含等待期 {policy.product.waiting_days} 天）" if policy.product.waiting_days else ""
        raise DomainError(
            f"出险日期 {occurred_on} 不在保险责任期间 {first} 至 {policy.period_end}{waiting}内",
            code="claim_outside_period",
            field_errors={"occurred_on": ["不在保险责任期间内"]},
        )
    left = claim_rules.cover_left(policy)
    if amount > left:
        raise DomainError(
            f"索赔金额 {format_cny(amount)} 超过本保单剩余保险金额 {format_cny(left)}",
            code="claim_beyond_cover",
            field_errors={"amount_claimed": [f"不能超过剩余保险金额 {format_cny(left)}"]},
        )


def claim_open(
    *, actor: Actor, policy: Policy, risk: object, occurred_on: object, amount_claimed: object, description: object
) -> Claim:
    from .policies import is_insured

    if not is_insured(actor, policy):
        raise Forbidden("只有被保险人的成员可以报案", code="policy_not_insured")
    day = parse_date(occurred_on, label="出险日期", field="occurred_on")
    amount = parse_amount(amount_claimed, label="索赔金额")
    text = clean_text(description, field="description", label="出险经过", max_chars=3000, multiline=True)
    with transaction.atomic():
        locked = Policy.objects.select_for_update().select_related("product").get(pk=policy.pk)
        _check_claim(locked, str(risk), day, amount)
        claim = Claim.objects.create(
            number=_next_number(locked),
            policy=locked,
            risk=str(risk),
            occurred_on=day,
            amount_claimed=amount,
            description=text,
            opened_by=actor,
        )
        _attach_platform_evidence(claim, None, today())
        workflow.record(CLAIM, claim, ClaimEventType.OPEN, actor=actor, from_status="", payload={"amount": amount})
    return claim


def overdue_days(line: ScheduleLine, day: dt.date) -> int:
    assert line.due_date is not None
    return (day - line.due_date).days


def offer_claims(day: dt.date) -> int:
    """The platform's daily look at every policy in force whose product names N: a payment item of
    the covered contract (or of a contract signed under it) unpaid N days after its due date (N−1
    is not enough) opens a claim for the insured, with the platform's evidence attached. One claim
    per item; items overdue before cover began, or with no cover left, are not offered."""
    offered = 0
    policies = Policy.objects.filter(status=PolicyStatus.IN_FORCE, product__overdue_trigger_days__isnull=False).select_related(
        "product", "contract"
    )
    for policy in policies:
        risk = next((r for r in PAYMENT_RISKS if r in policy.covered_risks), None)
        if risk is None:
            continue
        n = policy.product.overdue_trigger_days or 0
        contracts = [policy.contract, *Contract.objects.filter(parent=policy.contract).order_by("pk")]
        for contract in contracts:
            for row in finance_selectors.schedule(contract, on=day):
                if row.state != finance_selectors.LineState.OVERDUE or overdue_days(row.line, day) < n:
                    continue
                if policy.claims.filter(trigger_line=row.line).exists():
                    continue
                offered += _offer(policy, row.line, risk, row.outstanding, day)
    return offered


def _offer(policy: Policy, line: ScheduleLine, risk: str, outstanding: Decimal, day: dt.date) -> int:
    assert line.due_date is not None
    occurred = line.due_date + dt.timedelta(days=1)
    with transaction.atomic():
        locked = Policy.objects.select_for_update().select_related("product").get(pk=policy.pk)
        amount = min(outstanding, claim_rules.cover_left(locked))
        try:
            _check_claim(locked, risk, occurred, amount)
        except DomainError:
            return 0
        if amount <= 0:
            return 0
        claim = Claim.objects.create(
            number=_next_number(locked),
            policy=locked,
            origin=ClaimOrigin.AUTOMATIC,
            risk=risk,
            occurred_on=occurred,
            amount_claimed=amount,
            trigger_line=line,
            description=(
                f"付款事项“{line.label}”应于 {line.due_date} 支付 {format_cny(line.amount or ZERO)}，"
                f"截至 {day} 逾期 {overdue_days(line, day)} 日仍有 {format_cny(outstanding)} 未到账，"
                f"达到产品约定的 {locked.product.overdue_trigger_days} 日，平台自动发起理赔。"
            ),
        )
        _attach_platform_evidence(claim, line, day)
        workflow.record(
            CLAIM, claim, ClaimEventType.OFFER, actor=None, from_status="", payload={"line": line.pk, "amount": amount}
        )
    return 1


def claim_add_document(*, actor: Actor, claim: Claim, name: object, content: object) -> ClaimDocument:
    from .policies import is_insured

    if not is_insured(actor, claim.policy):
        raise Forbidden("只有被保险人的成员可以提供理赔材料", code="policy_not_insured")
    label = clean_title(name, field="name", label="材料名称", max_chars=200)
    text = clean_text(content, field="content", label="材料内容或说明", max_chars=3000, multiline=True)
    with transaction.atomic():
        locked = Claim.objects.select_for_update().get(pk=claim.pk)
        if locked.status != ClaimStatus.OPENED:
            raise Conflict(f"理赔案件当前状态为“{locked.get_status_display()}”，不能再补充材料", code="illegal_transition")
        document = ClaimDocument.objects.create(claim=locked, name=label, content=text, added_by=actor)
        workflow.record(CLAIM, locked, ClaimEventType.DOCUMENT_ADDED, actor=actor, payload={"document": label})
    return document


def claim_complete_documents(*, actor: Actor, claim: Claim) -> Claim:
    return workflow.move(CLAIM, claim, "complete_documents", actor=actor)


def claim_assess(*, actor: Actor, claim: Claim, assessed_loss: object) -> Claim:
    """The provider assesses the loss; the payout follows by the product's deductibles, at most the
    cover left."""
    loss = parse_amount(assessed_loss, label="核定损失")
    if loss > claim.amount_claimed:
        raise DomainError(
            f"核定损失 {format_cny(loss)} 不能高于索赔金额 {format_cny(claim.amount_claimed)}",
            code="claim_beyond_cover",
            field_errors={"assessed_loss": ["不能高于索赔金额"]},
        )
    steps = claim_rules.payout_steps(claim, loss)
    payout = steps[-1].result
    return workflow.move(
        CLAIM,
        claim,
        "assess",
        actor=actor,
        payload={"assessed_loss": loss, "payout": payout, "steps": [[s.label, s.formula, str(s.result)] for s in steps]},
        also={"assessed_loss": loss, "payout": payout},
    )


def claim_pay(*, actor: Actor, claim: Claim, paid_on: object) -> Claim:
    """The provider pays the assessed payout. For the unit's risks (the licensee does not pay) the
    payout is set against the contract's unpaid items, the triggering one first, each recorded with
    the payer and the recourse against the licensee; it is not a receipt of the licensee's."""
    day = parse_date(paid_on, label="赔付日期", field="paid_on")
    if day > today():
        raise DomainError("赔付日期不能晚于今天", code="validation_failed", field_errors={"paid_on": ["不能晚于今天"]})
    with transaction.atomic():
        moved = workflow.move(CLAIM, claim, "pay", actor=actor, also={"paid_on": day})
        policy = Policy.objects.select_related("contract", "provider").get(pk=moved.policy_id)
        counts = bool(parameter_value("recognition_counts_cover_payments", on=day))
        if counts:
            Claim.objects.filter(pk=moved.pk).update(payout_counts_as_received=True)
            moved.payout_counts_as_received = True
        if RISK_SIDE.get(moved.risk) == RiskSide.UNIT and moved.payout:
            _set_against_lines(moved, policy, day, counts)
    return moved


def _set_against_lines(claim: Claim, policy: Policy, day: dt.date, counts: bool) -> None:
    left = claim.payout or ZERO
    contract = policy.contract
    contracts = [contract, *Contract.objects.filter(parent=contract).order_by("pk")]
    rows = [
        row
        for c in contracts
        for row in finance_selectors.schedule(c, on=day)
        if row.state == finance_selectors.LineState.OVERDUE
    ]
    rows.sort(key=lambda r: (r.line.pk != claim.trigger_line_id, r.line.due_date or dt.date.max, r.line.pk))
    for row in rows:
        if left <= 0:
            break
        already = CoverPayment.objects.filter(line=row.line).aggregate(s=Sum("amount"))["s"] or ZERO
        open_amount = row.outstanding - already
        if open_amount <= 0:
            continue
        part = min(left, open_amount)
        CoverPayment.objects.create(
            claim=claim,
            line=row.line,
            contract=row.line.plan.contract,
            payer=policy.provider,
            recourse_against=contract.licensee,
            amount=part,
            paid_on=day,
            counts_as_received=counts,
        )
        left -= part
    if left > 0:
        CoverPayment.objects.create(
            claim=claim,
            contract=contract,
            payer=policy.provider,
            recourse_against=contract.licensee,
            amount=left,
            paid_on=day,
            counts_as_received=counts,
        )


def claim_decline(*, actor: Actor, claim: Claim, reason: object) -> Claim:
    text = clean_reason(reason, label="拒赔理由")
    return workflow.move(CLAIM, claim, "decline", actor=actor, reason=text)


def claim_subrogate(*, actor: Actor, claim: Claim, amount: object, note: object) -> Claim:
    """The provider records its recourse against the licensee for what it paid on its behalf."""
    value = parse_amount(amount, label="追偿金额")
    text = clean_reason(note, label="追偿说明")
    if value > (claim.payout or ZERO):
        raise DomainError(
            f"追偿金额 {format_cny(value)} 不能高于赔付金额 {format_cny(claim.payout or ZERO)}",
            code="recourse_above_payout",
            field_errors={"amount": ["不能高于赔付金额"]},
        )
    return workflow.move(
        CLAIM,
        claim,
        "subrogate",
        actor=actor,
        reason=text,
        payload={"amount": value},
        also={"recourse_amount": value, "recourse_note": text},
    )


def cover_payment_rows(contract: Contract) -> list[dict[str, Any]]:
    """Who paid which payment item of the contract on the licensee's behalf (for the pages)."""
    return [
        {
            "payment": p,
            "line": p.line,
            "claim": p.claim,
        }
        for p in CoverPayment.objects.filter(contract=contract).select_related("line", "claim", "payer", "recourse_against")
    ]
