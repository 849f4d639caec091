"""Who sees and moves recommendation batches (registered with the core chokepoint).

The recommending organisation sees its batches and may withdraw one awaiting review; the
reviewing department (the city's department, or the province) sees and reviews those sent to it;
provincial staff see all. Nobody reviews a batch of their own organisation.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from usefirst.accounts import roles
from usefirst.core.actors import Visitor
from usefirst.core.permissions import Action, register

from .models import RecommendationBatch


@register(RecommendationBatch)
class RecommendationBatchPolicy:
    def scope(self, user: Visitor, action: Action, queryset: QuerySet[Any]) -> QuerySet[Any]:
        mine = roles.organisation_ids(user)
        if action in (Action.VIEW, Action.HISTORY):
            if roles.is_provincial_staff(user):
                return queryset
            return queryset.filter(Q(recommender_id__in=mine) | Q(reviewer_id__in=roles.department_ids(user)))
        if action == Action.CHANGE:
            return queryset.filter(recommender_id__in=mine)
        if action == Action.REVIEW:
            return queryset.filter(reviewer_id__in=roles.department_ids(user)).exclude(recommender_id__in=mine)
        return queryset.none()
