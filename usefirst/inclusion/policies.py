"""Who sees and moves auto-inclusion records and off-platform conversion declarations
(registered with the core chokepoint).

A unit sees its own; its reviewing department sees its units' and reviews their declarations;
the provincial department sees all. Nobody reviews a declaration of their own organisation.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from usefirst.accounts import roles
from usefirst.core.actors import Visitor
from usefirst.core.permissions import Action, register

from .models import AutoInclusion, ConversionDeclaration


def _seen(user: Visitor, queryset: QuerySet[Any]) -> QuerySet[Any]:
    if roles.is_provincial_staff(user):
        return queryset
    return queryset.filter(
        Q(unit_id__in=roles.organisation_ids(user)) | Q(unit__reviewing_department_id__in=roles.department_ids(user))
    )


@register(AutoInclusion)
class AutoInclusionPolicy:
    def scope(self, user: Visitor, action: Action, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if action in (Action.VIEW, Action.HISTORY):
            return _seen(user, queryset)
        return queryset.none()


@register(ConversionDeclaration)
class ConversionDeclarationPolicy:
    def scope(self, user: Visitor, action: Action, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if action in (Action.VIEW, Action.HISTORY):
            return _seen(user, queryset)
        if action == Action.CHANGE:
            return queryset.filter(unit_id__in=roles.organisation_ids(user))
        if action == Action.REVIEW:
            mine = roles.organisation_ids(user)
            return queryset.filter(unit__reviewing_department_id__in=roles.department_ids(user)).exclude(unit_id__in=mine)
        return queryset.none()
