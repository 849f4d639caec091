"""The engagement (对接) lifecycle (docs/domain.md, "Lifecycles"), declared for the workflow
kernel (usefirst/core/workflow.py).

An intent is accepted (→ talking) or declined with a reason by the side it was addressed to, or
withdrawn by the side that made it; talks end in agreement, which takes both sides (one
proposes, the other confirms), or are closed by either side. Agreed hands over to the contracts
workflow; the ended states are final. Only the two parties act (the chokepoint's CHANGE); an
intent is answered only by the party it was addressed to, and the other rules on who may take a
step are guards with their own codes.

Proposing a facilitator agency and attaching it once both sides confirmed are steps within a
state, written with ``workflow.record``.
"""

from __future__ import annotations

from django.db import models

from usefirst.accounts import roles
from usefirst.core import workflow
from usefirst.core.actors import Visitor
from usefirst.core.errors import Forbidden, IllegalTransition
from usefirst.core.permissions import Action, can

from .choices import ENDED_STATUSES, OPEN_STATUSES, EngagementStatus, Side
from .models import Engagement, EngagementEvent

S = EngagementStatus
PARTIES_ONLY = ("forbidden", "只有对接双方可以执行此操作")


class EngagementEventType(models.TextChoices):
    INTENT = "intent", "提出对接意向"
    ACCEPT = "accept", "接受意向，进入洽谈"
    DECLINE = "decline", "婉拒"
    WITHDRAW = "withdraw", "撤回意向"
    CLOSE = "close", "关闭对接"
    PROPOSE_AGREEMENT = "propose_agreement", "提出达成一致"
    CONFIRM_AGREEMENT = "confirm_agreement", "确认达成一致"
    PROPOSE_FACILITATOR = "propose_facilitator", "提议服务机构"
    ATTACH_FACILITATOR = "attach_facilitator", "双方确认服务机构"


def sides_of(user: Visitor, engagement: Engagement) -> set[str]:
    """The sides of the engagement the user belongs to (a person may serve both organisations)."""
    own = roles.organisation_ids(user)
    sides = set()
    if engagement.enterprise_id in own:
        sides.add(Side.ENTERPRISE.value)
    if engagement.unit_id in own:
        sides.add(Side.UNIT.value)
    return sides


def _responder(actor: Visitor, engagement: Engagement) -> bool:
    """An intent is answered by the party it was addressed to, never by the one that made it."""
    return can(actor, Action.CHANGE, engagement) and engagement.responder_side in sides_of(actor, engagement)


# ---------------------------------------------------------------- guards
# A guard asked without an actor (`workflow.possible`) looks at the state only.


def _initiator_withdraws(engagement: Engagement, actor: Visitor | None) -> bool:
    # The side an unanswered intent was addressed to answers it by declining, with a reason.
    return actor is None or engagement.initiator_side in sides_of(actor, engagement)


INITIATOR_WITHDRAWS = workflow.Guard(
    "initiator_withdraws",
    "decline_instead",
    "尚未答复的对接意向请选择“婉拒”并说明原因",
    _initiator_withdraws,
    error=IllegalTransition,
)


def _one_side(what: str) -> workflow.Guard:
    """Agreement takes two organisations, not one person serving both."""
    return workflow.Guard(
        "one_side",
        "both_sides",
        f"您同时属于对接双方机构，不能独自{what}",
        lambda engagement, actor: actor is None or len(sides_of(actor, engagement)) <= 1,
        error=Forbidden,
    )


NOT_YET_PROPOSED = workflow.Guard(
    "not_yet_proposed",
    "agreement_pending",
    "已有一方提出达成一致，等待另一方确认",
    lambda engagement, actor: not engagement.agreement_proposed_side,
    error=IllegalTransition,
)
# Confirming needs a proposal; the move is taken in talking, so the refusal names that state.
PROPOSED = workflow.Guard(
    "proposed",
    "illegal_transition",
    "对接当前状态为“洽谈中”，不能确认达成一致",
    lambda engagement, actor: bool(engagement.agreement_proposed_side),
    error=IllegalTransition,
)
OTHER_SIDE_CONFIRMS = workflow.Guard(
    "other_side_confirms",
    "wrong_side",
    "达成一致须由另一方确认",
    lambda engagement, actor: actor is None or bool(sides_of(actor, engagement) - {engagement.agreement_proposed_side}),
    error=Forbidden,
)


ENGAGEMENT = workflow.register(
    workflow.Workflow(
        name="matchmaking.engagement",
        model=Engagement,
        states=EngagementStatus,
        event_model=EngagementEvent,
        event_types=EngagementEventType,
        noun="对接",
        groups=(
            workflow.StateGroup("open", "进行中", OPEN_STATUSES),
            workflow.StateGroup("agreed", "已达成一致", frozenset({S.AGREED})),
            workflow.StateGroup("ended", "已结束", ENDED_STATUSES),
        ),
        transitions=(
            workflow.Transition(
                "accept",
                S.INTENT,
                S.TALKING,
                "接受",
                permission=_responder,
                forbidden=("wrong_side", "只有对接意向的接收方可以接受"),
            ),
            workflow.Transition(
                "decline",
                S.INTENT,
                S.DECLINED,
                "婉拒",
                permission=_responder,
                forbidden=("wrong_side", "只有对接意向的接收方可以婉拒"),
            ),
            workflow.Transition(
                "withdraw",
                S.INTENT,
                S.WITHDRAWN,
                "撤回",
                permission=Action.CHANGE,
                forbidden=PARTIES_ONLY,
                guards=(INITIATOR_WITHDRAWS,),
            ),
            workflow.Transition(
                "close",
                S.TALKING,
                S.CLOSED,
                "关闭",
                permission=Action.CHANGE,
                forbidden=PARTIES_ONLY,
            ),
            # A step within talking: the proposal waits for the other side's confirmation.
            workflow.Transition(
                "propose_agreement",
                S.TALKING,
                S.TALKING,
                "提出达成一致",
                permission=Action.CHANGE,
                forbidden=PARTIES_ONLY,
                guards=(_one_side("提出达成一致"), NOT_YET_PROPOSED),
            ),
            workflow.Transition(
                "confirm_agreement",
                S.TALKING,
                S.AGREED,
                "确认达成一致",
                permission=Action.CHANGE,
                forbidden=PARTIES_ONLY,
                guards=(
                    _one_side("确认达成一致"),
                    PROPOSED,
                    OTHER_SIDE_CONFIRMS,
                ),
            ),
        ),
    )
)
