"""Who may see and act on the performance record's stored rows (the core chokepoint).

The record itself is not a row: `selectors.may_view_record` answers who may read it — the
enterprise's own members, and the members of an organisation the enterprise has named in an
active consent. Nobody else, the provincial department included: sharing is the enterprise's
choice (issue 14, item 6).

Consents: VIEW and HISTORY by the enterprise's members and the grantee's members; CHANGE
(revoking) by the enterprise's members. Statements: VIEW by whoever may read the record.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from usefirst.accounts import roles
from usefirst.core.actors import Visitor
from usefirst.core.permissions import Action, register

from .choices import ConsentStatus
from .models import Consent, Statement


@register(Consent)
class ConsentPolicy:
    def scope(self, user: Visitor, action: Action, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if not getattr(user, "is_authenticated", False):
            return queryset.none()
        own = roles.organisation_ids(user)
        if action in (Action.VIEW, Action.HISTORY):
            return queryset.filter(Q(enterprise_id__in=own) | Q(grantee_id__in=own))
        if action == Action.CHANGE:
            return queryset.filter(enterprise_id__in=own)
        return queryset.none()


@register(Statement)
class StatementPolicy:
    def scope(self, user: Visitor, action: Action, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if not getattr(user, "is_authenticated", False):
            return queryset.none()
        own = roles.organisation_ids(user)
        if action == Action.VIEW:
            shared = Consent.objects.filter(grantee_id__in=own, status=ConsentStatus.ACTIVE).values("enterprise_id")
            return queryset.filter(Q(enterprise_id__in=own) | Q(enterprise_id__in=shared))
        if action == Action.CHANGE:
            return queryset.filter(enterprise_id__in=own)
        return queryset.none()
