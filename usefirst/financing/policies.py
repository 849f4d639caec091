"""Who may see and act on bank financing (registered with the core chokepoint).

Loan products, as risk products: VIEW a published version everyone, every version the bank's
members and the provincial department; CHANGE the bank's members; REVIEW the provincial
department's staff (not for a bank of its own); HISTORY the bank and the province.

Applications: VIEW/HISTORY the applicant's members, the bank's members and the provincial
department; CHANGE (apply, answer a request, withdraw) the applicant's members; REVIEW (the
decision, the pledge, the settlement) the bank's members.

Pledges: VIEW the bank, the pledgor, the owner unit of the achievement whose IP item is pledged
and the provincial department; REVIEW (release) the bank.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from usefirst.accounts import roles
from usefirst.accounts.models import Organisation, OrganisationKind
from usefirst.contracts.models import Contract
from usefirst.core.actors import Visitor
from usefirst.core.errors import Forbidden
from usefirst.core.permissions import Action, get_for_user, register

from .choices import ProductStatus
from .models import LoanApplication, LoanProduct, Pledge


def _signed_in(user: Visitor) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def bank_ids(user: Visitor) -> set[int]:
    """The banks this person works for."""
    if not _signed_in(user):
        return set()
    own = roles.organisation_ids(user)
    return set(Organisation.objects.filter(pk__in=own, kind=OrganisationKind.BANK).values_list("pk", flat=True))


def is_bank_member(user: Visitor, bank_id: int | None) -> bool:
    return bank_id is not None and bank_id in bank_ids(user)


@register(LoanProduct)
class LoanProductPolicy:
    def scope(self, user: Visitor, action: Action, queryset: QuerySet[Any]) -> QuerySet[Any]:
        provincial = _signed_in(user) and roles.is_provincial_staff(user)
        own = bank_ids(user)
        if action == Action.VIEW:
            return queryset if provincial else queryset.filter(Q(status=ProductStatus.PUBLISHED) | Q(bank_id__in=own))
        if action == Action.CHANGE:
            return queryset.filter(bank_id__in=own)
        if action == Action.HISTORY:
            return queryset if provincial else queryset.filter(bank_id__in=own)
        if action == Action.REVIEW and provincial:
            return queryset.exclude(bank_id__in=own)
        return queryset.none()


@register(LoanApplication)
class LoanApplicationPolicy:
    def scope(self, user: Visitor, action: Action, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if not _signed_in(user):
            return queryset.none()
        own = roles.organisation_ids(user)
        if action in (Action.VIEW, Action.HISTORY):
            if roles.is_provincial_staff(user):
                return queryset
            return queryset.filter(Q(applicant_id__in=own) | Q(bank_id__in=own))
        if action == Action.CHANGE:
            return queryset.filter(applicant_id__in=own)
        if action == Action.REVIEW:
            return queryset.filter(bank_id__in=bank_ids(user))
        return queryset.none()


@register(Pledge)
class PledgePolicy:
    def scope(self, user: Visitor, action: Action, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if not _signed_in(user):
            return queryset.none()
        own = roles.organisation_ids(user)
        if action in (Action.VIEW, Action.HISTORY):
            if roles.is_provincial_staff(user):
                return queryset
            return queryset.filter(
                Q(bank_id__in=own) | Q(pledgor_id__in=own) | Q(ip_item__achievement__owner_id__in=own)
            ).distinct()
        if action == Action.REVIEW:
            return queryset.filter(bank_id__in=bank_ids(user))
        return queryset.none()


def is_applicant(user: Visitor, application: LoanApplication) -> bool:
    return _signed_in(user) and application.applicant_id in roles.organisation_ids(user)


def is_lender(user: Visitor, application: LoanApplication) -> bool:
    return is_bank_member(user, application.bank_id)


def party_contract(user: Visitor, pk: int) -> Contract:
    """The contract if this person is one of its parties (those who may change it): 404 when they
    do not see it at all, a coded 403 when they see it without being a party."""
    try:
        return get_for_user(Contract.objects.all(), user, Action.CHANGE, pk=pk)
    except Forbidden:
        raise Forbidden("只有合同当事方可以为本合同申请融资", code="financing_not_party") from None


def contract_parties(contract: Contract) -> list[Organisation]:
    ids = [i for i in (contract.licensor_id, contract.licensee_id) if i is not None]
    return list(Organisation.objects.filter(pk__in=ids).order_by("pk"))
