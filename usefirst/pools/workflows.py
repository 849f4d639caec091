"""The lifecycle of a pool entry, declared for the workflow kernel.

Entry: proposed by a member enterprise or the operator (members vote meanwhile) → admitted or
declined (with reasons) by the operator; the operator may place an achievement directly
(admitted at once, e.g. an auto-included one) and remove an admitted entry.
"""

from __future__ import annotations

from typing import Any

from django.db import models

from usefirst.accounts import roles
from usefirst.core import workflow
from usefirst.core.actors import Visitor

from .choices import EntryStatus
from .models import EntryEvent, PoolEntry

S = EntryStatus


class EntryEventType(models.TextChoices):
    PROPOSE = "propose", "推荐入池"
    PLACE = "place", "运营机构直接入池"
    ADMIT = "admit", "入池"
    DECLINE = "decline", "不予入池"
    REMOVE = "remove", "移出成果池"


def is_operator(actor: Visitor, entry: Any) -> bool:
    return roles.is_member(actor, entry.pool.operator)


OPERATOR_ONLY = ("not_pool_operator", "只有成果池的运营机构可以决定入池")

ENTRY = workflow.register(
    workflow.Workflow(
        name="pools.entry",
        model=PoolEntry,
        states=EntryStatus,
        event_model=EntryEvent,
        event_types=EntryEventType,
        noun="成果池条目",
        transitions=(
            workflow.Transition("admit", S.PROPOSED, S.ADMITTED, "入池", permission=is_operator, forbidden=OPERATOR_ONLY),
            workflow.Transition("decline", S.PROPOSED, S.DECLINED, "不予入池", permission=is_operator, forbidden=OPERATOR_ONLY),
            workflow.Transition("remove", S.ADMITTED, S.REMOVED, "移出", permission=is_operator, forbidden=OPERATOR_ONLY),
        ),
    )
)
