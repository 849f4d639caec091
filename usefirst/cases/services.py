"""Writes of typical cases: drafting from a signed contract, each party's consent, submission,
the department's review and publication with rounded figures, withdrawal, and the province's
mark of an exemplary case."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from usefirst.accounts import roles
from usefirst.accounts.models import Organisation, User
from usefirst.catalog.models import TechField
from usefirst.contracts.models import Contract, ContractStatus
from usefirst.contracts.selectors import contract_facts
from usefirst.core import workflow
from usefirst.core.actors import Actor
from usefirst.core.errors import Conflict, Forbidden
from usefirst.core.money import format_wan
from usefirst.core.regions import Region
from usefirst.core.text import clean_reason, clean_text, clean_title
from usefirst.notifications.services import notify

from .choices import CaseStatus, Side
from .models import Case, CaseConsent
from .workflows import CASE, CaseEventType

NOT_SIGNED = (ContractStatus.DRAFTED, ContractStatus.SIGNING, ContractStatus.CANCELLED)
TEN_THOUSAND = Decimal("10000")


def case_url(case: Case) -> str:
    return reverse("cases:detail", args=[case.pk])


def _members(organisation: Organisation | None) -> list[User]:
    if organisation is None:
        return []
    return list(
        User.objects.filter(memberships__organisation=organisation, memberships__is_active=True, is_active=True).distinct()
    )


def rounded_amount(amount: Decimal | None) -> str:
    """A contract amount as a published case shows it without the parties' consent to the exact
    figure: two significant figures in 万元 (约 120 万元), or a band below 10 万元."""
    if amount is None or amount <= 0:
        return "未披露"
    wan = amount / TEN_THOUSAND
    if wan < 10:
        return "10 万元以下"
    digits = len(str(int(wan)))
    step = Decimal(10) ** (digits - 2)
    rounded = (wan / step).quantize(Decimal("1"), rounding=ROUND_HALF_UP) * step
    return f"约 {int(rounded)} 万元"


def side_of(actor: Actor, contract: Contract) -> tuple[str, Organisation] | None:
    if contract.licensor is not None and roles.is_member(actor, contract.licensor):
        return Side.LICENSOR, contract.licensor
    if contract.licensee is not None and roles.is_member(actor, contract.licensee):
        return Side.LICENSEE, contract.licensee
    return None


def case_create(*, actor: Actor, contract: Contract, title: object, summary: object, story: object) -> Case:
    """A party of a signed contract drafts a case from it; their own side's consent is recorded
    with it, and the other party is asked for theirs."""
    side = side_of(actor, contract)
    if side is None:
        raise Forbidden("只有合同当事方可以撰写或同意该典型案例", code="case_not_party")
    if contract.status in NOT_SIGNED:
        raise Conflict("只能以已签署的合同撰写典型案例", code="case_contract_not_signed")
    fields = {
        "title": clean_title(title, label="案例标题"),
        "summary": clean_text(summary, field="summary", label="案例简介", max_chars=1000, multiline=True),
        "story": clean_text(story, field="story", label="案例正文", max_chars=10000, multiline=True),
    }
    with transaction.atomic():
        try:
            with transaction.atomic():
                case = Case.objects.create(contract=contract, author=side[1], created_by=actor, **fields)
        except IntegrityError as exc:
            raise Conflict("该合同已有典型案例", code="case_exists") from exc
        workflow.record(CASE, case, CaseEventType.CREATE, actor=actor, reason=case.title, from_status="")
        other = contract.licensee if side[0] == Side.LICENSOR else contract.licensor
        notify(
            recipients=_members(other),
            kind="cases.consent_requested",
            title=f"典型案例征求同意：{case.title}",
            body=f"{side[1].name}拟以合同 {contract.number} 撰写典型案例，请阅读后决定是否同意公开。",
            url=case_url(case),
        )
    return case


def case_consent(*, actor: Actor, case: Case, allows_exact_amount: bool = False) -> CaseConsent:
    """A party records its consent to the case (and, separately, to showing the exact amount)."""
    side = side_of(actor, case.contract)
    if side is None:
        raise Forbidden("只有合同当事方可以撰写或同意该典型案例", code="case_not_party")
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        if locked.status not in (CaseStatus.DRAFT, CaseStatus.RETURNED):
            raise Conflict("案例已提交或已发布，不能再修改同意", code="illegal_transition")
        consent, _ = CaseConsent.objects.update_or_create(
            case=locked,
            side=side[0],
            defaults={
                "organisation": side[1],
                "allows_exact_amount": bool(allows_exact_amount),
                "given_by": actor,
                "given_at": timezone.now(),
            },
        )
        workflow.record(
            CASE,
            locked,
            CaseEventType.CONSENT,
            actor=actor,
            reason=f"{side[1].name}同意公开" + ("（含准确金额）" if allows_exact_amount else "（金额取整）"),
        )
    return consent


def case_submit(*, actor: Actor, case: Case) -> Case:
    return workflow.move(CASE, case, "submit", actor=actor, reason="提交主管部门审核")


def _shown(case: Case) -> dict[str, Any]:
    """What the published case shows of the deal, read from the contract."""
    facts = contract_facts(case.contract)
    fields = "、".join(TechField.objects.filter(code__in=facts.field_codes).values_list("name", flat=True))
    exact = case.consents.filter(allows_exact_amount=True).count() >= 2
    amount = facts.price
    return {
        "mode_label": facts.mode_label or case.contract.get_kind_display(),
        "field_label": fields,
        "region": Region(facts.region).label if facts.region in Region.values else "",
        "city": facts.city,
        "amount_shown": (format_wan(amount) if amount is not None else "未披露") if exact else rounded_amount(amount),
    }


def case_publish(*, actor: Actor, case: Case, reason: object = "") -> Case:
    text = clean_reason(reason, label="审核意见", required=False)
    also = {"reviewed_by": actor, "review_reason": text, "published_at": timezone.now(), **_shown(case)}

    def tell(c: Case) -> None:
        notify(recipients=_members(c.author), kind="cases.published", title=f"典型案例已发布：{c.title}", url=case_url(c))

    return workflow.move(CASE, case, "publish", actor=actor, reason=text or "审核通过", also=also, notices=[tell])


def case_return(*, actor: Actor, case: Case, reason: object) -> Case:
    text = clean_reason(reason, label="退回理由")

    def tell(c: Case) -> None:
        notify(
            recipients=_members(c.author), kind="cases.returned", title=f"典型案例被退回：{c.title}", body=text, url=case_url(c)
        )

    return workflow.move(
        CASE, case, "return", actor=actor, reason=text, also={"reviewed_by": actor, "review_reason": text}, notices=[tell]
    )


def case_withdraw(*, actor: Actor, case: Case) -> Case:
    return workflow.move(CASE, case, "withdraw", actor=actor, reason="撰写单位撤回")


def case_mark_exemplary(*, actor: Actor, case: Case, exemplary: bool = True) -> Case:
    """The province marks (or unmarks) a published case as exemplary (示范案例)."""
    if not roles.is_provincial_staff(actor):
        raise Forbidden("只有省科学技术厅可以标记示范案例", code="forbidden")
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        if locked.status != CaseStatus.PUBLISHED:
            raise Conflict("只有已发布的案例可以标记为示范案例", code="case_not_published")
        locked.exemplary = exemplary
        locked.exemplary_at = timezone.now() if exemplary else None
        locked.save(update_fields=["exemplary", "exemplary_at"])
        workflow.record(
            CASE, locked, CaseEventType.EXEMPLARY, actor=actor, reason="标记为省级示范案例" if exemplary else "取消示范标记"
        )
    return locked
