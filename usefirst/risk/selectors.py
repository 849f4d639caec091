"""Reads of risk products and quotes, already scoped by the chokepoint."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet

from usefirst.contracts import selectors as contract_selectors
from usefirst.contracts.models import Contract
from usefirst.core import workflow
from usefirst.core.actors import Visitor
from usefirst.core.dates import today
from usefirst.core.errors import DomainError
from usefirst.core.money import parse_amount
from usefirst.core.permissions import Action, restrict
from usefirst.finance import selectors as finance_selectors
from usefirst.finance.models import ScheduleLine

from .choices import ClaimStatus, PerformanceRecord, PolicyStatus, ProductStatus
from .models import Claim, CoverPayment, Policy, Product, SubsidyRule
from .quoting import ZERO, DealFacts, Fit, Quote, quote, why_not


def products_of_provider(user: Visitor, provider_ids: set[int]) -> QuerySet[Product]:
    """Every version of the provider's products, newest version of each first."""
    return (
        restrict(Product.objects.all(), user, Action.CHANGE)
        .filter(provider_id__in=provider_ids)
        .select_related("provider")
        .order_by("series", "-version")
    )


def products_waiting_review(user: Visitor) -> QuerySet[Product]:
    return (
        restrict(Product.objects.all(), user, Action.REVIEW)
        .filter(status=ProductStatus.SUBMITTED)
        .select_related("provider")
        .order_by("submitted_at", "id")
    )


def published_products(user: Visitor) -> QuerySet[Product]:
    return (
        restrict(Product.objects.all(), user, Action.VIEW)
        .filter(status=ProductStatus.PUBLISHED)
        .select_related("provider")
        .order_by("product_type", "provider__name", "name")
    )


def versions_of(user: Visitor, product: Product) -> QuerySet[Product]:
    return restrict(Product.objects.all(), user, Action.VIEW).filter(series=product.series).order_by("-version")


def product_history(product: Product) -> list[workflow.HistoryRow]:
    from .workflows import PRODUCT

    return workflow.history(PRODUCT, product.events.select_related("actor"))


def subsidy_rules(user: Visitor) -> list[SubsidyRule]:
    return list(restrict(SubsidyRule.objects.all(), user, Action.VIEW).order_by("-valid_from", "id"))


# ---------------------------------------------------------------- quotes


def _plan_total(contract_ids: tuple[int, ...]) -> Decimal | None:
    amounts = ScheduleLine.objects.filter(plan__contract_id__in=list(contract_ids), waived_at__isnull=True).values_list(
        "amount", flat=True
    )
    found = [a for a in amounts if a is not None]
    return sum(found, ZERO) if found else None


def performance_record(licensee_id: int | None, *, excluding: int, on: dt.date) -> str:
    """The licensee's record of paying under its other signed contracts: a line overdue is a poor
    record, a line paid with none overdue a good one, no line due yet no record."""
    if licensee_id is None:
        return PerformanceRecord.NONE
    states: set[str] = set()
    for contract in contract_selectors.contracts_of_licensee(licensee_id).exclude(pk=excluding):
        states |= {row.state for row in finance_selectors.schedule(contract, on=on)}
    if finance_selectors.LineState.OVERDUE in states:
        return PerformanceRecord.POOR
    if finance_selectors.LineState.RECEIVED in states:
        return PerformanceRecord.GOOD
    return PerformanceRecord.NONE


def deal_facts(contract: Contract, *, other_subsidies: Decimal = ZERO, on: dt.date | None = None) -> DealFacts:
    """The deal as a quote reads it: the contract's own data (contracts' selectors), the amount it
    states or else the total of its payment plan (and of the licences signed after it), and the
    licensee's record of paying."""
    facts = contract_selectors.contract_facts(contract)
    day = on or today()
    amount, source = facts.price, "合同金额"
    if amount is None or amount == 0:
        amount, source = _plan_total((facts.pk, *facts.follow_on_ids)), "付款计划合计"
    return DealFacts(
        mode=facts.mode,
        amount=amount,
        amount_source=source,
        trl=facts.trl,
        enterprise_size=facts.enterprise_size,
        region=facts.region,
        field_codes=facts.field_codes,
        patents=facts.patents,
        free_use_days=facts.free_use_days,
        record=performance_record(facts.licensee_id, excluding=facts.pk, on=day),
        other_subsidies=other_subsidies,
    )


