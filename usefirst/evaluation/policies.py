"""Who may see and act on evaluations (registered with the core chokepoint).

Evaluators are the provincial department's staff and the members of a commissioned professional
institution (专业机构): they edit schemes, compute, and answer objections. Only the provincial
department moves an evaluation into publicity (公示) and publishes it.

Evaluations: everyone sees a published one; anyone signed in sees the others too (an agency or a
unit needs the draft to send its self-report), except superseded versions, which only evaluators see.

Results (the breakdown of one organisation):
- evaluators see them all; a city department sees those of organisations in its city; a sector
  department those of its sector's units;
- an organisation sees its own once the evaluation is in publicity or published, and may object;
- the public sees the excellent results of a published evaluation (the excellent list).

Self-reports: the organisation's members (CHANGE), its city department (REVIEW: the pre-review),
and the evaluators (VIEW).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from usefirst.accounts import roles
from usefirst.accounts.models import Membership, OrganisationKind
from usefirst.core.actors import Visitor
from usefirst.core.permissions import Action, register

from .choices import EvaluationStatus, Grade
from .models import Evaluation, Result, SelfReport, TechnologyManager

OUT = (EvaluationStatus.PUBLICITY, EvaluationStatus.PUBLISHED)


def _authenticated(user: Visitor) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def is_institution_member(user: Visitor) -> bool:
    return (
        _authenticated(user)
        and roles.active_memberships(user).filter(organisation__kind=OrganisationKind.PROFESSIONAL_INSTITUTION).exists()
    )


def is_evaluator(user: Visitor) -> bool:
    return _authenticated(user) and (roles.is_provincial_staff(user) or is_institution_member(user))


def is_province(user: Visitor) -> bool:
    return _authenticated(user) and roles.is_provincial_staff(user)


def _department_memberships(user: Visitor) -> list[Membership]:
    return list(
        roles.active_memberships(user)
        .filter(organisation__kind__in=[OrganisationKind.CITY_DEPARTMENT, OrganisationKind.SECTOR_DEPARTMENT])
        .select_related("organisation")
    )


def department_filter(user: Visitor, prefix: str = "organisation__") -> Q | None:
    """The organisations a city or sector department oversees, or None when the person serves none."""
    found: Q | None = None
    for membership in _department_memberships(user):
        org = membership.organisation
        if org.kind == OrganisationKind.CITY_DEPARTMENT:
            q = Q(**{f"{prefix}city": org.city})
        elif org.sector:
            q = Q(**{f"{prefix}sector": org.sector})
        else:
            continue
        found = q if found is None else found | q
    return found


def city_filter(user: Visitor, prefix: str = "organisation__") -> Q | None:
    found: Q | None = None
    for membership in _department_memberships(user):
        org = membership.organisation
        if org.kind == OrganisationKind.CITY_DEPARTMENT:
            q = Q(**{f"{prefix}city": org.city})
            found = q if found is None else found | q
    return found


@register(Evaluation)
class EvaluationPolicy:
    def scope(self, user: Visitor, action: Action, queryset: QuerySet[Any]) -> QuerySet[Any]:
        evaluator = is_evaluator(user)
        if action == Action.VIEW:
            if evaluator:
                return queryset
            if _authenticated(user):
                return queryset.exclude(status=EvaluationStatus.SUPERSEDED)
            return queryset.filter(status=EvaluationStatus.PUBLISHED)
        if action in (Action.CHANGE, Action.HISTORY):
            return queryset if evaluator else queryset.none()
        if action == Action.REVIEW:
            return queryset if is_province(user) else queryset.none()
        return queryset.none()


@register(Result)
class ResultPolicy:
    def scope(self, user: Visitor, action: Action, queryset: QuerySet[Any]) -> QuerySet[Any]:
        public = Q(evaluation__status=EvaluationStatus.PUBLISHED, grade=Grade.EXCELLENT)
        if not _authenticated(user):
            return queryset.filter(public) if action == Action.VIEW else queryset.none()
        own = Q(organisation_id__in=roles.organisation_ids(user), evaluation__status__in=OUT)
        if action == Action.VIEW:
            if is_evaluator(user):
                return queryset
            allowed = public | own
            departments = department_filter(user)
            if departments is not None:
                allowed |= departments & ~Q(evaluation__status=EvaluationStatus.DRAFT)
            return queryset.filter(allowed)
        if action == Action.CHANGE:
            return queryset.filter(own)
        if action == Action.REVIEW:
            return queryset if is_evaluator(user) else queryset.none()
        return queryset.none()


@register(SelfReport)
class SelfReportPolicy:
    def scope(self, user: Visitor, action: Action, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if not _authenticated(user):
            return queryset.none()
        own = Q(organisation_id__in=roles.organisation_ids(user))
        cities = city_filter(user)
        if action == Action.VIEW:
            if is_evaluator(user):
                return queryset
            return queryset.filter(own | cities) if cities is not None else queryset.filter(own)
        if action == Action.CHANGE:
            return queryset.filter(own)
        if action == Action.REVIEW:
            return queryset.filter(cities) if cities is not None else queryset.none()
        return queryset.none()


@register(TechnologyManager)
class TechnologyManagerPolicy:
    """A host agency's members keep its managers; evaluators see every manager."""

    def scope(self, user: Visitor, action: Action, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if not _authenticated(user):
            return queryset.none()
        own = Q(agency_id__in=roles.organisation_ids(user))
        if action == Action.VIEW:
            return queryset if is_evaluator(user) else queryset.filter(own)
        if action == Action.CHANGE:
            return queryset.filter(own)
        return queryset.none()
