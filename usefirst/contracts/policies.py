"""Who may see and act on a contract (registered with the core chokepoint).

- VIEW / HISTORY: members of a party organisation (licensor, co-owner units, licensee, the
  attached agency), the inventor-licensor, the owner unit's superior department and the
  provincial department (read-only).
- CHANGE (drafting, signing, proposing the next step): members of the licensor, co-owner or
  licensee organisations, and the inventor-licensor; the agency and departments only read.
- EVIDENCE (the evidence package, `may_take_evidence`): the parties and the provincial
  department.
- Inventors listed on a contract's achievements see its summary through
  `selectors.inventor_summaries`, not the contract itself.

Open patent licences: whoever may see the achievement sees its open licences (the CNIPA
announcement is public); members of the owner unit record and withdraw them.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from usefirst.accounts import roles
from usefirst.core.actors import Visitor
from usefirst.core.permissions import Action, register, restrict

from .models import Contract, ContractTemplate, OpenLicence


def _party_q(org_ids: set[int], user: Visitor) -> Q:
    q = Q(licensor_id__in=org_ids) | Q(licensee_id__in=org_ids) | Q(co_licensors__in=org_ids)
    q |= Q(parties__organisation_id__in=org_ids)
    if getattr(user, "is_authenticated", False):
        q |= Q(licensor_person__user=user) | Q(parties__person__user=user)
    return q


@register(Contract)
class ContractPolicy:
    def scope(self, user: Visitor, action: Action, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if not getattr(user, "is_authenticated", False):
            return queryset.none()
        own = roles.organisation_ids(user)
        if action in (Action.VIEW, Action.HISTORY):
            if roles.is_provincial_staff(user):
                return queryset
            q = _party_q(own, user) | Q(agency_id__in=own)
            q |= Q(licensor__superior_department_id__in=own)
            q |= Q(achievements__achievement__owner__superior_department_id__in=own)
            ids = Contract.objects.filter(q).values("pk")
            return queryset.filter(pk__in=ids)
        if action == Action.CHANGE:
            ids = Contract.objects.filter(_party_q(own, user)).values("pk")
            return queryset.filter(pk__in=ids)
        if action == Action.ADMINISTER and roles.is_provincial_admin(user):
            return queryset
        return queryset.none()


def may_take_evidence(user: Visitor, contract: Contract) -> bool:
    """The evidence package of a contract (证据包): its parties (whoever may act on it) and the
    provincial department; not the agency or a superior department, who only read it."""
    if not getattr(user, "is_authenticated", False):
        return False
    if roles.is_provincial_staff(user):
        return True
    return restrict(Contract.objects.filter(pk=contract.pk), user, Action.CHANGE).exists()


@register(ContractTemplate)
class ContractTemplatePolicy:
    def scope(self, user: Visitor, action: Action, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if action == Action.VIEW:
            if getattr(user, "is_authenticated", False) and roles.is_provincial_staff(user):
                return queryset
            return queryset.filter(status="published")
        if action in (Action.CHANGE, Action.ADMINISTER) and roles.is_provincial_admin(user):
            return queryset
        return queryset.none()


@register(OpenLicence)
class OpenLicencePolicy:
    def scope(self, user: Visitor, action: Action, queryset: QuerySet[Any]) -> QuerySet[Any]:
        from usefirst.catalog.models import Achievement

        if action in (Action.VIEW, Action.HISTORY):
            return queryset.filter(achievement__in=restrict(Achievement.objects.all(), user, Action.VIEW).values("pk"))
        if action == Action.CHANGE and getattr(user, "is_authenticated", False):
            return queryset.filter(achievement__owner_id__in=roles.organisation_ids(user))
        return queryset.none()
