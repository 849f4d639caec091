"""Writes of loan applications and pledges (docs/financing.md): a contract party applies for a
published product with the pack it consents to share (risk's underwriting pack, `risk.pack.
build_pack`, called, not copied); the bank asks for more, approves (amount, rate, term) or
declines with reasons; the purchased patent is pledged to the bank while the loan stands and
released when it is settled. Every transition is an event row (financing/workflows.py); the
applicant's members are told of every decision."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from usefirst.accounts import roles
from usefirst.accounts.models import Membership, Organisation, User
from usefirst.catalog.models import IpItem
from usefirst.contracts import selectors as contract_selectors
from usefirst.contracts.models import Contract, ContractStatus
from usefirst.core import workflow
from usefirst.core.actors import Actor
from usefirst.core.dates import parse_date, today
from usefirst.core.errors import Conflict, DomainError, Forbidden
from usefirst.core.money import format_cny, parse_amount
from usefirst.core.text import clean_reason, clean_text, clean_title
from usefirst.notifications.services import notify
from usefirst.risk.pack import build_pack
from usefirst.risk.selectors import deal_facts

from .choices import APPLICATION_OPEN, BORROWER, ApplicationStatus, Borrower, PackPart, PledgeStatus, ProductStatus
from .models import LoanApplication, LoanProduct, Pledge
from .policies import is_lender
from .rules import HUNDRED
from .workflows import APPLICATION, PLEDGE, ApplicationEventType, PledgeEventType

UNSIGNED = (ContractStatus.DRAFTED, ContractStatus.SIGNING, ContractStatus.CANCELLED)
CENT = Decimal("0.01")


def borrower_side(contract: Contract, organisation: Organisation) -> str | None:
    if organisation.pk == contract.licensee_id:
        return Borrower.LICENSEE
    if organisation.pk == contract.licensor_id:
        return Borrower.LICENSOR
    return None


def ratio_cap(product: LoanProduct, contract_amount: Decimal) -> Decimal:
    """The most the product lends on this contract: its share of the contract amount, to the cent (half up)."""
    return (contract_amount * product.max_ratio_percent / HUNDRED).quantize(CENT, rounding=ROUND_HALF_UP)


def _contract_amount(contract: Contract) -> Decimal | None:
    amount = deal_facts(contract).amount
    return None if amount is None or amount <= 0 else Decimal(amount)


def check_terms(product: LoanProduct, contract: Contract, *, amount: Decimal, term_months: int, field: str = "amount") -> None:
    """The amount and the term within the product's ranges and its share of the contract amount."""
    if product.amount_min is not None and amount < product.amount_min:
        raise DomainError(
            f"贷款金额 {format_cny(amount)} 低于该产品的下限 {format_cny(product.amount_min)}",
            code="loan_amount_out_of_range",
            field_errors={field: ["低于产品的贷款金额下限"]},
        )
    if product.amount_max is not None and amount > product.amount_max:
        raise DomainError(
            f"贷款金额 {format_cny(amount)} 高于该产品的上限 {format_cny(product.amount_max)}",
            code="loan_amount_out_of_range",
            field_errors={field: ["高于产品的贷款金额上限"]},
        )
    contract_amount = _contract_amount(contract)
    if contract_amount is None:
        raise DomainError("本合同未约定金额，也没有付款计划，无法按合同金额确定贷款额度", code="loan_contract_amount_unknown")
    cap = ratio_cap(product, contract_amount)
    if amount > cap:
        raise DomainError(
            f"贷款金额 {format_cny(amount)} 超过合同金额 {format_cny(contract_amount)} 的 {product.max_ratio_percent.normalize()}%"
            f"（{format_cny(cap)}）",
            code="loan_above_contract_ratio",
            field_errors={field: ["超过产品允许的合同金额比例"]},
        )
    if not (product.term_months_min <= term_months <= product.term_months_max):
        raise DomainError(
            f"贷款期限应在 {product.term_months_min} 至 {product.term_months_max} 个月之间",
            code="loan_term_out_of_range",
            field_errors={"term_months": ["不在产品的贷款期限范围内"]},
        )


def _months(value: object, *, field: str = "term_months") -> int:
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        raise DomainError("贷款期限应为整数（月）", code="validation_failed", field_errors={field: ["应为整数"]}) from None
    return number


def why_not(product: LoanProduct, contract: Contract, side: str | None) -> list[str]:
    """Why the product does not fit this contract for this borrower (empty when it fits)."""
    facts = contract_selectors.contract_facts(contract)
    reasons: list[str] = []
    if side is not None and BORROWER[product.kind] != side:
        reasons.append(f"该产品的借款人为{Borrower(BORROWER[product.kind]).label}")
    if facts.mode not in (product.modes or []):
        reasons.append(f"不适用于“{facts.mode_label or '未约定'}”模式")
    if product.enterprise_sizes and facts.enterprise_size not in product.enterprise_sizes:
        reasons.append("被许可企业的规模不在适用范围内")
    if product.regions and facts.region not in product.regions:
        reasons.append("被许可企业所在区域不在适用范围内")
    return reasons


