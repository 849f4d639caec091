"""Ending a contract as its terms say (docs/domain.md, "Ending a contract").

During the free-use period either side may end the arrangement in one step, with its reason
(`contract_end`). Once formal terms apply — a formal licence, transfer or follow-on contract, or
any contract with a payment plan — it ends only by agreement of both (`ending_propose` with
kind "agreement", then the other side's `ending_answer`), or by a notice with its grounds and a
period (`contract_notice_days`) that the other side may accept at once or object to; a notice
left unanswered takes effect the day after its period (`notices_take_effect`, in the daily job).
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from usefirst.accounts import roles
from usefirst.accounts.models import Organisation
from usefirst.core.actors import Actor
from usefirst.core.dates import today
from usefirst.core.errors import Conflict, Forbidden, IllegalTransition
from usefirst.core.permissions import Action, can
from usefirst.core.text import stated_reason
from usefirst.policy.selectors import parameter_value

from ..models import Contract, ContractKind, EndingRequest
from ..workflows import LIVE
from ..workflows import ContractEventType as E
from .common import S, move, notify_parties, record, tell_parties


def ends_in_one_step(contract: Contract) -> bool:
    """A free-use licence before any formal terms: either side may end it as the contract states
    (and once its signed follow-on contract has taken over). So may the unit its preliminary agreement with its own inventors (简约程序), whose end starts
    the split of ownership and income."""
    if contract.kind == ContractKind.PRELIMINARY_AGREEMENT:
        return contract.status in LIVE
    if contract.kind != ContractKind.FREE_USE_LICENCE or hasattr(contract, "payment_plan"):
        return False
    if contract.status == S.NEXT_STEP_AGREED:
        # Its follow-on contract, once signed, takes over: the free-use licence ends as agreed.
        return contract.follow_ons.filter(signed_at__isnull=False).exists()
    return contract.status in (S.SIGNED, S.FREE_USE, S.AWAITING_NEXT_STEP)


def _side(actor: Actor, contract: Contract) -> Organisation:
    own = roles.organisation_ids(actor)
    for org in [contract.licensor, contract.licensee, *contract.co_licensors.all()]:
        if org is not None and org.pk in own:
            return org
    raise Forbidden("只有合同当事方可以办理终止", code="forbidden")


def _licensor_side(contract: Contract, org: Organisation) -> bool:
    return org.pk == contract.licensor_id or org.pk in {o.pk for o in contract.co_licensors.all()}


def notice_days(on: dt.date | None = None) -> int:
    return int(parameter_value("contract_notice_days", on=on))


def refuse_unless_ends_in_one_step(contract: Contract) -> None:
    """The guard of the one-step end (contracts/workflows.py), with the notice period in its refusal."""
    if not ends_in_one_step(contract):
        raise Conflict(
            f"合同“{contract.title}”已有正式条款或付款计划，不能由一方直接终止：请提出协商终止，"
            f"或发出终止通知（通知期 {notice_days()} 日，对方可提出异议）",
            code="ending_needs_agreement_or_notice",
        )


def contract_end(*, actor: Actor, contract: Contract, reason: str) -> Contract:
    """One side ends a free-use arrangement during its free-use period (the enterprise then stops
    using the achievement); formal terms need agreement or a notice."""
    text = stated_reason(reason, field="reason", label="终止理由")
    return move(
        contract,
        E.END,
        actor=actor,
        reason=text,
        also={"ended_at": timezone.now()},
        notices=[tell_parties(kind="contracts.ended", title=f"合同已终止：{contract.title}", body=text, exclude=actor)],
    )


def ending_propose(*, actor: Actor, contract: Contract, kind: str, grounds: str) -> EndingRequest:
    """Propose ending by agreement, or give notice; the other side is told and answers."""
    if kind not in EndingRequest.Kind.values:
        raise Conflict("终止方式无效", code="ending_kind_invalid")
    text = stated_reason(grounds, field="grounds", label="终止理由")
    with transaction.atomic():
        contract = Contract.objects.select_for_update().get(pk=contract.pk)
        if not can(actor, Action.CHANGE, contract):
            raise Forbidden("只有合同当事方可以办理终止", code="forbidden")
        side = _side(actor, contract)
        if contract.status not in LIVE:
            raise IllegalTransition(f"合同当前状态为“{contract.get_status_display()}”，无需终止", code="illegal_transition")
        effective_on = None
        days = notice_days()
        if kind == EndingRequest.Kind.NOTICE:
            # The period counts from the day after the notice (民法典 art. 201); it takes effect the day after its last day.
            effective_on = today() + dt.timedelta(days=days + 1)
        try:
            with transaction.atomic():
                request = EndingRequest.objects.create(
                    contract=contract,
                    kind=kind,
                    proposed_by_organisation=side,
                    proposed_by=actor,
                    grounds=text,
                    effective_on=effective_on,
                )
        except IntegrityError as exc:
            raise Conflict("该合同已有待对方答复的终止申请，请等待答复或先撤回", code="ending_already_open") from exc
        label = EndingRequest.Kind(kind).label
        record(
            contract,
            E.GIVE_NOTICE if effective_on else E.PROPOSE_ENDING,
            actor=actor,
            reason=f"{side.name}提出{label}：{text}",
            ending_request=request.pk,
            effective_on=effective_on.isoformat() if effective_on else None,
        )
        body = text
        if effective_on is not None:
            last = effective_on - dt.timedelta(days=1)
            body += f"\n通知期 {days} 日，至 {last:%Y-%m-%d}；期满未提出异议的，合同自 {effective_on:%Y-%m-%d} 起终止。"
        notify_parties(
            contract, kind="contracts.ending_proposed", title=f"{side.name}{label}：{contract.title}", body=body, exclude=actor
        )
    return request


def ending_answer(*, actor: Actor, request: EndingRequest, accept: bool, answer: str = "") -> EndingRequest:
    """The other side accepts (the contract ends now), declines an agreement, or objects to a notice."""
    text = answer.strip() if accept else stated_reason(answer, field="answer", label="不同意或异议的理由")
    with transaction.atomic():
        contract = Contract.objects.select_for_update().get(pk=request.contract_id)
        request = EndingRequest.objects.select_for_update().get(pk=request.pk)
        side = _side(actor, contract)
        if side.pk == request.proposed_by_organisation_id or _licensor_side(contract, side) == _licensor_side(
            contract, request.proposed_by_organisation
        ):
            raise Forbidden("终止申请须由合同另一方答复", code="ending_same_side")
        if request.status != EndingRequest.Status.OPEN:
            raise IllegalTransition(f"该终止申请已{request.get_status_display()}，不能再答复", code="ending_already_answered")
        request.answered_by, request.answered_at, request.answer = actor, timezone.now(), text
        if accept:
            request.status = EndingRequest.Status.ACCEPTED
            request.save(update_fields=["status", "answered_by", "answered_at", "answer"])
            move(
                contract,
                E.ACCEPT_NOTICE if request.kind == EndingRequest.Kind.NOTICE else E.END_BY_AGREEMENT,
                actor=actor,
                reason=f"{side.name}同意{request.get_kind_display()}：{request.grounds}",
                payload={"ending_request": request.pk},
                also={"ended_at": timezone.now()},
                notices=[tell_parties(kind="contracts.ended", title=f"合同已终止：{contract.title}", body=request.grounds)],
            )
        else:
            request.status = (
                EndingRequest.Status.OBJECTED if request.kind == EndingRequest.Kind.NOTICE else EndingRequest.Status.DECLINED
            )
            request.save(update_fields=["status", "answered_by", "answered_at", "answer"])
            record(
                contract,
                E.OBJECT_TO_NOTICE if request.kind == EndingRequest.Kind.NOTICE else E.DECLINE_ENDING,
                actor=actor,
                reason=f"{side.name}{request.get_status_display()}：{text}",
                ending_request=request.pk,
            )
            notify_parties(
                contract, kind="contracts.ending_answered", title=f"对方不同意终止：{contract.title}", body=text, exclude=actor
            )
    return request


def ending_withdraw(*, actor: Actor, request: EndingRequest) -> EndingRequest:
    with transaction.atomic():
        contract = Contract.objects.select_for_update().get(pk=request.contract_id)
        request = EndingRequest.objects.select_for_update().get(pk=request.pk)
        side = _side(actor, contract)
        if side.pk != request.proposed_by_organisation_id:
            raise Forbidden("只有提出方可以撤回终止申请", code="forbidden")
        if request.status != EndingRequest.Status.OPEN:
            raise IllegalTransition("该终止申请已答复，不能撤回", code="ending_already_answered")
        request.status = EndingRequest.Status.WITHDRAWN
        request.answered_at = timezone.now()
        request.save(update_fields=["status", "answered_at"])
        record(contract, E.WITHDRAW_ENDING, actor=actor, reason="撤回终止申请", ending_request=request.pk)
    return request


def notices_due(day: dt.date) -> QuerySet[EndingRequest]:
    return EndingRequest.objects.filter(
        kind=EndingRequest.Kind.NOTICE, status=EndingRequest.Status.OPEN, effective_on__lte=day
    ).select_related("contract")


def notices_take_effect(day: dt.date) -> int:
    """Notices whose period passed without an answer end their contract (the daily job)."""
    ended = 0
    for request in notices_due(day):
        with transaction.atomic():
            contract = Contract.objects.select_for_update().get(pk=request.contract_id)
            locked = EndingRequest.objects.select_for_update().get(pk=request.pk)
            if locked.status != EndingRequest.Status.OPEN or contract.status not in LIVE:
                continue
            locked.status = EndingRequest.Status.EFFECTIVE
            locked.answered_at = timezone.now()
            locked.save(update_fields=["status", "answered_at"])
            move(
                contract,
                E.NOTICE_TAKES_EFFECT,
                actor=None,
                reason=f"终止通知期满，对方未提出异议：{locked.grounds}",
                payload={"ending_request": locked.pk},
                also={"ended_at": timezone.now()},
                notices=[
                    tell_parties(kind="contracts.ended", title=f"终止通知期满，合同已终止：{contract.title}", body=locked.grounds)
                ],
            )
        ended += 1
    return ended
