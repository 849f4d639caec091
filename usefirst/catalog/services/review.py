"""The review desk: decisions of a reviewing department on achievements, revisions and demands.

The decisions themselves live next to each lifecycle (achievements.py, demands.py); this
module gives pages and the API one entry point per decision.
"""

from __future__ import annotations

from typing import Any

from usefirst.core.actors import Actor

from ..models import Achievement, AchievementRevision, Demand
from .achievements import (
    achievement_approve,
    achievement_return,
    achievement_revision_approve,
    achievement_revision_return,
)
from .demands import demand_approve, demand_return


def review_decide(*, actor: Actor, subject: Achievement | Demand | AchievementRevision, approve: bool, reason: str = "") -> Any:
    if isinstance(subject, Achievement):
        if approve:
            return achievement_approve(actor=actor, achievement=subject)
        return achievement_return(actor=actor, achievement=subject, reason=reason)
    if isinstance(subject, AchievementRevision):
        if approve:
            return achievement_revision_approve(actor=actor, revision=subject)
        return achievement_revision_return(actor=actor, revision=subject, reason=reason)
    if approve:
        return demand_approve(actor=actor, demand=subject)
    return demand_return(actor=actor, demand=subject, reason=reason)