def _members(organisation_id: int) -> list[User]:
    return [m.user for m in Membership.objects.filter(organisation_id=organisation_id, is_active=True).select_related("user")]


def _tell_applicant(title: str, body: str = "") -> workflow.Notice:
    def notice(application: LoanApplication) -> None:
        notify(
            recipients=_members(application.applicant_id),
            kind="financing.application_decided",
            title=title,
            body=body,
            url=reverse("financing:application_detail", args=[application.pk]),
        )

    return notice


def application_create(
    *,
    actor: Actor,
    contract: Contract,
    product: LoanProduct,
    applicant: Organisation,
    amount: object,
    term_months: object,
    parts: list[str],
    purpose: object = "",
) -> LoanApplication:
    if not roles.is_member(actor, applicant):
        raise Forbidden("只有申请人的成员可以申请融资", code="financing_not_applicant")
    side = borrower_side(contract, applicant)
    if side is None:
        raise Forbidden("申请人须是合同当事方（许可方单位或被许可企业）", code="financing_not_party")
    if product.status != ProductStatus.PUBLISHED:
        raise Conflict("该产品版本未发布或已被取代，请按现行版本申请", code="product_not_published")
    if contract.status in UNSIGNED:
        raise Conflict("合同签署后才能申请融资", code="loan_contract_not_signed")
    chosen = sorted({str(p) for p in parts})
    if set(chosen) - set(PackPart.values) or PackPart.CONTRACT not in chosen:
        raise DomainError(
            "请勾选同意向银行提供合同主要条款：这是授信的必需材料",
            code="pack_consent_required",
            field_errors={"parts": ["至少须同意提供合同主要条款"]},
        )
    value = parse_amount(amount, label="申请金额")
    months = _months(term_months)
    reasons = why_not(product, contract, side)
    if reasons:
        raise DomainError(f"该产品不适用于本合同：{'；'.join(reasons)}", code="loan_product_not_fitting")
    check_terms(product, contract, amount=value, term_months=months)
    text = clean_text(purpose, field="purpose", label="资金用途", max_chars=2000, required=False, multiline=True)
    with transaction.atomic():
        Contract.objects.select_for_update().get(pk=contract.pk)
        if LoanApplication.objects.filter(
            contract=contract, applicant=applicant, product__kind=product.kind, status__in=list(APPLICATION_OPEN)
        ).exists():
            raise Conflict("本合同已有一份同类贷款的申请在审批中", code="loan_application_open")
        application = LoanApplication.objects.create(
            product=product,
            bank=product.bank,
            contract=contract,
            applicant=applicant,
            amount=value,
            term_months=months,
            purpose=text,
            consent_parts=chosen,
            consent_by=actor,
            pack=build_pack(contract, chosen, on=today()),
        )
        workflow.record(
            APPLICATION,
            application,
            ApplicationEventType.APPLY,
            actor=actor,
            from_status="",
            payload={"product": product.pk, "version": product.version, "amount": value, "consent": chosen},
        )
        notify(
            recipients=_members(product.bank_id),
            kind="financing.application_received",
            title=f"新的融资申请：{applicant.name}（{product.name}）",
            url=reverse("financing:application_detail", args=[application.pk]),
        )
    return application


def application_request_info(*, actor: Actor, application: LoanApplication, reason: object) -> LoanApplication:
    text = clean_reason(reason, label="需要补充的材料")
    return workflow.move(
        APPLICATION,
        application,
        "request_info",
        actor=actor,
        reason=text,
        notices=[_tell_applicant("银行要求补充融资材料", text)],
    )


def application_resubmit(*, actor: Actor, application: LoanApplication, note: object = "") -> LoanApplication:
    text = clean_reason(note, label="补充说明", required=False)
    return workflow.move(APPLICATION, application, "resubmit", actor=actor, reason=text)