def parse_other_subsidies(value: object) -> Decimal:
    if value is None or (isinstance(value, str) and not value.strip()):
        return ZERO
    try:
        return parse_amount(value, allow_zero=True, label="其他财政补贴")
    except DomainError as exc:
        raise DomainError(exc.detail, code=exc.code, field_errors={"other_subsidies": [exc.detail]}) from exc


@dataclass
class QuoteSheet:
    contract: Contract
    deal: DealFacts
    quotes: list[Quote]
    not_fitting: list[Fit]
    on: dt.date


def quote_sheet(user: Visitor, contract: Contract, *, other_subsidies: Decimal = ZERO, on: dt.date | None = None) -> QuoteSheet:
    """The published products that fit the contract, each quoted, and those that do not with why.
    The caller has checked that `user` may quote the contract (policies.quotable_contract)."""
    day = on or today()
    deal = deal_facts(contract, other_subsidies=other_subsidies, on=day)
    rules = list(SubsidyRule.objects.order_by("-valid_from", "id"))
    quotes: list[Quote] = []
    not_fitting: list[Fit] = []
    for product in published_products(user):
        reasons = why_not(product, deal)
        if reasons:
            not_fitting.append(Fit(product, reasons))
        else:
            quotes.append(quote(product, deal, rules=rules, on=day))
    quotes.sort(key=lambda q: (q.payable, q.product.name))
    return QuoteSheet(contract=contract, deal=deal, quotes=quotes, not_fitting=not_fitting, on=day)


# ---------------------------------------------------------------- policies and claims


def visible_policies(user: Visitor) -> QuerySet[Policy]:
    return (
        restrict(Policy.objects.all(), user, Action.VIEW)
        .select_related("product", "provider", "insured", "contract")
        .order_by("-applied_at", "-id")
    )


def policies_awaiting_decision(user: Visitor) -> QuerySet[Policy]:
    return restrict(Policy.objects.all(), user, Action.REVIEW).filter(status=PolicyStatus.APPLIED)


def claims_awaiting_provider(user: Visitor) -> QuerySet[Claim]:
    return restrict(Claim.objects.all(), user, Action.REVIEW).filter(
        status__in=[ClaimStatus.DOCUMENTS_COMPLETE, ClaimStatus.ASSESSED]
    )


def claims_awaiting_insured(user: Visitor) -> QuerySet[Claim]:
    """Claims the insured must complete (the platform's offers among them)."""
    return restrict(Claim.objects.all(), user, Action.CHANGE).filter(status=ClaimStatus.OPENED)


def policies_awaiting_insured(user: Visitor) -> QuerySet[Policy]:
    return restrict(Policy.objects.all(), user, Action.CHANGE).filter(status=PolicyStatus.INFO_REQUESTED)


def visible_claims(user: Visitor) -> QuerySet[Claim]:
    return (
        restrict(Claim.objects.all(), user, Action.VIEW)
        .select_related("policy__product", "policy__provider", "policy__insured", "policy__contract")
        .order_by("-opened_at", "-id")
    )


def policy_history(policy: Policy) -> list[workflow.HistoryRow]:
    from .workflows import POLICY

    return workflow.history(POLICY, policy.events.select_related("actor").order_by("at", "pk"))


def claim_history(claim: Claim) -> list[workflow.HistoryRow]:
    from .workflows import CLAIM

    return workflow.history(CLAIM, claim.events.select_related("actor").order_by("at", "pk"))


def cover_payments_of(contract: Contract) -> QuerySet[CoverPayment]:
    return CoverPayment.objects.filter(contract=contract).select_related("line", "claim", "payer", "recourse_against")
