"""Access to engagements (registered with the core chokepoint).

The two parties see and act; the attached facilitator agency and the provincial department
see read-only; everyone else is told the engagement does not exist (404).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from usefirst.accounts import roles
from usefirst.core.actors import Visitor
from usefirst.core.permissions import Action, register

from .models import Engagement


def _party(own: set[int]) -> Q:
    return Q(unit_id__in=own) | Q(enterprise_id__in=own)


@register(Engagement)
class EngagementPolicy:
    def scope(self, user: Visitor, action: Action, queryset: QuerySet[Any]) -> QuerySet[Any]:
        own = roles.organisation_ids(user)
        if action in (Action.VIEW, Action.HISTORY):
            if roles.is_provincial_staff(user):
                return queryset
            return queryset.filter(_party(own) | Q(facilitator_id__in=own))
        if action == Action.CHANGE:
            return queryset.filter(_party(own))
        return queryset.none()
