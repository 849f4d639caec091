"""Who sees pools and their entries: anyone sees a pool and its admitted entries; the operator and
the member enterprises see its proposals too."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from usefirst.accounts import roles
from usefirst.core.actors import Visitor
from usefirst.core.permissions import Action, register

from .choices import EntryStatus
from .models import Pool, PoolEntry


@register(Pool)
class PoolPolicy:
    def scope(self, user: Visitor, action: Action, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if action == Action.VIEW:
            return queryset
        if action == Action.CHANGE:
            return queryset.filter(operator_id__in=roles.organisation_ids(user))
        return queryset.none()


@register(PoolEntry)
class PoolEntryPolicy:
    def scope(self, user: Visitor, action: Action, queryset: QuerySet[Any]) -> QuerySet[Any]:
        mine = roles.organisation_ids(user)
        insiders = Q(pool__operator_id__in=mine) | Q(pool__members__in=mine)
        if action == Action.VIEW:
            return queryset.filter(Q(status=EntryStatus.ADMITTED) | insiders).distinct()
        if action == Action.HISTORY:
            return queryset.filter(insiders).distinct()
        return queryset.none()
