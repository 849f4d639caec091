"""Access policies for organisations (registered with the core chokepoint)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from usefirst.core.actors import Visitor
from usefirst.core.permissions import Action, register

from . import roles
from .models import Membership, Organisation, OrganisationStatus, Person


@register(Organisation)
class OrganisationPolicy:
    def scope(self, user: Visitor, action: Action, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if getattr(user, "is_superuser", False) and action == Action.VIEW:
            return queryset
        own = roles.organisation_ids(user)
        if action == Action.VIEW:
            return queryset.filter(Q(status=OrganisationStatus.ACTIVE) | Q(pk__in=own) | Q(pk__in=self._reviewable(user)))
        if action == Action.CHANGE:
            return queryset.filter(pk__in=roles.admin_organisation_ids(user))
        if action in (Action.REVIEW, Action.HISTORY):
            reviewable = self._reviewable(user)
            if action == Action.HISTORY:
                # Provincial administrators suspend and reinstate any organisation, so their
                # directory lists every one and each entry opens its record.
                if roles.is_provincial_admin(user):
                    return queryset
                return queryset.filter(Q(pk__in=own) | Q(pk__in=reviewable))
            # Any membership, whatever the organisation's status, is a conflict of interest:
            # nobody reviews their own organisation, not even while it is still under review.
            return queryset.filter(pk__in=reviewable).exclude(pk__in=self._any_membership(user))
        if action == Action.ADMINISTER:
            return queryset if roles.is_provincial_admin(user) else queryset.none()
        return queryset.none()

    @staticmethod
    def _any_membership(user: Visitor | None) -> Any:
        if user is None or not user.is_authenticated:
            return []
        return Membership.objects.filter(user=user).values_list("organisation_id", flat=True)

    @staticmethod
    def _reviewable(user: Visitor) -> Any:
        return roles.reviewable_organisation_ids(user)


@register(Person)
class PersonPolicy:
    """Inventors are seen by the units that listed them and by the provincial department."""

    def scope(self, user: Visitor, action: Action, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if not getattr(user, "is_authenticated", False):
            return queryset.none()
        if action in (Action.VIEW, Action.HISTORY):
            if roles.is_provincial_staff(user):
                return queryset
            return queryset.filter(unit_listings__unit_id__in=roles.organisation_ids(user)).distinct()
        if action == Action.CHANGE:
            return queryset.filter(unit_listings__unit_id__in=roles.organisation_ids(user)).distinct()
        return queryset.none()
