"""Reads of matchmaking, always scoped through the permission chokepoint."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet

from usefirst.accounts.models import Organisation, OrganisationKind, OrganisationStatus
from usefirst.core.actors import Visitor
from usefirst.core.errors import DomainError
from usefirst.core.permissions import Action, restrict

from . import hooks
from .choices import DeclineReason, EngagementStatus, Side
from .models import Engagement, EngagementEvent, EngagementMessage


def engagement_list(*, user: Visitor, status: str = "") -> QuerySet[Engagement]:
    """The engagements the user may see: their organisations' (as a party or attached
    facilitator), or all of them for provincial staff. An unknown status is an error."""
    status = (status or "").strip()
    if status and status not in EngagementStatus.values:
        raise DomainError(f"筛选条件“状态”的取值无效：{status}", code="invalid_filter", field_errors={"status": ["取值无效"]})
    queryset = restrict(Engagement.objects.all(), user, Action.VIEW).select_related(
        "unit", "enterprise", "achievement", "demand", "facilitator"
    )
    if status:
        queryset = queryset.filter(status=status)
    return queryset.order_by("-updated_at", "-id")


def agreed_engagement(*, user: Visitor, engagement_id: int) -> Engagement | None:
    """An agreed engagement the user may see, or None: what a contract may be drafted from."""
    return (
        restrict(Engagement.objects.all(), user, Action.VIEW)
        .filter(pk=engagement_id, status=EngagementStatus.AGREED)
        .select_related("unit", "enterprise", "achievement", "demand", "facilitator")
        .first()
    )


def engagement_events(*, engagement: Engagement) -> QuerySet[EngagementEvent]:
    return engagement.events.select_related("actor").order_by("at", "id")


def engagement_messages(*, engagement: Engagement) -> QuerySet[EngagementMessage]:
    return engagement.messages.select_related("author").order_by("-created_at", "-id")


def open_engagement_for(*, organisation: Organisation | None, achievement: Any = None, demand: Any = None) -> Engagement | None:
    """The organisation's open intent on this item, if any (the detail pages link to it)."""
    if organisation is None:
        return None
    open_ = Engagement.objects.filter(status__in=[EngagementStatus.INTENT, EngagementStatus.TALKING])
    if achievement is not None:
        return open_.filter(initiator_side=Side.ENTERPRISE, enterprise=organisation, achievement=achievement).first()
    return open_.filter(initiator_side=Side.UNIT, unit=organisation, demand=demand).first()


def agencies() -> QuerySet[Organisation]:
    return Organisation.objects.filter(kind=OrganisationKind.AGENCY, status=OrganisationStatus.ACTIVE).order_by("name")


@dataclass
class ReasonRow:
    reason: str
    label: str
    received: int
    given: int


@dataclass
class DeclineSummary:
    rows: list[ReasonRow]
    received_total: int
    given_total: int
    received_details: list[Engagement]


def _count_by_reason(queryset: QuerySet[Engagement]) -> dict[str, int]:
    rows = queryset.order_by().values("decline_reason").annotate(n=Count("id")).values_list("decline_reason", "n")
    return dict(rows)


def decline_summary(*, organisation: Organisation) -> DeclineSummary:
    """Why the organisation's intents were declined (received), and why it declined others'
    (given), counted by structured reason. The caller must be a member of the organisation."""
    declined = Engagement.objects.filter(status=EngagementStatus.DECLINED)
    as_initiator = Q(initiator_side=Side.ENTERPRISE, enterprise=organisation) | Q(initiator_side=Side.UNIT, unit=organisation)
    as_responder = Q(initiator_side=Side.ENTERPRISE, unit=organisation) | Q(initiator_side=Side.UNIT, enterprise=organisation)
    received = _count_by_reason(declined.filter(as_initiator))
    given = _count_by_reason(declined.filter(as_responder))
    rows = [ReasonRow(r.value, str(r.label), received.get(r.value, 0), given.get(r.value, 0)) for r in DeclineReason]
    details = list(
        declined.filter(as_initiator)
        .exclude(decline_detail="")
        .select_related("unit", "enterprise", "achievement", "demand")
        .order_by("-updated_at", "-id")[:20]
    )
    return DeclineSummary(
        rows=rows, received_total=sum(received.values()), given_total=sum(given.values()), received_details=details
    )


def deal_stages(engagements: list[Engagement]) -> dict[int, str]:
    """Where each agreed engagement's deal stands, from its contracts (the contracts are the one
    record of signing; the engagement keeps no copy that could drift): 已签订合同 once one of its
    contracts is signed, 合同签署中 while one is drafted or being signed, else its own status."""
    agreed = [e.pk for e in engagements if e.status == EngagementStatus.AGREED]
    found = hooks.contract_stages.ask(agreed) if agreed else {}
    stages: dict[int, str] = {}
    for engagement in engagements:
        stage = found.get(engagement.pk)
        if stage == hooks.SIGNED:
            stages[engagement.pk] = "已签订合同"
        elif stage == hooks.SIGNING:
            stages[engagement.pk] = "已达成一致（合同签署中）"
        else:
            stages[engagement.pk] = engagement.get_status_display()
    return stages
