"""Contract reads, already scoped by the chokepoint."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db.models import QuerySet

from usefirst.core.permissions import Action, restrict

from .models import Contract, ContractStatus


def visible_contracts(user: Any) -> QuerySet[Contract]:
    return (
        restrict(Contract.objects.all(), user, Action.VIEW)
        .select_related("licensor", "licensee", "licensor_person", "agency", "template")
        .order_by("-created_at", "-id")
    )


@dataclass(frozen=True)
class InventorSummary:
    number: str
    title: str
    kind: str
    mode: str
    status: str
    licensee: str
    signed_at: Any
    free_use_start: Any
    free_use_end: Any


def inventor_summaries(user: Any) -> list[InventorSummary]:
    """Inventors see a summary of the contracts on their achievements (not the full contract)."""
    person = getattr(user, "person", None) if getattr(user, "is_authenticated", False) else None
    if person is None:
        return []
    contracts = (
        Contract.objects.filter(achievements__achievement__inventors__person=person)
        .exclude(status__in=[ContractStatus.DRAFTED, ContractStatus.CANCELLED])
        .select_related("licensee")
        .distinct()
        .order_by("-created_at")[:200]
    )
    return [
        InventorSummary(
            number=c.number,
            title=c.title,
            kind=c.get_kind_display(),
            mode=c.get_mode_display() if c.mode else "",
            status=c.get_status_display(),
            licensee=c.licensee.name if c.licensee else "",
            signed_at=c.signed_at,
            free_use_start=c.free_use_start,
            free_use_end=c.free_use_end,
        )
        for c in contracts
    ]


def agreed_engagement(user: Any, engagement_id: int) -> Any | None:
    """The seam to matchmaking: an agreed engagement the user may see, if that app is installed.

    Read only; the engagement gives the parties, the achievement and a confirmed agency."""
    if not apps.is_installed("usefirst.matchmaking"):
        return None
    engagement_model = apps.get_model("matchmaking", "Engagement")
    try:
        engagement = restrict(engagement_model.objects.all(), user, Action.VIEW).get(pk=engagement_id)
    except (engagement_model.DoesNotExist, LookupError):
        return None
    return engagement if engagement.status == "agreed" else None
