"""Who sees and moves annual reports and rectification cases (registered with the core chokepoint).

Reports: the reporting organisation's members see and edit their own; its supervising
department (the report's `department`, fixed when the report is started) sees and reviews them;
the provincial department sees every report and countersigns (复核, `Action.ADMINISTER`) what a
department accepted. Nobody reviews or countersigns their own organisation's report.

Rectification cases: the unit's members see theirs and submit the plan; the department that
opened the case (a city or the province) notifies, verifies, returns and closes it; the
provincial department sees and may act on every case.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from usefirst.accounts import roles
from usefirst.core.actors import Visitor
from usefirst.core.permissions import Action, register

from .models import AnnualReport, RectificationCase


@register(AnnualReport)
class AnnualReportPolicy:
    def scope(self, user: Visitor, action: Action, queryset: QuerySet[Any]) -> QuerySet[Any]:
        mine = roles.organisation_ids(user)
        if action in (Action.VIEW, Action.HISTORY):
            if roles.is_provincial_staff(user):
                return queryset
            return queryset.filter(Q(organisation_id__in=mine) | Q(department_id__in=roles.department_ids(user)))
        if action == Action.CHANGE:
            return queryset.filter(organisation_id__in=mine)
        if action == Action.REVIEW:
            return queryset.filter(department_id__in=roles.department_ids(user)).exclude(organisation_id__in=mine)
        if action == Action.ADMINISTER and roles.is_provincial_staff(user):
            return queryset.exclude(organisation_id__in=mine)
        return queryset.none()


@register(RectificationCase)
class RectificationCasePolicy:
    def scope(self, user: Visitor, action: Action, queryset: QuerySet[Any]) -> QuerySet[Any]:
        mine = roles.organisation_ids(user)
        provincial = roles.is_provincial_staff(user)
        if action in (Action.VIEW, Action.HISTORY):
            if provincial:
                return queryset
            return queryset.filter(Q(unit_id__in=mine) | Q(opened_by_org_id__in=mine))
        if action == Action.CHANGE:
            return queryset.filter(unit_id__in=mine)
        if action == Action.REVIEW:
            reviewers = queryset if provincial else queryset.filter(opened_by_org_id__in=roles.department_ids(user))
            return reviewers.exclude(unit_id__in=mine)
        return queryset.none()
