"""Who sees and acts on recognition rows (registered with the core chokepoint).

Applications: the provincial department sees and reviews all; the owner unit sees and edits
its own; a superior department sees those of its subordinate units. Recognitions: the public
sees the live ones (the public list); the provincial department all. Misconduct records: the
provincial department; the departments that review the subject; the subject its own. Objections: the provincial department; the
objector his own.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from usefirst.accounts import roles
from usefirst.accounts.models import Organisation, Person
from usefirst.core.actors import Visitor
from usefirst.core.permissions import Action, register

from .models import MisconductRecord, Objection, Recognition, RecognitionApplication


@register(RecognitionApplication)
class ApplicationPolicy:
    def scope(self, user: Visitor, action: Action, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if not getattr(user, "is_authenticated", False):
            return queryset.none()
        provincial = roles.is_provincial_staff(user)
        orgs = roles.organisation_ids(user)
        if action in (Action.VIEW, Action.HISTORY):
            if provincial:
                return queryset
            return queryset.filter(Q(unit_id__in=orgs) | Q(unit__superior_department_id__in=orgs))
        if action == Action.CHANGE:
            return queryset.filter(Q(unit_id__in=orgs) | Q(unit__superior_department_id__in=orgs))
        if action in (Action.REVIEW, Action.ADMINISTER):
            return queryset if provincial else queryset.none()
        return queryset.none()


@register(Recognition)
class RecognitionPolicy:
    def scope(self, user: Visitor, action: Action, queryset: QuerySet[Any]) -> QuerySet[Any]:
        provincial = roles.is_provincial_staff(user)
        if action == Action.VIEW:
            return queryset if provincial else queryset.filter(revoked_at__isnull=True)
        return queryset if provincial else queryset.none()


def _reviewed_by_departments(user: Visitor) -> Q:
    """Records whose subject a department of the user reviews: an organisation it routes
    reviews for or is the superior department of, or a person listed by such an organisation
    (as one of its inventors or on one of its achievements)."""
    departments = roles.department_ids(user)
    if not departments:
        return Q(pk__in=[])
    organisations = Organisation.objects.filter(
        Q(reviewing_department_id__in=departments) | Q(superior_department_id__in=departments)
    ).values("pk")
    persons = Person.objects.filter(
        Q(unit_listings__unit_id__in=organisations) | Q(achievements__achievement__owner_id__in=organisations)
    ).values("pk")
    return Q(subject_organisation_id__in=organisations) | Q(subject_person_id__in=persons)


@register(MisconductRecord)
class MisconductPolicy:
    """VIEW: the provincial department, the subject and the departments that review it.
    REVIEW (shown on the subject's pages, flags): the provincial department and those
    departments only. CHANGE (appeal): the subject."""

    def scope(self, user: Visitor, action: Action, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if not getattr(user, "is_authenticated", False):
            return queryset.none()
        if roles.is_provincial_staff(user):
            return queryset
        subject = Q(subject_organisation_id__in=roles.organisation_ids(user)) | Q(subject_person__user=user)
        if action == Action.VIEW:
            return queryset.filter(subject | _reviewed_by_departments(user))
        if action == Action.REVIEW:
            return queryset.filter(_reviewed_by_departments(user))
        if action == Action.CHANGE:
            return queryset.filter(subject)
        return queryset.none()


@register(Objection)
class ObjectionPolicy:
    def scope(self, user: Visitor, action: Action, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if not getattr(user, "is_authenticated", False):
            return queryset.none()
        if roles.is_provincial_staff(user):
            return queryset
        if action == Action.VIEW:
            return queryset.filter(submitted_by=user)
        return queryset.none()