def application_approve(
    *, actor: Actor, application: LoanApplication, amount: object, rate: object, term_months: object
) -> LoanApplication:
    """The bank approves: the amount within the product's ranges and its share of the contract
    amount, the rate within the product's rate range, the term within its term range."""
    if not is_lender(actor, application):
        raise Forbidden("只有受理该申请的银行可以办理", code="financing_not_lender")
    product = application.product
    value = parse_amount(amount, label="批准金额")
    months = _months(term_months)
    try:
        rate_value = Decimal(str(rate).strip())
    except ArithmeticError:
        rate_value = Decimal("NaN")
    if not rate_value.is_finite() or product.rate_min is None or product.rate_max is None:
        raise DomainError("请填写年利率（%）", code="validation_failed", field_errors={"rate": ["请填写年利率"]})
    if not (product.rate_min <= rate_value <= product.rate_max):
        raise DomainError(
            f"年利率应在产品的 {product.rate_min.normalize()}% 至 {product.rate_max.normalize()}% 之间",
            code="loan_rate_out_of_range",
            field_errors={"rate": ["不在产品的利率范围内"]},
        )
    check_terms(product, application.contract, amount=value, term_months=months)
    summary = f"批准金额 {format_cny(value)}，年利率 {rate_value.normalize()}%，期限 {months} 个月"
    return workflow.move(
        APPLICATION,
        application,
        "approve",
        actor=actor,
        reason=summary,
        payload={"amount": value, "rate": rate_value, "term_months": months},
        also={
            "approved_amount": value,
            "approved_rate": rate_value,
            "approved_term_months": months,
            "decided_at": timezone.now(),
        },
        notices=[_tell_applicant("融资申请已获批准", summary)],
    )


def application_decline(*, actor: Actor, application: LoanApplication, reason: object) -> LoanApplication:
    text = clean_reason(reason, label="不予批准的理由")
    return workflow.move(
        APPLICATION,
        application,
        "decline",
        actor=actor,
        reason=text,
        also={"decided_at": timezone.now()},
        notices=[_tell_applicant("融资申请未获批准", text)],
    )


def application_withdraw(*, actor: Actor, application: LoanApplication, reason: object = "") -> LoanApplication:
    text = clean_reason(reason, label="撤回说明", required=False)
    return workflow.move(APPLICATION, application, "withdraw", actor=actor, reason=text)


def application_settle(*, actor: Actor, application: LoanApplication, reason: object = "") -> LoanApplication:
    """The bank records the loan repaid; its standing pledges are released in the same transaction."""
    text = clean_reason(reason, label="结清说明", required=False)
    with transaction.atomic():
        moved = workflow.move(
            APPLICATION, application, "settle", actor=actor, reason=text, notices=[_tell_applicant("贷款已结清，质押已解除")]
        )
        for pledge in Pledge.objects.filter(application=application, status=PledgeStatus.REGISTERED):
            pledge_release(actor=actor, pledge=pledge, reason="贷款结清")
    return moved


# ---------------------------------------------------------------- pledges


def pledge_register(
    *, actor: Actor, application: LoanApplication, ip_item: IpItem, registration_number: object, registered_on: object
) -> Pledge:
    """The bank records the pledge of an IP item of the contract's achievements (the purchased
    patent) against an approved loan. An IP item already pledged cannot be pledged again."""
    if not is_lender(actor, application):
        raise Forbidden("只有受理该申请的银行可以登记质押", code="financing_not_lender")
    if application.status != ApplicationStatus.APPROVED:
        raise Conflict("贷款批准后才能登记质押", code="pledge_loan_not_approved")
    if ip_item.achievement_id not in contract_selectors.achievement_ids_of_contract(application.contract_id):
        raise DomainError(
            "只能质押本合同所涉成果的知识产权", code="pledge_ip_not_of_contract", field_errors={"ip_item": ["不属于本合同的成果"]}
        )
    number = clean_title(registration_number, field="registration_number", label="质押登记号", max_chars=64)
    day = parse_date(registered_on, label="质押登记日", field="registered_on")
    try:
        with transaction.atomic():
            IpItem.objects.select_for_update().get(pk=ip_item.pk)
            if Pledge.objects.filter(ip_item=ip_item, status=PledgeStatus.REGISTERED).exists():
                raise Conflict(f"{ip_item} 已在质押中，解除质押前不能再次质押", code="pledge_ip_taken")
            pledge = Pledge.objects.create(
                application=application,
                ip_item=ip_item,
                bank_id=application.bank_id,
                pledgor_id=application.applicant_id,
                registration_number=number,
                registered_on=day,
                recorded_by=actor,
            )
            workflow.record(
                PLEDGE,
                pledge,
                PledgeEventType.REGISTER,
                actor=actor,
                from_status="",
                payload={"ip_item": ip_item.pk, "application": application.pk, "number": number},
            )
            _tell_applicant(f"{ip_item} 已登记质押", f"质押登记号 {number}")(application)
    except IntegrityError as exc:
        raise Conflict(f"{ip_item} 已在质押中，解除质押前不能再次质押", code="pledge_ip_taken") from exc
    return pledge


def pledge_release(*, actor: Actor | None, pledge: Pledge, reason: object = "") -> Pledge:
    text = clean_reason(reason, label="解除说明", required=False)
    return workflow.move(PLEDGE, pledge, "release", actor=actor, reason=text, also={"released_on": today()})
