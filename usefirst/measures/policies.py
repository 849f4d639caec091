"""Who sees and changes local support measures: anyone sees the published ones; the publisher's
members see and change their own (drafts included); provincial staff see all."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from usefirst.accounts import roles
from usefirst.core.actors import Visitor
from usefirst.core.permissions import Action, register

from .choices import MeasureStatus
from .models import SupportMeasure


@register(SupportMeasure)
class SupportMeasurePolicy:
    def scope(self, user: Visitor, action: Action, queryset: QuerySet[Any]) -> QuerySet[Any]:
        mine = roles.organisation_ids(user)
        if action == Action.VIEW:
            if roles.is_provincial_staff(user):
                return queryset
            return queryset.filter(Q(status=MeasureStatus.PUBLISHED) | Q(publisher_id__in=mine))
        if action in (Action.CHANGE, Action.HISTORY):
            return queryset.filter(publisher_id__in=mine)
        return queryset.none()
