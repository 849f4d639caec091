"""Access to finance rows defers to the contract's own policy (usefirst.contracts.policies):
whoever may see a contract sees its plan, schedule and receipts; whoever may act on it may
act on them (the services then check which side they are on).

Distributions are the unit's matter with its inventors: the unit, and departments that may
see the contract, read them; the licensee does not. An inventor sees their own lines.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from usefirst.accounts import roles
from usefirst.contracts.models import Contract
from usefirst.core.actors import Visitor
from usefirst.core.permissions import Action, register, restrict

from .models import Distribution, DistributionLine, GuidanceFundEntry, PaymentPlan, Receipt, RoyaltyReport, ScheduleLine


def _contracts(user: Visitor, action: Action) -> Any:
    return restrict(Contract.objects.all(), user, Action.VIEW if action == Action.HISTORY else action).values("pk")


class _ByContract:
    path = "contract"

    def scope(self, user: Visitor, action: Action, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if action not in (Action.VIEW, Action.HISTORY, Action.CHANGE):
            return queryset.none()
        return queryset.filter(**{f"{self.path}__in": _contracts(user, action)})


@register(PaymentPlan)
class PaymentPlanPolicy(_ByContract):
    path = "contract"


@register(ScheduleLine)
class ScheduleLinePolicy(_ByContract):
    path = "plan__contract"


@register(RoyaltyReport)
class RoyaltyReportPolicy(_ByContract):
    path = "line__plan__contract"


@register(Receipt)
class ReceiptPolicy(_ByContract):
    path = "contract"


def _unit_or_department(user: Visitor, prefix: str = "") -> Q:
    own = roles.organisation_ids(user)
    q = Q(**{f"{prefix}unit_id__in": own})
    if roles.department_ids(user):
        q |= Q(**{f"{prefix}contract__in": _contracts(user, Action.VIEW)})
    return q


@register(Distribution)
class DistributionPolicy:
    def scope(self, user: Visitor, action: Action, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if not getattr(user, "is_authenticated", False):
            return queryset.none()
        if action in (Action.VIEW, Action.HISTORY):
            return queryset.filter(_unit_or_department(user))
        if action == Action.CHANGE:
            return queryset.filter(unit_id__in=roles.organisation_ids(user))
        return queryset.none()


@register(DistributionLine)
class DistributionLinePolicy:
    def scope(self, user: Visitor, action: Action, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if not getattr(user, "is_authenticated", False) or action != Action.VIEW:
            return queryset.none()
        return queryset.filter(_unit_or_department(user, "distribution__") | Q(person__user=user))


@register(GuidanceFundEntry)
class GuidanceFundEntryPolicy:
    def scope(self, user: Visitor, action: Action, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if not getattr(user, "is_authenticated", False):
            return queryset.none()
        if action == Action.VIEW:
            # The province supervises every unit's fund, whichever department reviews the unit
            # (a university is routed to education, yet the province must see its ledger).
            if roles.is_provincial_staff(user):
                return queryset
            return queryset.filter(
                Q(unit_id__in=roles.organisation_ids(user)) | Q(unit_id__in=roles.reviewable_organisation_ids(user))
            )
        if action == Action.CHANGE:
            return queryset.filter(unit_id__in=roles.admin_organisation_ids(user))
        return queryset.none()
