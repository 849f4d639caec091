"""The contract lifecycle (docs/domain.md, "Lifecycles", "Ending a contract"), declared for the
workflow kernel (usefirst/core/workflow.py).

drafted → signing (a first party signed; each further party signs in that state) → signed once
every party has signed, or straight into free_use when its first day has come; signed → free_use
on that day (the daily job) → awaiting_next_step the day after its last day (the daily job) →
next_step_agreed (a proposal accepted, or a signed follow-on contract) → ended. A draft that no
party has signed can be cancelled. A live contract ends in one step during its free-use period,
otherwise by agreement, by a notice the other side accepts, or by a notice whose period passed.
"""

from __future__ import annotations

from django.db import models

from usefirst.accounts import roles
from usefirst.core import workflow
from usefirst.core.actors import Visitor
from usefirst.core.dates import today
from usefirst.core.errors import IllegalTransition
from usefirst.core.permissions import Action

from .models import Contract, ContractEvent, ContractKind, ContractStatus

S = ContractStatus
LIVE = frozenset({S.SIGNED, S.FREE_USE, S.AWAITING_NEXT_STEP, S.NEXT_STEP_AGREED})


class ContractEventType(models.TextChoices):
    DRAFT = "draft", "起草合同"
    SIGN = "sign", "一方签署"
    COMPLETE_SIGNING = "complete_signing", "各方签署完成"
    COMPLETE_INTO_FREE_USE = "complete_into_free_use", "各方签署完成，进入免费使用期"
    START_FREE_USE = "start_free_use", "免费使用期开始"
    EXPIRE_FREE_USE = "expire_free_use", "免费使用期届满"
    PROPOSE_NEXT_STEP = "propose_next_step", "提出后续安排"
    COUNTER_NEXT_STEP = "counter_next_step", "提出修改意见（还价）"
    AGREE_NEXT_STEP = "agree_next_step", "商定后续安排"
    FOLLOW_ON_SIGNED = "follow_on_signed", "后续合同签署完成"
    ESCALATE = "escalate", "逾期未商定后续安排，升级提醒"
    CANCEL = "cancel", "撤销合同"
    END = "end", "终止合同"
    PROPOSE_ENDING = "propose_ending", "提出协商终止"
    GIVE_NOTICE = "give_notice", "发出终止通知"
    DECLINE_ENDING = "decline_ending", "不同意协商终止"
    OBJECT_TO_NOTICE = "object_to_notice", "对终止通知提出异议"
    WITHDRAW_ENDING = "withdraw_ending", "撤回终止申请"
    END_BY_AGREEMENT = "end_by_agreement", "协商一致终止"
    ACCEPT_NOTICE = "accept_notice", "同意终止通知，合同终止"
    NOTICE_TAKES_EFFECT = "notice_takes_effect", "终止通知期满，合同终止"


E = ContractEventType


def may_sign(actor: Visitor, contract: Contract) -> bool:
    """A signatory of one of the contract's parties: a member with the right to sign for a party
    organisation, or the person who is a party (an inventor). Whether that party has signed yet
    is the signing service's concern."""
    if not getattr(actor, "is_authenticated", False):
        return False
    signer_orgs = set(roles.active_memberships(actor).filter(can_sign=True).values_list("organisation_id", flat=True))
    return contract.parties.filter(models.Q(organisation_id__in=signer_orgs) | models.Q(person__user_id=actor.pk)).exists()


def _some_party_unsigned(contract: Contract, actor: Visitor | None) -> bool:
    return contract.parties.filter(signatures__isnull=True).exists()


def _free_use_begun(contract: Contract, actor: Visitor | None) -> bool:
    return bool(contract.kind == ContractKind.FREE_USE_LICENCE and contract.free_use_start and contract.free_use_start <= today())


def _ends_in_one_step(contract: Contract, actor: Visitor | None) -> bool:
    """Raises the refusal with its figures (the notice period) when formal terms apply."""
    from .services.ending import refuse_unless_ends_in_one_step

    refuse_unless_ends_in_one_step(contract)
    return True


SIGNATORY = ("not_a_signer", "您不是该合同任何一方的授权签署人（须在该机构具有“可代表机构签署合同”权限）")
ENDING_PARTY = ("forbidden", "只有合同当事方可以办理终止")

