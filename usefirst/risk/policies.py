"""Who may see and act on risk products and quotes (registered with the core chokepoint).

Products:
- VIEW: a published version, everyone; every version, the provider's members and the provincial
  department.
- CHANGE (drafting, editing, submitting, withdrawing): the provider's members, while the provider
  is an insurer or a guarantor.
- REVIEW (publishing or returning a submitted version): the provincial department's staff.
- HISTORY: the provider's members and the provincial department.

Subsidy rules: everyone sees them (a quote shows them); provincial administrators administer them.

Quotes are read from a contract: only its parties (those who may change it) and the provincial
department may ask for one (`quotable_contract`); anyone else who sees the contract (its agency,
a superior department) is refused, and one who does not even see it is told it is not there.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from usefirst.accounts import roles
from usefirst.accounts.models import Organisation, OrganisationKind
from usefirst.contracts.models import Contract
from usefirst.core.actors import Visitor
from usefirst.core.errors import Forbidden
from usefirst.core.permissions import Action, can, get_for_user, register

from .choices import ProductStatus
from .models import Claim, Policy, Product, SubsidyRule

PROVIDER_KINDS = (OrganisationKind.INSURER, OrganisationKind.GUARANTOR)


def provider_ids(user: Visitor) -> set[int]:
    """The insurers and guarantors this person works for."""
    own = roles.organisation_ids(user)
    return set(Organisation.objects.filter(pk__in=own, kind__in=PROVIDER_KINDS).values_list("pk", flat=True))


def is_provider_member(user: Visitor, organisation: Organisation) -> bool:
    return organisation.pk in provider_ids(user)


@register(Product)
class ProductPolicy:
    def scope(self, user: Visitor, action: Action, queryset: QuerySet[Any]) -> QuerySet[Any]:
        authenticated = getattr(user, "is_authenticated", False)
        provincial = authenticated and roles.is_provincial_staff(user)
        own = provider_ids(user) if authenticated else set()
        if action == Action.VIEW:
            if provincial:
                return queryset
            return queryset.filter(Q(status=ProductStatus.PUBLISHED) | Q(provider_id__in=own))
        if action == Action.CHANGE:
            return queryset.filter(provider_id__in=own)
        if action == Action.HISTORY:
            return queryset if provincial else queryset.filter(provider_id__in=own)
        if action == Action.REVIEW and provincial:
            return queryset.exclude(provider_id__in=own)
        return queryset.none()


@register(SubsidyRule)
class SubsidyRulePolicy:
    def scope(self, user: Visitor, action: Action, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if action == Action.VIEW:
            return queryset
        if action == Action.ADMINISTER and roles.is_provincial_admin(user):
            return queryset
        return queryset.none()


def may_quote_any(user: Visitor) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and roles.is_provincial_staff(user)


def quotable_contract(user: Visitor, pk: int) -> Contract:
    """The contract if this person may ask for quotes on it: a party (404 when they do not see the
    contract at all, 403 when they see it without being a party) or the provincial department."""
    action = Action.VIEW if may_quote_any(user) else Action.CHANGE
    try:
        return get_for_user(Contract.objects.all(), user, action, pk=pk)
    except Forbidden:
        raise Forbidden("只有合同当事方和省科技厅可以查看该合同的保险与担保报价", code="quote_not_party") from None


def may_quote(user: Visitor, contract: Contract) -> bool:
    return may_quote_any(user) or can(user, Action.CHANGE, contract)


# ---------------------------------------------------------------- policies and claims
#
# Policy (and its claims):
# - VIEW: the insured's members, the provider's members, the contract's parties (the contract
#   page shows its policies and claims) and the provincial department.
# - CHANGE (apply, answer a request for information, record the premium paid, open a claim, add
#   documents): the insured's members.
# - REVIEW (the provider's decisions: issue, decline, ask for information, assess, pay, record
#   the recourse): the provider's members.


def _contract_party_ids(user: Visitor) -> set[int]:
    return roles.organisation_ids(user)


def _policy_scope(user: Visitor, action: Action, queryset: QuerySet[Any], prefix: str) -> QuerySet[Any]:
    if not getattr(user, "is_authenticated", False):
        return queryset.none()
    own = roles.organisation_ids(user)
    if action == Action.VIEW or action == Action.HISTORY:
        if roles.is_provincial_staff(user):
            return queryset
        return queryset.filter(
            Q(**{f"{prefix}insured_id__in": own})
            | Q(**{f"{prefix}provider_id__in": own})
            | Q(**{f"{prefix}contract__licensor_id__in": own})
            | Q(**{f"{prefix}contract__licensee_id__in": own})
        ).distinct()
    if action == Action.CHANGE:
        return queryset.filter(**{f"{prefix}insured_id__in": own})
    if action == Action.REVIEW:
        return queryset.filter(**{f"{prefix}provider_id__in": own})
    return queryset.none()


@register(Policy)
class PolicyPolicy:
    def scope(self, user: Visitor, action: Action, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return _policy_scope(user, action, queryset, "")


@register(Claim)
class ClaimPolicy:
    def scope(self, user: Visitor, action: Action, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return _policy_scope(user, action, queryset, "policy__")


def is_insured(user: Visitor, policy: Policy) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and policy.insured_id in roles.organisation_ids(user)


def is_underwriter(user: Visitor, policy: Policy) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and policy.provider_id in provider_ids(user)


def contract_parties(contract: Contract) -> list[Organisation]:
    """The organisations that may apply for cover on a contract: its licensor unit and licensee."""
    ids = [i for i in (contract.licensor_id, contract.licensee_id) if i is not None]
    return list(Organisation.objects.filter(pk__in=ids).order_by("pk"))


# ---------------------------------------------------------------- dashboards
#
# The risk dashboards (risk/dashboards.py) read policies through this chokepoint:
# - the province's: the provincial department's staff, every policy (VIEW scope);
# - an insurer's or guarantor's: its members, the policies it underwrites only (REVIEW scope,
#   narrowed to the one provider they are working as) — never the ones it is merely a party to.


def may_view_province_dashboard(user: Visitor) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and roles.is_provincial_staff(user)


def dashboard_policies(user: Visitor, provider: Organisation | None) -> QuerySet[Policy]:
    """The policies a dashboard counts: all of them for the province (`provider` None), else the
    provider's own. Refused (403) to anyone else."""
    from usefirst.core.permissions import restrict

    if provider is None:
        if not may_view_province_dashboard(user):
            raise Forbidden("只有省科技厅可以查看全省科技保险与担保看板", code="forbidden")
        return restrict(Policy.objects.all(), user, Action.VIEW)
    if not is_provider_member(user, provider):
        raise Forbidden("只有保险机构和担保机构的成员可以查看本机构的业务看板", code="forbidden")
    return restrict(Policy.objects.all(), user, Action.REVIEW).filter(provider=provider)
