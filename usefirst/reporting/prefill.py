"""The platform's own figures for a report (the pre-fill and the comparison): what the platform
knows of an organisation's year from contracts (signed that year), confirmed receipts (received
that year, reversals netted), distributions (paid that year), the guidance fund and recognitions
(of that year's batch). Read only, in base units (a count, or 元); a field in 万元 gets the figure
divided by 10,000.

A unit's figures are its own (the licensor of the contract, the owner of the achievement, the
unit of the distribution). A city's figures are those of the owner units located in the city,
and the contracts whose licensee is located there ("landed").
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum

from usefirst.accounts.models import OWNER_UNIT_KINDS, Organisation, OrganisationKind
from usefirst.catalog.choices import IpKind
from usefirst.catalog.models import Achievement
from usefirst.contracts.models import Contract, ContractKind, ContractStatus
from usefirst.finance.models import Distribution, DistributionLine, DistributionStatus, Receipt, ReceiptStatus
from usefirst.recognition.models import Recognition

from .choices import FormKind
from .fields import WAN, fields_of

ZERO = Decimal("0")
PATENTS = (IpKind.INVENTION_PATENT, IpKind.UTILITY_MODEL, IpKind.DESIGN)
CONVERSION_KINDS = (ContractKind.TRANSFER, ContractKind.LICENCE, ContractKind.FREE_USE_LICENCE, ContractKind.EQUITY)


def units_of(organisation: Organisation, form: str) -> QuerySet[Organisation]:
    """The organisations whose facts make up this report: the unit itself, or a city's units."""
    if form == FormKind.CITY:
        return Organisation.objects.filter(city=organisation.city, kind__in=[k.value for k in OWNER_UNIT_KINDS]).exclude(
            kind=OrganisationKind.ENTERPRISE
        )
    return Organisation.objects.filter(pk=organisation.pk)


def signed_contracts(unit_ids: Any, year: int) -> QuerySet[Contract]:
    return Contract.objects.filter(licensor_id__in=unit_ids, signed_at__year=year).exclude(status=ContractStatus.CANCELLED)


def _count(qs: QuerySet[Any]) -> Decimal:
    return Decimal(qs.count())


def _sum(qs: QuerySet[Any], field: str) -> Decimal:
    return qs.aggregate(total=Sum(field))["total"] or ZERO


Figure = Callable[[Organisation, Any, int], Decimal]


def _kind(kinds: tuple[str, ...], *, amount: bool) -> Figure:
    def figure(org: Organisation, unit_ids: Any, year: int) -> Decimal:
        qs = signed_contracts(unit_ids, year).filter(kind__in=kinds)
        return _sum(qs, "price") if amount else _count(qs)

    return figure


def _received(org: Organisation, unit_ids: Any, year: int) -> Decimal:
    return _sum(
        Receipt.objects.filter(contract__licensor_id__in=unit_ids, received_on__year=year, status=ReceiptStatus.CONFIRMED),
        "amount",
    )


def _paid(year: int, unit_ids: Any) -> QuerySet[Distribution]:
    return Distribution.objects.filter(unit_id__in=unit_ids, status=DistributionStatus.PAID, paid_at__year=year)


def _landed(amount: bool) -> Figure:
    def figure(org: Organisation, unit_ids: Any, year: int) -> Decimal:
        qs = Contract.objects.filter(licensee__city=org.city, signed_at__year=year, kind__in=CONVERSION_KINDS).exclude(
            status=ContractStatus.CANCELLED
        )
        return _sum(qs, "price") if amount else _count(qs)

    return figure