SOME_PARTY_UNSIGNED = workflow.Guard(
    "some_party_unsigned", "illegal_transition", "各方均已签署，合同签署已完成", _some_party_unsigned, error=IllegalTransition
)
ALL_PARTIES_SIGNED = workflow.Guard(
    "all_parties_signed",
    "illegal_transition",
    "尚有当事方未签署",
    lambda contract, actor: not _some_party_unsigned(contract, actor),
    error=IllegalTransition,
)
FREE_USE_BEGUN = workflow.Guard(
    "free_use_begun", "illegal_transition", "免费使用期尚未开始", _free_use_begun, error=IllegalTransition
)
FREE_USE_NOT_BEGUN = workflow.Guard(
    "free_use_not_begun",
    "illegal_transition",
    "免费使用期已开始，签署完成即进入免费使用期",
    lambda contract, actor: not _free_use_begun(contract, actor),
    error=IllegalTransition,
)
NO_SIGNATURE = workflow.Guard(
    "no_signature",
    "illegal_transition",
    "已有当事方签署的合同不能撤销，请使用终止",
    lambda contract, actor: not contract.signatures.exists(),
    error=IllegalTransition,
)
ENDS_IN_ONE_STEP = workflow.Guard(
    "ends_in_one_step",
    "ending_needs_agreement_or_notice",
    "合同已有正式条款或付款计划，不能由一方直接终止：请提出协商终止，或发出终止通知",
    _ends_in_one_step,
)
FOLLOW_ON_SIGNED = workflow.Guard(
    "follow_on_signed",
    "illegal_transition",
    "后续合同尚未签署完成",
    lambda contract, actor: contract.follow_ons.filter(signed_at__isnull=False).exists(),
    error=IllegalTransition,
)

CONTRACT = workflow.register(
    workflow.Workflow(
        name="contracts.contract",
        model=Contract,
        states=ContractStatus,
        event_model=ContractEvent,
        event_types=ContractEventType,
        noun="合同",
        groups=(
            workflow.StateGroup("signing", "签署前", frozenset({S.DRAFTED, S.SIGNING})),
            workflow.StateGroup("in_force", "履行中", LIVE),
            workflow.StateGroup("closed", "已结束", frozenset({S.ENDED, S.CANCELLED})),
        ),
        refusal=lambda contract, step: (
            f"合同当前状态为“{contract.get_status_display()}”，不能变更为“{ContractStatus(step.target).label}”"
        ),
        transitions=(
            workflow.Transition(
                E.SIGN,
                {S.DRAFTED, S.SIGNING},
                S.SIGNING,
                "签署",
                permission=may_sign,
                forbidden=SIGNATORY,
                guards=(SOME_PARTY_UNSIGNED,),
            ),
            workflow.Transition(
                E.COMPLETE_SIGNING,
                {S.DRAFTED, S.SIGNING},
                S.SIGNED,
                "完成签署",
                permission=may_sign,
                forbidden=SIGNATORY,
                guards=(ALL_PARTIES_SIGNED, FREE_USE_NOT_BEGUN),
            ),
            workflow.Transition(
                E.COMPLETE_INTO_FREE_USE,
                {S.DRAFTED, S.SIGNING},
                S.FREE_USE,
                "完成签署",
                permission=may_sign,
                forbidden=SIGNATORY,
                guards=(ALL_PARTIES_SIGNED, FREE_USE_BEGUN),
            ),
            # The daily job picks the contracts whose day has come (it may run for a given date).
            workflow.Transition(E.START_FREE_USE, S.SIGNED, S.FREE_USE, "开始免费使用期", permission=workflow.SYSTEM),
            workflow.Transition(
                E.EXPIRE_FREE_USE, S.FREE_USE, S.AWAITING_NEXT_STEP, "结束免费使用期", permission=workflow.SYSTEM
            ),
            workflow.Transition(
                E.AGREE_NEXT_STEP,
                {S.FREE_USE, S.AWAITING_NEXT_STEP},
                S.NEXT_STEP_AGREED,
                "商定后续安排",
                permission=Action.CHANGE,
                forbidden=("forbidden", "只有合同当事方可以接受后续安排"),
            ),
            workflow.Transition(
                E.FOLLOW_ON_SIGNED,
                {S.FREE_USE, S.AWAITING_NEXT_STEP},
                S.NEXT_STEP_AGREED,
                "商定后续安排",
                permission=Action.CHANGE,
                guards=(FOLLOW_ON_SIGNED,),
            ),
            workflow.Transition(
                E.CANCEL, {S.DRAFTED, S.SIGNING}, S.CANCELLED, "撤销", permission=Action.CHANGE, guards=(NO_SIGNATURE,)
            ),
            workflow.Transition(
                E.END,
                LIVE,
                S.ENDED,
                "终止",
                permission=Action.CHANGE,
                forbidden=("forbidden", "只有合同当事方可以终止合同"),
                guards=(ENDS_IN_ONE_STEP,),
            ),
            workflow.Transition(E.END_BY_AGREEMENT, LIVE, S.ENDED, "协商终止", permission=Action.CHANGE, forbidden=ENDING_PARTY),
            workflow.Transition(E.ACCEPT_NOTICE, LIVE, S.ENDED, "同意终止通知", permission=Action.CHANGE, forbidden=ENDING_PARTY),
            workflow.Transition(E.NOTICE_TAKES_EFFECT, LIVE, S.ENDED, "终止通知生效", permission=workflow.SYSTEM),
        ),
    )
)
