"""Access policies for achievements and demands (registered with the core chokepoint).

Restricted achievements are never visible to outsiders: not on public pages, listings,
search or the API. Only the owner's members and its reviewing department see them.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from usefirst.accounts import roles
from usefirst.core.actors import Visitor
from usefirst.core.dates import today
from usefirst.core.permissions import Action, register

from .choices import AchievementStatus, DemandStatus
from .models import Achievement, Demand


def _reviewed_owner_ids(user: Visitor) -> Any:
    return roles.reviewable_organisation_ids(user)


@register(Achievement)
class AchievementPolicy:
    def public(self) -> Q:
        return Q(status=AchievementStatus.PUBLISHED, restriction="")

    def scope(self, user: Visitor, action: Action, queryset: QuerySet[Any]) -> QuerySet[Any]:
        own = roles.organisation_ids(user)
        if action == Action.VIEW:
            return queryset.filter(self.public() | Q(owner_id__in=own) | Q(owner_id__in=_reviewed_owner_ids(user)))
        if action == Action.CHANGE:
            return queryset.filter(owner_id__in=own)
        if action == Action.HISTORY:
            return queryset.filter(Q(owner_id__in=own) | Q(owner_id__in=_reviewed_owner_ids(user)))
        if action == Action.REVIEW:
            return queryset.filter(owner_id__in=_reviewed_owner_ids(user)).exclude(owner_id__in=own)
        return queryset.none()


@register(Demand)
class DemandPolicy:
    def public(self) -> Q:
        return Q(status=DemandStatus.PUBLISHED, deadline__gte=today())

    def scope(self, user: Visitor, action: Action, queryset: QuerySet[Any]) -> QuerySet[Any]:
        own = roles.organisation_ids(user)
        if action == Action.VIEW:
            return queryset.filter(self.public() | Q(enterprise_id__in=own) | Q(enterprise_id__in=_reviewed_owner_ids(user)))
        if action == Action.CHANGE:
            return queryset.filter(enterprise_id__in=own)
        if action == Action.HISTORY:
            return queryset.filter(Q(enterprise_id__in=own) | Q(enterprise_id__in=_reviewed_owner_ids(user)))
        if action == Action.REVIEW:
            return queryset.filter(enterprise_id__in=_reviewed_owner_ids(user)).exclude(enterprise_id__in=own)
        return queryset.none()
