"""Who sees and moves events, sign-ups and concierges (registered with the core chokepoint).

A published, held or cancelled event is public (the calendar, the booth); a draft only to its
organiser and the provincial department. The organiser's members change the event, review its
sign-ups and check people in; a registrant sees and cancels their own sign-up."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from usefirst.accounts import roles
from usefirst.accounts.models import OrganisationKind
from usefirst.core.actors import Visitor
from usefirst.core.permissions import Action, register

from .choices import EventStatus
from .models import Concierge, Event, Registration

# Who may organise events (the policy's 地市、开发区、孵化器、服务机构, and the province).
ORGANISER_KINDS = frozenset(
    {
        OrganisationKind.CITY_DEPARTMENT,
        OrganisationKind.DEVELOPMENT_ZONE,
        OrganisationKind.INCUBATOR,
        OrganisationKind.AGENCY,
        OrganisationKind.PROVINCIAL_DEPARTMENT,
    }
)
PUBLIC_STATES = (EventStatus.PUBLISHED, EventStatus.HELD, EventStatus.CANCELLED)


def organiser_ids(user: Visitor) -> set[int]:
    return set(
        roles.active_memberships(user)
        .filter(organisation__kind__in=list(ORGANISER_KINDS))
        .values_list("organisation_id", flat=True)
    )


@register(Event)
class EventPolicy:
    def scope(self, user: Visitor, action: Action, queryset: QuerySet[Any]) -> QuerySet[Any]:
        mine = Q(organiser_id__in=organiser_ids(user))
        if action == Action.VIEW:
            if roles.is_provincial_staff(user):
                return queryset
            return queryset.filter(Q(status__in=PUBLIC_STATES) | mine)
        if action == Action.HISTORY:
            return queryset if roles.is_provincial_staff(user) else queryset.filter(mine)
        if action in (Action.CHANGE, Action.REVIEW):
            return queryset.filter(mine)
        return queryset.none()


@register(Registration)
class RegistrationPolicy:
    def scope(self, user: Visitor, action: Action, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if not getattr(user, "is_authenticated", False):
            return queryset.none()
        own = Q(user_id=user.pk)
        organiser = Q(event__organiser_id__in=organiser_ids(user))
        if action in (Action.VIEW, Action.HISTORY):
            return queryset.filter(own | organiser)
        if action == Action.CHANGE:
            return queryset.filter(own)
        if action == Action.REVIEW:
            return queryset.filter(organiser)
        return queryset.none()


@register(Concierge)
class ConciergePolicy:
    def scope(self, user: Visitor, action: Action, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if action == Action.VIEW:
            return queryset
        if action == Action.CHANGE:
            return queryset.filter(Q(organisation_id__in=roles.organisation_ids(user)))
        return queryset.none()
