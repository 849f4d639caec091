"""Who sees and acts on the 安心屋 and the management systems (registered with the chokepoint).

- A unit's members see their unit's dossiers and deposit into them; an exemption application is
  seen by its applicant and the unit's administrators.
- The unit's reviewing department (its sector department, else the province) sees them and
  determines exemptions and reviews management systems; the provincial department sees all and
  may determine too. Nobody determines for their own organisation.
- The audit office: a person granted the permission ``safehouse.audit_readonly`` sees everything
  here and can change nothing (no organisation role carries it; it is granted per person).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from usefirst.accounts import roles
from usefirst.core.actors import Visitor
from usefirst.core.permissions import Action, register

from .models import Dossier, ExemptionApplication, IncentiveSupport, ManagementSystem

AUDIT_PERMISSION = "safehouse.audit_readonly"


def is_auditor(user: Visitor) -> bool:
    return bool(user.is_authenticated and user.is_active and user.has_perm(AUDIT_PERMISSION))


def _overseers(user: Visitor, unit_path: str) -> Q:
    return Q(**{f"{unit_path}__reviewing_department_id__in": roles.department_ids(user)})


def _reads_all(user: Visitor) -> bool:
    return roles.is_provincial_staff(user) or is_auditor(user)


@register(Dossier)
class DossierPolicy:
    def scope(self, user: Visitor, action: Action, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if action in (Action.VIEW, Action.HISTORY):
            if _reads_all(user):
                return queryset
            return queryset.filter(Q(unit_id__in=roles.organisation_ids(user)) | _overseers(user, "unit"))
        if action == Action.CHANGE:
            return queryset.filter(unit_id__in=roles.organisation_ids(user))
        return queryset.none()


def _determiners(user: Visitor, queryset: QuerySet[Any], unit_path: str) -> QuerySet[Any]:
    mine = roles.organisation_ids(user)
    if roles.is_provincial_staff(user):
        return queryset.exclude(**{f"{unit_path}_id__in": mine})
    return queryset.filter(_overseers(user, unit_path)).exclude(**{f"{unit_path}_id__in": mine})


@register(ExemptionApplication)
class ExemptionPolicy:
    def scope(self, user: Visitor, action: Action, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if action in (Action.VIEW, Action.HISTORY):
            if _reads_all(user):
                return queryset
            return queryset.filter(
                Q(applicant_id=user.pk)
                | Q(dossier__unit_id__in=roles.admin_organisation_ids(user))
                | _overseers(user, "dossier__unit")
            )
        if action == Action.CHANGE:
            return queryset.filter(applicant_id=user.pk)
        if action == Action.REVIEW:
            return _determiners(user, queryset, "dossier__unit")
        return queryset.none()


@register(ManagementSystem)
class ManagementSystemPolicy:
    def scope(self, user: Visitor, action: Action, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if action in (Action.VIEW, Action.HISTORY):
            if _reads_all(user):
                return queryset
            return queryset.filter(Q(unit_id__in=roles.organisation_ids(user)) | _overseers(user, "unit"))
        if action == Action.REVIEW:
            mine = roles.organisation_ids(user)
            return queryset.filter(_overseers(user, "unit")).exclude(unit_id__in=mine)
        return queryset.none()


@register(IncentiveSupport)
class IncentivePolicy:
    def scope(self, user: Visitor, action: Action, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if action in (Action.VIEW, Action.HISTORY):
            if _reads_all(user):
                return queryset
            mine = roles.organisation_ids(user)
            return queryset.filter(Q(unit_id__in=mine) | Q(department_id__in=mine))
        return queryset.none()
