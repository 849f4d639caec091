"""Who sees and moves typical cases. A published case is public; a draft is seen by the parties
of its contract, the author's department and the province. The author's members change it; the
author's reviewing department (not the author itself) reviews it."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from usefirst.accounts import roles
from usefirst.core.actors import Visitor
from usefirst.core.permissions import Action, register

from .choices import CaseStatus
from .models import Case


def _involved(user: Visitor) -> Q:
    mine = roles.organisation_ids(user)
    return (
        Q(author_id__in=mine)
        | Q(contract__licensor_id__in=mine)
        | Q(contract__licensee_id__in=mine)
        | Q(author__reviewing_department_id__in=roles.department_ids(user))
    )


@register(Case)
class CasePolicy:
    def scope(self, user: Visitor, action: Action, queryset: QuerySet[Any]) -> QuerySet[Any]:
        provincial = roles.is_provincial_staff(user)
        if action == Action.VIEW:
            return queryset if provincial else queryset.filter(Q(status=CaseStatus.PUBLISHED) | _involved(user))
        if action == Action.HISTORY:
            return queryset if provincial else queryset.filter(_involved(user))
        if action == Action.CHANGE:
            return queryset.filter(author_id__in=roles.organisation_ids(user))
        if action == Action.REVIEW:
            mine = roles.organisation_ids(user)
            reviewers = Q(author__reviewing_department_id__in=roles.department_ids(user))
            if provincial:
                reviewers |= Q(pk__isnull=False)
            return queryset.filter(reviewers).exclude(author_id__in=mine)
        if action == Action.ADMINISTER:
            return queryset if provincial else queryset.none()
        return queryset.none()