FIGURES: dict[str, Figure] = {
    "achievements_registered": lambda o, u, y: _count(Achievement.objects.filter(owner_id__in=u, created_at__year=y)),
    "achievements_with_patent": lambda o, u, y: _count(
        Achievement.objects.filter(owner_id__in=u, created_at__year=y, ip_items__kind__in=PATENTS).distinct()
    ),
    "achievements_fiscal": lambda o, u, y: _count(
        Achievement.objects.filter(owner_id__in=u, created_at__year=y, provincial_funding=True)
    ),
    "transfer_count": _kind((ContractKind.TRANSFER,), amount=False),
    "transfer_amount": _kind((ContractKind.TRANSFER,), amount=True),
    "licence_count": _kind((ContractKind.LICENCE, ContractKind.FREE_USE_LICENCE), amount=False),
    "licence_amount": _kind((ContractKind.LICENCE, ContractKind.FREE_USE_LICENCE), amount=True),
    "free_use_count": _kind((ContractKind.FREE_USE_LICENCE,), amount=False),
    "equity_count": _kind((ContractKind.EQUITY,), amount=False),
    "equity_amount": _kind((ContractKind.EQUITY,), amount=True),
    "development_count": _kind((ContractKind.DEVELOPMENT,), amount=False),
    "development_amount": _kind((ContractKind.DEVELOPMENT,), amount=True),
    "received_amount": _received,
    "net_income": lambda o, u, y: _sum(_paid(y, u), "net_income"),
    "inventors_reward": lambda o, u, y: _sum(_paid(y, u), "inventors_total"),
    "inventors_people": lambda o, u, y: Decimal(
        DistributionLine.objects.filter(distribution__in=_paid(y, u), recipient=DistributionLine.Recipient.INVENTOR).aggregate(
            n=Count("person", distinct=True)
        )["n"]
        or 0
    ),
    "fund_amount": lambda o, u, y: _sum(_paid(y, u), "fund_amount"),
    "recognitions": lambda o, u, y: _count(Recognition.objects.filter(unit_id__in=u, year=y, revoked_at__isnull=True)),
    "city_units": lambda o, u, y: _count(u),
    "city_contracts_landed": _landed(amount=False),
    "city_contracts_landed_amount": _landed(amount=True),
}


def platform_figures(organisation: Organisation, form: str, year: int) -> dict[str, str]:
    """Field key → the platform's figure in the field's unit, as text (only fields that have one)."""
    unit_ids = units_of(organisation, form).values_list("pk", flat=True)
    result: dict[str, str] = {}
    for spec in fields_of(form):
        if not spec.platform:
            continue
        value = FIGURES[spec.platform](organisation, unit_ids, year)
        if spec.unit == WAN:
            value = (value / 10000).quantize(Decimal("0.000001"))
        result[spec.key] = _text(value)
    return result


def _text(value: Decimal) -> str:
    return format(value.normalize(), "f") if value != 0 else "0"


# ---------------------------------------------------------------- the annex lists


def annex_rows(organisation: Organisation, form: str, year: int) -> list[dict[str, Any]]:
    """The rows the platform can give of the three annex lists: the conversion contracts signed
    in the year (科技成果转化清单), the development contracts (技术开发/咨询/服务项目清单), the
    recognised projects (典型科技成果清单)."""
    unit_ids = units_of(organisation, form).values_list("pk", flat=True)
    rows: list[dict[str, Any]] = []
    contracts = (
        signed_contracts(unit_ids, year)
        .filter(kind__in=(*CONVERSION_KINDS, ContractKind.DEVELOPMENT))
        .select_related("licensee")
        .annotate(
            received_total=Sum(
                "receipts__amount", filter=Q(receipts__status=ReceiptStatus.CONFIRMED, receipts__received_on__year=year)
            )
        )
        .order_by("signed_at", "pk")
    )
    for contract in contracts:
        fiscal = contract.achievements.filter(achievement__provincial_funding=True).exists()
        rows.append(
            {
                "annex": "service" if contract.kind == ContractKind.DEVELOPMENT else "conversion",
                "title": contract.title,
                "mode": contract.get_kind_display(),
                "counterparty": contract.licensee.name if contract.licensee else "",
                "amount": (contract.price / 10000).quantize(Decimal("0.000001")) if contract.price is not None else None,
                "received": ((contract.received_total or ZERO) / 10000).quantize(Decimal("0.000001")),
                "fiscal": fiscal,
                "contract": contract,
                "contract_number": contract.number,
            }
        )
    for recognition in Recognition.objects.filter(unit_id__in=unit_ids, year=year, revoked_at__isnull=True).select_related(
        "achievement"
    ):
        rows.append(
            {
                "annex": "typical",
                "title": recognition.achievement.title,
                "mode": recognition.get_mode_display(),
                "counterparty": "",
                "amount": None,
                "received": (recognition.amount_received / 10000).quantize(Decimal("0.000001")),
                "fiscal": recognition.achievement.provincial_funding,
                "contract": None,
                "contract_number": "",
                "note": f"认定编号 {recognition.number}",
            }
        )
    return rows
