"""The hooks matchmaking offers the apps above it, and its answers to those of accounts (usefirst/core/hooks.py)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.urls import reverse

from usefirst.accounts import workspace
from usefirst.core.hooks import Hook

from .choices import EngagementStatus, Side
from .models import Engagement

# What the contracts say of these engagements (their ids): SIGNED once one of an engagement's
# contracts is signed, SIGNING while one is drafted or being signed; no entry without a live
# contract. Contracts answers (contracts/hooks.py).
SIGNED, SIGNING = "signed", "signing"
contract_stages: Hook[[list[int]], dict[int, str]] = Hook("matchmaking.contract_stages")
# The contracts drafted from an engagement that this user may see, oldest first (contracts answers).
engagement_contracts: Hook[[Any, int], list[Any]] = Hook("matchmaking.engagement_contracts")


@workspace.todo_sources.connect
def engagement_todos(desk: workspace.Desk) -> list[workspace.Todo]:
    """The intents the other side sent this unit or enterprise, waiting for its answer."""
    if not (desk.unit or desk.enterprise):
        return []
    organisation = desk.organisation
    to_answer = Engagement.objects.filter(status=EngagementStatus.INTENT).filter(
        Q(unit=organisation, initiator_side=Side.ENTERPRISE) | Q(enterprise=organisation, initiator_side=Side.UNIT)
    )
    url = reverse("matchmaking:my_engagements") + f"?status={EngagementStatus.INTENT}"
    return [workspace.Todo("待答复的对接意向", to_answer.count(), url, rank=30)]
