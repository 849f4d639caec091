"""Who sees and acts on recognition rows (registered with the core chokepoint).

Applications: the provincial department sees and reviews all; the owner unit sees and edits
its own; a superior department sees those of its subordinate units. Recognitions: the public
sees the live ones (the public list); the provincial department all. Misconduct records: the
provincial department; the subject its own. Objections: the provincial department; the
objector his own.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from usefirst.accounts import roles
from usefirst.core.permissions import Action, register

from .models import MisconductRecord, Objection, Recognition, RecognitionApplication


@register(RecognitionApplication)
class ApplicationPolicy:
    def scope(self, user: Any, action: Action, queryset: QuerySet[Any]) -> QuerySet[Any]:
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
    def scope(self, user: Any, action: Action, queryset: QuerySet[Any]) -> QuerySet[Any]:
        provincial = roles.is_provincial_staff(user)
        if action == Action.VIEW:
            return queryset if provincial else queryset.filter(revoked_at__isnull=True)
        return queryset if provincial else queryset.none()


@register(MisconductRecord)
class MisconductPolicy:
    def scope(self, user: Any, action: Action, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if not getattr(user, "is_authenticated", False):
            return queryset.none()
        if roles.is_provincial_staff(user):
            return queryset
        if action in (Action.VIEW, Action.CHANGE):
            return queryset.filter(Q(subject_organisation_id__in=roles.organisation_ids(user)) | Q(subject_person__user=user))
        return queryset.none()


@register(Objection)
class ObjectionPolicy:
    def scope(self, user: Any, action: Action, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if not getattr(user, "is_authenticated", False):
            return queryset.none()
        if roles.is_provincial_staff(user):
            return queryset
        if action == Action.VIEW:
            return queryset.filter(submitted_by=user)
        return queryset.none()
