"""Who sees provincial plan projects and import batches (registered with the core chokepoint).

Plan projects: the provincial department sees all; a city department those of its city; a
sector department those of the units it guides; a unit its own. Import batches: the
provincial department sees all; everyone else the batches of their own organisations.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from usefirst.accounts import roles
from usefirst.accounts.models import OrganisationKind
from usefirst.core.actors import Visitor
from usefirst.core.permissions import Action, register

from .models import ImportBatch, PlanProject


def department_scope(user: Visitor) -> tuple[bool, set[str], set[str]]:
    """(is provincial, cities of the user's city departments, sectors of their sector departments)."""
    memberships = roles.active_memberships(user).select_related("organisation")
    provincial = False
    cities: set[str] = set()
    sectors: set[str] = set()
    for membership in memberships:
        org = membership.organisation
        if org.kind == OrganisationKind.PROVINCIAL_DEPARTMENT:
            provincial = True
        elif org.kind == OrganisationKind.CITY_DEPARTMENT:
            cities.add(org.city)
        elif org.kind == OrganisationKind.SECTOR_DEPARTMENT and org.sector:
            sectors.add(org.sector)
    return provincial, cities, sectors


@register(PlanProject)
class PlanProjectPolicy:
    def scope(self, user: Visitor, action: Action, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if action != Action.VIEW:
            return queryset.none()
        provincial, cities, sectors = department_scope(user)
        if provincial:
            return queryset
        condition = Q(unit_id__in=roles.organisation_ids(user))
        if cities:
            condition |= Q(city__in=cities) | Q(unit__city__in=cities)
        if sectors:
            condition |= Q(unit__sector__in=sectors)
        return queryset.filter(condition)


@register(ImportBatch)
class ImportBatchPolicy:
    def scope(self, user: Visitor, action: Action, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if action != Action.VIEW:
            return queryset.none()
        if roles.is_provincial_staff(user):
            return queryset
        return queryset.filter(organisation_id__in=roles.organisation_ids(user))
