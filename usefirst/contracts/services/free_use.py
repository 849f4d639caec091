"""The free-use period and the next step: ending, proposals and counter-proposals, the
follow-on drafted on acceptance, and the daily advance (reminders, expiry, escalation)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from usefirst.accounts import roles
from usefirst.accounts.models import Organisation
from usefirst.catalog.choices import Mode
from usefirst.catalog.models import Achievement
from usefirst.core.actors import Actor
from usefirst.core.dates import today
from usefirst.core.errors import Conflict, Forbidden, IllegalTransition
from usefirst.core.permissions import Action, can
from usefirst.core.workflow import Notice
from usefirst.notifications.services import notify
from usefirst.policy.selectors import parameter_value

from ..models import (
    FOLLOW_ON_KINDS,
    Contract,
    ContractKind,
    NextStepProposal,
)
from ..workflows import ContractEventType as E
from .common import REMINDER_DAYS, S, contract_url, field_error, move, notify_parties, org_people, record, tell_parties
from .drafting import AchievementShare, DraftData, contract_issue_document, draft_without_text, inventor_ids
from .ending import notices_due, notices_take_effect


def _party_side(actor: Actor, contract: Contract) -> Organisation | None:
    own = roles.organisation_ids(actor)
    for org in [contract.licensor, contract.licensee, *contract.co_licensors.all()]:
        if org is not None and org.pk in own:
            return org
    return None


def _licensor_side_ids(contract: Contract) -> set[int]:
    ids = {o.pk for o in contract.co_licensors.all()}
    if contract.licensor_id:
        ids.add(contract.licensor_id)
    return ids


def next_step_propose(
    *,
    actor: Actor,
    contract: Contract,
    kind: str,
    achievement_id: int,
    price: Decimal | None = None,
    terms: str = "",
    development_kind: str = "",
) -> NextStepProposal:
    with transaction.atomic():
        contract = Contract.objects.select_for_update().get(pk=contract.pk)
        side = _party_side(actor, contract)
        if side is None or not can(actor, Action.CHANGE, contract):
            raise Forbidden("只有合同当事方可以提出后续安排", code="forbidden")
        if contract.kind != ContractKind.FREE_USE_LICENCE or contract.status not in (S.FREE_USE, S.AWAITING_NEXT_STEP):
            raise IllegalTransition("只有免费使用期内或期满待商定的合同可以提出后续安排", code="illegal_transition")
        if contract.mode == Mode.PAY_LATER and kind not in (ContractKind.LICENCE, ContractKind.TRANSFER):
            raise field_error("kind", "先使用后付费合同的后续安排应为正式许可或转让", code="follow_on_kind")
        if kind not in FOLLOW_ON_KINDS:
            raise field_error("kind", "后续安排应为许可、转让、技术开发或作价投资")
        if kind == ContractKind.DEVELOPMENT and not development_kind:
            raise field_error("development_kind", "请选择委托开发或合作开发")
        if price is not None and (price < 0 or price != price.quantize(Decimal("0.01"))):
            raise field_error("price", "金额不能为负数，最多两位小数（分）")
        achievement = Achievement.objects.filter(pk=achievement_id).first()
        if achievement is None:
            raise field_error("achievement_id", "所选成果不存在")
        parent_achievements = set(contract.achievements.values_list("achievement_id", flat=True))
        if achievement.pk not in parent_achievements:
            if contract.mode == Mode.PAY_LATER:
                raise field_error("achievement_id", "先使用后付费的后续合同应针对原合同成果")
            if not (inventor_ids([achievement.pk]) & inventor_ids(parent_achievements)):
                raise field_error("achievement_id", "该成果与原合同成果没有共同的成果完成人", code="no_common_inventor")
            if achievement.owner_id not in _licensor_side_ids(contract):
                raise field_error("achievement_id", "该成果不属于许可方")
        previous = contract.next_step_proposals.filter(status=NextStepProposal.Status.OPEN).first()
        if previous is not None:
            same_side = previous.proposed_by_organisation_id == side.pk
            previous.status = NextStepProposal.Status.WITHDRAWN if same_side else NextStepProposal.Status.COUNTERED
            previous.answered_at = timezone.now()
            previous.save(update_fields=["status", "answered_at"])
        proposal = NextStepProposal.objects.create(
            contract=contract,
            proposed_by_organisation=side,
            proposed_by=actor,
            kind=kind,
            achievement=achievement,
            development_kind=development_kind,
            price=price,
            terms=terms,
            replaces=previous,
        )
        countered = previous is not None and previous.status == NextStepProposal.Status.COUNTERED
        record(
            contract,
            E.COUNTER_NEXT_STEP if countered else E.PROPOSE_NEXT_STEP,
            actor=actor,
            reason="提出修改意见（还价）" if countered else "提出后续安排",
            proposal=proposal.pk,
            kind=kind,
            price=str(price) if price is not None else None,
        )
        notify_parties(
            contract, kind="contracts.next_step_proposed", title=f"对方提出了后续安排：{contract.title}", exclude=actor
        )
    return proposal


def next_step_accept(*, actor: Actor, proposal: NextStepProposal) -> Contract:
    """The other side accepts: the next step is agreed and the follow-on contract is drafted."""
    with transaction.atomic():
        contract = Contract.objects.select_for_update().get(pk=proposal.contract_id)
        proposal = NextStepProposal.objects.select_for_update().get(pk=proposal.pk)
        side = _party_side(actor, contract)
        if side is None:
            raise Forbidden("只有合同当事方可以接受后续安排", code="forbidden")
        if proposal.status != NextStepProposal.Status.OPEN:
            raise IllegalTransition("该提议已答复或撤回", code="illegal_transition")
        proposer_is_licensor = proposal.proposed_by_organisation_id in _licensor_side_ids(contract)
        actor_is_licensor = side.pk in _licensor_side_ids(contract)
        if proposer_is_licensor == actor_is_licensor:
            raise Forbidden("后续安排须由另一方接受", code="same_side")
        proposal.status = NextStepProposal.Status.ACCEPTED
        proposal.answered_at = timezone.now()
        proposal.save(update_fields=["status", "answered_at"])
        move(contract, E.AGREE_NEXT_STEP, actor=actor, reason="双方已商定后续安排", payload={"proposal": proposal.pk})
        follow_on = draft_without_text(
            actor=actor,
            data=DraftData(
                kind=proposal.kind,
                achievements=[AchievementShare(proposal.achievement_id)],
                licensor_id=contract.licensor_id,
                co_licensor_ids=[o.pk for o in contract.co_licensors.all()],
                licensor_person_id=contract.licensor_person_id,
                preliminary_agreement_id=contract.preliminary_agreement_id,
                licensee_id=contract.licensee_id,
                agency_id=contract.agency_id,
                scope=contract.scope,
                field_of_use=contract.field_of_use,
                territory=contract.territory,
                exclusivity=contract.exclusivity,
                development_kind=proposal.development_kind,
                price=proposal.price,
                payment_terms=proposal.terms,
                parent_id=contract.pk,
            ),
        )
    contract_issue_document(actor=actor, contract=follow_on)
    return follow_on


def _to_start(day: dt.date) -> QuerySet[Contract]:
    return Contract.objects.filter(status=S.SIGNED, kind=ContractKind.FREE_USE_LICENCE, free_use_start__lte=day)


def _to_expire(day: dt.date) -> QuerySet[Contract]:
    return Contract.objects.filter(status=S.FREE_USE, free_use_end__lt=day)


def _to_remind(day: dt.date, days: int) -> QuerySet[Contract]:
    target = day + dt.timedelta(days=days)
    return Contract.objects.filter(
        Q(status=S.FREE_USE, free_use_end=target) | Q(status=S.SIGNED, kind=ContractKind.PRELIMINARY_AGREEMENT, term_end=target)
    )


def _to_escalate(day: dt.date) -> tuple[int, QuerySet[Contract]]:
    escalation_days = int(parameter_value("next_step_escalation_days", on=day))
    overdue = Contract.objects.filter(
        status=S.AWAITING_NEXT_STEP, escalated_at__isnull=True, free_use_end__lt=day - dt.timedelta(days=escalation_days)
    )
    return escalation_days, overdue


def contracts_due(day: dt.date) -> dict[str, list[str]]:
    """What `contract_advance` would do on `day`, without doing it (contract numbers per step)."""
    due = {
        "免费使用期开始": [c.number for c in _to_start(day)],
        "免费使用期届满": [c.number for c in _to_expire(day)],
    }
    for days in REMINDER_DAYS:
        due[f"届满前 {days} 日提醒"] = [c.number for c in _to_remind(day, days) if days not in c.reminders_sent]
    due["逾期未商定后续安排升级"] = [c.number for c in _to_escalate(day)[1]]
    due["终止通知期满生效"] = [r.contract.number for r in notices_due(day)]
    return due


def _job_move(contract: Contract, name: str, *, reason: str, notices: Sequence[Notice] = ()) -> int:
    """1 when the daily job moved the contract; 0 when a party moved it meanwhile (ended it, say)."""
    try:
        move(contract, name, actor=None, reason=reason, notices=notices)
    except Conflict as exc:
        if exc.code != "stale_state":
            raise
        return 0
    return 1


def contract_advance(*, on: dt.date | None = None) -> dict[str, int]:
    """Daily: start and close free-use periods, send the 30- and 7-day reminders, escalate
    contracts with no agreed next step `next_step_escalation_days` after the period ended.
    Each step leaves its mark (the status, `reminders_sent`, `escalated_at`), so running a
    date again does nothing twice."""
    day = on or today()
    counts = {"started": 0, "expired": 0, "reminded": 0, "escalated": 0, "ended_by_notice": notices_take_effect(day)}
    for contract in _to_start(day):
        counts["started"] += _job_move(contract, E.START_FREE_USE, reason="免费使用期开始")
    for contract in _to_expire(day):
        counts["expired"] += _job_move(
            contract,
            E.EXPIRE_FREE_USE,
            reason="免费使用期届满，待商定后续安排",
            notices=[tell_parties(kind="contracts.free_use_ended", title=f"免费使用期已届满，请商定后续安排：{contract.title}")],
        )
    for days in REMINDER_DAYS:
        target = day + dt.timedelta(days=days)
        for contract in _to_remind(day, days):
            if days in contract.reminders_sent:
                continue
            with transaction.atomic():
                contract.reminders_sent = [*contract.reminders_sent, days]
                contract.save(update_fields=["reminders_sent"])
                what = "预先协议期限" if contract.kind == ContractKind.PRELIMINARY_AGREEMENT else "免费使用期"
                notify_parties(
                    contract,
                    kind="contracts.free_use_reminder",
                    title=f"{what}将于 {days} 日后届满：{contract.title}",
                    body=f"届满日（含）：{target:%Y-%m-%d}。请及时商定后续安排。",
                )
            counts["reminded"] += 1
    escalation_days, overdue = _to_escalate(day)
    for contract in overdue:
        with transaction.atomic():
            contract.escalated_at = timezone.now()
            contract.save(update_fields=["escalated_at"])
            unit = contract.licensor or (contract.preliminary_agreement.licensor if contract.preliminary_agreement else None)
            recipients = org_people([unit], admins_only=True) + org_people([contract.agency])
            notify(
                recipients=recipients,
                kind="contracts.next_step_escalated",
                title=f"免费使用期届满 {escalation_days} 日仍未商定后续安排：{contract.title}",
                body="请成果单位（及技术转移服务机构）跟进。",
                url=contract_url(contract),
            )
            record(contract, E.ESCALATE, actor=None, reason="逾期未商定后续安排，已升级提醒")
        counts["escalated"] += 1
    return counts
