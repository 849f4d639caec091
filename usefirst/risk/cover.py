"""Writes of policies, claims and the payments an insurer or guarantor makes on the licensee's
behalf (docs/domain.md, rule 8): the insured's application with its consented underwriting pack, the
provider's decision, premiums paid, the daily start and end of cover, claims opened by the insured
or offered by the platform on an overdue payment item, their assessment, payment and recourse.
The lifecycles are declared in risk/workflows.py (POLICY, CLAIM); every transition is an event row."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.db.models.fields.files import FieldFile
from django.urls import reverse
from django.utils import timezone

from usefirst.accounts import roles
from usefirst.accounts.files import checked_document
from usefirst.accounts.models import Organisation, User
from usefirst.contracts.models import Contract
from usefirst.core import workflow
from usefirst.core.actors import Actor
from usefirst.core.dates import parse_date, term_last_day, today
from usefirst.core.errors import Conflict, DomainError, Forbidden
from usefirst.core.money import format_cny, parse_amount, to_cny
from usefirst.core.text import clean_reason, clean_text, clean_title
from usefirst.finance import selectors as finance_selectors
from usefirst.finance.models import ScheduleLine
from usefirst.notifications.services import notify
from usefirst.policy.selectors import parameter_value

from . import claims as claim_rules
from .choices import (
    BREACH_RISK,
    POLICY_HOLDING,
    RISK_SIDE,
    BreachKind,
    ClaimOrigin,
    ClaimStatus,
    CoveredRisk,
    InsuredKind,
    PackPart,
    PolicyStatus,
    ProductStatus,
    RiskSide,
)
from .models import Breach, Claim, ClaimDocument, CoverPayment, Policy, PremiumPayment, Product, SubsidyRule
from .pack import build_pack
from .quoting import quote, why_not
from .workflows import CLAIM, POLICY, ClaimEventType, PolicyEventType

ZERO = Decimal("0.00")
UNIT_RISKS = frozenset(r for r, side in RISK_SIDE.items() if side == RiskSide.UNIT)
PAYMENT_RISKS = (CoveredRisk.PAYMENT_DEFAULT, CoveredRisk.KEEPS_USING_UNPAID)


# ---------------------------------------------------------------- notifications


def _members(organisation: Organisation | None) -> list[User]:
    if organisation is None:
        return []
    return list(
        User.objects.filter(memberships__organisation=organisation, memberships__is_active=True, is_active=True).distinct()
    )


def _tell_insured(policy: Policy, kind: str, title: str, body: str, url: str = "") -> None:
    notify(
        recipients=_members(policy.insured),
        kind=kind,
        title=title,
        body=body,
        url=url or reverse("risk:policy_detail", args=[policy.pk]),
    )


def _tell_claim_opened(claim: Claim) -> None:
    policy = claim.policy
    url = reverse("risk:claim_detail", args=[claim.pk])
    how = claim.get_origin_display()
    body = f"{policy.noun} {policy.number}（{policy.insured.name}）：{how}，索赔金额 {format_cny(claim.amount_claimed)}。"
    notify(
        recipients=_members(policy.provider), kind="risk.claim_opened", title=f"新理赔案件：{claim.number}", body=body, url=url
    )
    if claim.origin != ClaimOrigin.INSURED:
        notify(
            recipients=_members(policy.insured),
            kind="risk.claim_opened",
            title=f"平台已为您发起理赔：{claim.number}",
            body=body + "请按产品要求上传尚缺的理赔材料。",
            url=url,
        )


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
            pack=build_pack(contract, chosen, on=day, provider=product.provider),
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
            moved = workflow.move(
                POLICY,
                policy,
                "issue",
                actor=actor,
                payload={"number": number_text, "premium": premium_value, "cover": cover_value},
                also={"number": number_text, "premium": premium_value, "cover": cover_value, "decided_at": timezone.now()},
            )
            _tell_insured(
                moved,
                "risk.policy_issued",
                f"已出单：{moved.product.name}",
                f"{moved.provider.name}已出具{moved.noun} {number_text}：保险金额 {format_cny(cover_value)}，"
                f"保费 {format_cny(premium_value)}。缴清保费后自期间起始日开始保障。",
            )
            return moved
    except IntegrityError as exc:
        raise Conflict(f"保单号 {number_text} 已被本机构使用", code="policy_number_taken") from exc


def policy_decline(*, actor: Actor, policy: Policy, reason: object) -> Policy:
    text = clean_reason(reason, label="拒保理由")
    with transaction.atomic():
        moved = workflow.move(POLICY, policy, "decline", actor=actor, reason=text, also={"decided_at": timezone.now()})
        _tell_insured(moved, "risk.policy_declined", f"拒保：{moved.product.name}", f"{moved.provider.name}拒保，理由：{text}")
    return moved


def policy_request_info(*, actor: Actor, policy: Policy, reason: object) -> Policy:
    text = clean_reason(reason, label="需要补充的材料")
    with transaction.atomic():
        moved = workflow.move(POLICY, policy, "request_info", actor=actor, reason=text)
        _tell_insured(
            moved,
            "risk.policy_info_requested",
            f"请补充投保材料：{moved.product.name}",
            f"{moved.provider.name}要求补充：{text}",
        )
    return moved


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


PlatformFile = tuple[str, str, bytes]  # (required document's name, text, the PDF's bytes)


def platform_evidence(
    policy: Policy, line: ScheduleLine | None, day: dt.date, *, breach: Breach | None = None
) -> list[PlatformFile]:
    """The documents the product requires that the platform holds, each generated as a PDF (the
    overdue installment statement, the contract's record). Rendered before any transaction."""
    from usefirst.contracts.pdf import render_pdf

    files: list[PlatformFile] = []
    for name in claim_rules.required_documents(policy.product):
        text = _evidence(policy, name, line, day)
        if text is None and breach is not None and ("违约" in name or "证据" in name):
            text = breach_text(breach)
        if text is None:
            continue
        pdf = render_pdf(
            title=name, number=policy.contract.number, body=text, draft_mark=f"平台生成的理赔材料 · {day.isoformat()}"
        )
        files.append((name, text, pdf))
    return files


def breach_text(breach: Breach) -> str:
    return (
        f"{breach.recorded_for.name}于 {timezone.localdate(breach.recorded_at)} 在平台登记违约记录：{breach.against.name}"
        f"{breach.get_kind_display()}，违约日期 {breach.occurred_on}。{breach.description}"
    )


def _save_file(field: FieldFile, name: str, data: bytes, written: list[FieldFile]) -> None:
    field.save(name, ContentFile(data), save=False)
    written.append(field)


def _delete_files(written: list[FieldFile]) -> None:
    """Storage never keeps a file no row refers to (core/files.py): the rows rolled back."""
    for field in written:
        if field.name:
            field.storage.delete(field.name)


def _attach_platform_evidence(claim: Claim, files: list[PlatformFile], written: list[FieldFile]) -> None:
    for name, text, pdf in files:
        document = ClaimDocument(claim=claim, name=name, content=text[:3000], by_platform=True, size=len(pdf))
        document.filename = f"{name}.pdf"
        _save_file(document.file, "platform.pdf", pdf, written)
        document.save()


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
    files = platform_evidence(policy, None, today())
    written: list[FieldFile] = []
    try:
        with transaction.atomic():
            locked = Policy.objects.select_for_update().select_related("product", "provider", "insured").get(pk=policy.pk)
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
            _attach_platform_evidence(claim, files, written)
            workflow.record(CLAIM, claim, ClaimEventType.OPEN, actor=actor, from_status="", payload={"amount": amount})
            _tell_claim_opened(claim)
    except BaseException:
        _delete_files(written)
        raise
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
    files = platform_evidence(policy, line, day)
    description = (
        f"付款事项“{line.label}”应于 {line.due_date} 支付 {format_cny(line.amount or ZERO)}，"
        f"截至 {day} 逾期 {overdue_days(line, day)} 日仍有 {format_cny(outstanding)} 未到账，"
        f"达到产品约定的 {policy.product.overdue_trigger_days} 日，平台自动发起理赔。"
    )
    return _offer_claim(
        policy,
        risk=risk,
        occurred=occurred,
        amount=outstanding,
        origin=ClaimOrigin.AUTOMATIC,
        description=description,
        files=files,
        trigger={"trigger_line": line},
        event=(ClaimEventType.OFFER, {"line": line.pk}),
    )


def _offer_claim(
    policy: Policy,
    *,
    risk: str,
    occurred: dt.date,
    amount: Decimal | None,
    origin: str,
    description: str,
    files: list[PlatformFile],
    trigger: dict[str, Any],
    event: tuple[str, dict[str, Any]],
) -> int:
    """One claim the platform opens for the insured (overdue installment or breach record), with
    the platform's documents attached as files; 0 when the claim would not be admissible."""
    written: list[FieldFile] = []
    try:
        with transaction.atomic():
            locked = Policy.objects.select_for_update().select_related("product", "provider", "insured").get(pk=policy.pk)
            left = claim_rules.cover_left(locked)
            value = left if amount is None else min(amount, left)
            try:
                _check_claim(locked, risk, occurred, value)
            except DomainError:
                return 0
            if value <= 0:
                return 0
            claim = Claim.objects.create(
                number=_next_number(locked),
                policy=locked,
                origin=origin,
                risk=risk,
                occurred_on=occurred,
                amount_claimed=value,
                description=description,
                **trigger,
            )
            _attach_platform_evidence(claim, files, written)
            workflow.record(CLAIM, claim, event[0], actor=None, from_status="", payload={**event[1], "amount": value})
            _tell_claim_opened(claim)
    except BaseException:
        _delete_files(written)
        raise
    return 1


def claim_add_document(*, actor: Actor, claim: Claim, name: object, file: Any, note: object = "") -> ClaimDocument:
    """The insured uploads one document of the claim: a PDF, PNG or JPEG judged by its bytes and
    capped in size (accounts.files.checked_document), kept in private storage."""
    from .policies import is_insured

    if not is_insured(actor, claim.policy):
        raise Forbidden("只有被保险人的成员可以提供理赔材料", code="policy_not_insured")
    label = clean_title(name, field="name", label="材料名称", max_chars=200)
    text = clean_text(note, field="content", label="说明", max_chars=3000, required=False, multiline=True)
    if file is None:
        message = "请选择要上传的材料文件（PDF、PNG 或 JPEG）"
        raise DomainError(message, code="claim_document_file_required", field_errors={"file": [message]})
    original = str(getattr(file, "name", "") or "")[:200]
    upload = checked_document(file, field="file")
    written: list[FieldFile] = []
    try:
        with transaction.atomic():
            locked = Claim.objects.select_for_update().get(pk=claim.pk)
            if locked.status != ClaimStatus.OPENED:
                raise Conflict(f"理赔案件当前状态为“{locked.get_status_display()}”，不能再补充材料", code="illegal_transition")
            document = ClaimDocument(claim=locked, name=label, content=text, added_by=actor, filename=original)
            document.size = int(upload.size or 0)
            document.file.save(str(upload.name), upload, save=False)
            written.append(document.file)
            document.save()
            workflow.record(CLAIM, locked, ClaimEventType.DOCUMENT_ADDED, actor=actor, payload={"document": label})
    except BaseException:
        _delete_files(written)
        raise
    return document


def claim_complete_documents(*, actor: Actor, claim: Claim) -> Claim:
    """资料齐全 only when every document the product version requires is attached as a file;
    refused naming the missing ones (the workflow's guard stays as the backstop)."""
    with transaction.atomic():
        locked = Claim.objects.select_for_update().select_related("policy__product").get(pk=claim.pk)
        missing = claim_rules.missing_documents(locked)
        if missing and locked.status == ClaimStatus.OPENED:
            raise DomainError(
                f"理赔材料不齐全，尚缺：{'、'.join(missing)}。请上传这些材料的文件后再确认",
                code="claim_documents_missing",
                field_errors={"file": [f"尚缺：{'、'.join(missing)}"]},
            )
        return workflow.move(CLAIM, locked, "complete_documents", actor=actor)


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
        _tell_insured(
            policy,
            "risk.claim_paid",
            f"已赔付：{moved.number}",
            f"{policy.provider.name}于 {day} 赔付（代偿）{format_cny(moved.payout or ZERO)}。",
            reverse("risk:claim_detail", args=[moved.pk]),
        )
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
    with transaction.atomic():
        moved = workflow.move(CLAIM, claim, "decline", actor=actor, reason=text)
        policy = Policy.objects.select_related("provider", "insured", "product").get(pk=moved.policy_id)
        _tell_insured(
            policy,
            "risk.claim_declined",
            f"拒赔：{moved.number}",
            f"{policy.provider.name}拒赔，理由：{text}",
            reverse("risk:claim_detail", args=[moved.pk]),
        )
    return moved


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
    with transaction.atomic():
        moved = workflow.move(
            CLAIM,
            claim,
            "subrogate",
            actor=actor,
            reason=text,
            payload={"amount": value},
            also={"recourse_amount": value, "recourse_note": text},
        )
        policy = Policy.objects.select_related("provider", "insured", "product", "contract__licensee").get(pk=moved.policy_id)
        url = reverse("risk:claim_detail", args=[moved.pk])
        body = f"{policy.provider.name}就理赔案件 {moved.number} 登记向 {policy.contract.licensee.name if policy.contract.licensee else '被许可方'}追偿 {format_cny(value)}：{text}"
        _tell_insured(policy, "risk.subrogation_recorded", f"已登记追偿：{moved.number}", body, url)
        if policy.contract.licensee is not None and policy.contract.licensee_id != policy.insured_id:
            notify(
                recipients=_members(policy.contract.licensee),
                kind="risk.subrogation_recorded",
                title=f"追偿通知：合同 {policy.contract.number}",
                body=f"{policy.provider.name}已代为赔付（代偿）{format_cny(moved.payout or ZERO)}，并登记向贵企业追偿 {format_cny(value)}：{text}",
                url=reverse("performance:mine"),
            )
    return moved


# ---------------------------------------------------------------- breach records


def breach_record(
    *, actor: Actor, contract: Contract, kind: object, occurred_on: object, description: object, evidence: Any
) -> tuple[Breach, int]:
    """A party of the contract records a breach by the other party (违约记录), with its evidence
    file. Then, exactly as an overdue installment does, the platform offers a claim under each of
    the recorder's policies in force on the contract whose product names breach as a trigger.
    Returns the record and how many claims were offered."""
    parties = [o for o in (contract.licensor, contract.licensee) if o is not None]
    mine = [o for o in parties if roles.is_member(actor, o)]
    if not mine or len(parties) < 2:
        raise Forbidden("只有合同当事方可以登记违约记录", code="breach_not_party")
    recorder = mine[0]
    against = next(o for o in parties if o.pk != recorder.pk)
    if str(kind) not in BreachKind.values:
        raise DomainError("请选择违约类型", code="validation_failed", field_errors={"kind": ["请选择违约类型"]})
    day = parse_date(occurred_on, label="违约日期", field="occurred_on")
    if day > today():
        raise DomainError("违约日期不能晚于今天", code="breach_date_future", field_errors={"occurred_on": ["不能晚于今天"]})
    text = clean_text(description, field="description", label="违约情况", max_chars=3000, multiline=True)
    if evidence is None:
        message = "请上传违约证据文件（PDF、PNG 或 JPEG）"
        raise DomainError(message, code="breach_evidence_required", field_errors={"evidence": [message]})
    original = str(getattr(evidence, "name", "") or "")[:200]
    upload = checked_document(evidence, field="evidence")
    written: list[FieldFile] = []
    try:
        with transaction.atomic():
            breach = Breach(
                contract=contract,
                recorded_for=recorder,
                against=against,
                kind=str(kind),
                occurred_on=day,
                description=text,
                evidence_name=original,
                recorded_by=actor,
            )
            breach.evidence.save(str(upload.name), upload, save=False)
            written.append(breach.evidence)
            breach.save()
            notify(
                recipients=_members(against),
                kind="risk.breach_recorded",
                title=f"违约记录：合同 {contract.number}",
                body=f"{recorder.name}登记了贵方{breach.get_kind_display()}（{day}）：{text}",
                url=reverse("risk:contract_cover", args=[contract.pk]),
            )
    except BaseException:
        _delete_files(written)
        raise
    return breach, offer_breach_claims(breach)


def offer_breach_claims(breach: Breach) -> int:
    offered = 0
    policies = Policy.objects.filter(
        contract=breach.contract, insured=breach.recorded_for, status=PolicyStatus.IN_FORCE, product__breach_trigger=True
    ).select_related("product", "contract")
    for policy in policies:
        risk = BREACH_RISK.get(breach.kind)
        if risk is None:
            risk = policy.covered_risks[0] if policy.covered_risks else None
        if risk is None or risk not in policy.covered_risks or policy.claims.filter(trigger_breach=breach).exists():
            continue
        files = platform_evidence(policy, None, today(), breach=breach)
        description = (
            f"{breach.recorded_for.name}于平台登记违约记录：{breach.against.name}{breach.get_kind_display()}"
            f"（违约日期 {breach.occurred_on}）。产品约定登记违约即发起理赔，平台自动发起；索赔金额暂按剩余保险金额，以核定为准。"
        )
        offered += _offer_claim(
            policy,
            risk=risk,
            occurred=breach.occurred_on,
            amount=None,
            origin=ClaimOrigin.BREACH,
            description=description,
            files=files,
            trigger={"trigger_breach": breach},
            event=(ClaimEventType.OFFER_BREACH, {"breach": breach.pk}),
        )
    return offered


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
