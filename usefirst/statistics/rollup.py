"""Rebuilding the rollup (`Cell`) from the platform's records: engagements, contracts, confirmed
receipts, paid distributions and recognitions. Run by the worker every hour (tasks.py), by
`manage.py statistics_refresh`, and on the first visit when no rollup exists yet.

Where a deal belongs: its city is the enterprise's (the licensee's, where the technology is
used; the unit's when there is no enterprise), its region that city's (usefirst/core/regions.py),
its technical field the top field of its first achievement (or of the demand it came from), its
unit kind the licensor unit's kind, its source how it reached the platform (an engagement on an
achievement, on a demand, or none).

Only confirmed receipts count as money received (net of their reversals), as everywhere else.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone

from usefirst.contracts.models import FOLLOW_ON_KINDS, Contract, ContractAchievement, ContractKind, ContractStatus
from usefirst.core.dates import today
from usefirst.core.regions import region_of
from usefirst.finance.models import Distribution, DistributionStatus, Receipt
from usefirst.matchmaking.models import Engagement
from usefirst.recognition.models import ApplicationStatus, RecognitionApplication

from .models import Cell, Metric, OpenCell, Refresh, Source

ZERO = Decimal("0")
UNCLASSIFIED = "未分类"
ENDING_WITHIN_DAYS = 90
BATCH = 2000


@dataclass(frozen=True)
class Where:
    city: str
    region: str
    field: str
    mode: str
    unit_kind: str
    source: str
    unit: int | None
    partner: int | None


@dataclass
class _Acc:
    count: int = 0
    amount: Decimal = ZERO


@dataclass
class _OpenAcc:
    count: int = 0
    amount: Decimal = ZERO
    units: set[int] = field(default_factory=set)
    partners: set[int] = field(default_factory=set)


ALL_CITIES = "*"  # the city of the province-wide cells
DASHBOARD_DIMENSIONS = ("region", "field", "mode", "unit_kind", "source")


def _month(value: dt.date | dt.datetime) -> dt.date:
    if isinstance(value, dt.datetime):
        value = timezone.localdate(value)
    return value.replace(day=1)


def _field_names() -> tuple[dict[int, str], dict[int, str], dict[int, str]]:
    """Top technical field of every achievement, of every demand, and of every contract (its first achievement)."""
    from usefirst.catalog.models import Achievement, Demand

    def top(parent: str | None, name: str | None) -> str:
        return parent or name or UNCLASSIFIED

    achievements = {
        pk: top(parent, name) for pk, parent, name in Achievement.objects.values_list("pk", "field__parent__name", "field__name")
    }
    demands = {
        pk: top(parent, name) for pk, parent, name in Demand.objects.values_list("pk", "field__parent__name", "field__name")
    }
    contracts: dict[int, str] = {}
    for contract_id, achievement_id in ContractAchievement.objects.order_by("contract_id", "position", "pk").values_list(
        "contract_id", "achievement_id"
    ):
        contracts.setdefault(contract_id, achievements.get(achievement_id, UNCLASSIFIED))
    return achievements, demands, contracts


class _Builder:
    """Adds each event to its dashboard cells (total and one per dimension, in its month and
    city) and to its open cells (its year and every year, per dimension, with the organisations)."""

    def __init__(self) -> None:
        self.cells: dict[tuple[str, dt.date, str, str, str], _Acc] = defaultdict(_Acc)
        self.open: dict[tuple[str, int, str, str], _OpenAcc] = defaultdict(_OpenAcc)

    def add(self, metric: str, month: dt.date, where: Where, *, count: int = 1, amount: Decimal = ZERO) -> None:
        values = (where.region, where.field, where.mode, where.unit_kind, where.source)
        for city in (where.city, ALL_CITIES):  # each city's cells, and the province's already summed
            for dimension, value in (("", ""), *zip(DASHBOARD_DIMENSIONS, values, strict=True)):
                acc = self.cells[(metric, month, city, dimension, value)]
                acc.count += count
                acc.amount += amount
        open_values = (
            ("total", ""),
            ("city", where.city),
            *zip(DASHBOARD_DIMENSIONS, values, strict=True),
            ("month", f"{month:%Y-%m}"),
        )
        for year in (0, month.year):
            for dimension, value in open_values:
                into = self.open[(metric, year, dimension, value)]
                into.count += count
                into.amount += amount
                if where.unit:
                    into.units.add(where.unit)
                if where.partner:
                    into.partners.add(where.partner)

    def rows(self) -> list[Cell]:
        return [
            Cell(metric=metric, month=month, city=city, dimension=dimension, value=value, count=acc.count, amount=acc.amount)
            for (metric, month, city, dimension, value), acc in self.cells.items()
        ]

    def open_rows(self) -> list[OpenCell]:
        return [
            OpenCell(
                metric=metric,
                year=year,
                dimension=dimension,
                value=value,
                count=acc.count,
                amount=acc.amount,
                units=len(acc.units),
                partners=len(acc.partners),
            )
            for (metric, year, dimension, value), acc in self.open.items()
        ]


def build(on: dt.date | None = None) -> _Builder:
    """Every cell, computed from the records as they are now (nothing saved)."""
    on = on or today()
    achievement_fields, demand_fields, contract_fields = _field_names()
    builder = _Builder()

    # Engagements: the funnel, by the month the intent was raised.
    engagements = list(
        Engagement.objects.values_list(
            "pk",
            "unit_id",
            "unit__kind",
            "unit__city",
            "enterprise_id",
            "enterprise__city",
            "achievement_id",
            "demand_id",
            "created_at",
            "agreed_at",
        )
    )
    engagement_where: dict[int, Where] = {}
    for (
        pk,
        unit_id,
        unit_kind,
        unit_city,
        enterprise_id,
        enterprise_city,
        achievement_id,
        demand_id,
        created_at,
        agreed_at,
    ) in engagements:
        city = enterprise_city or unit_city or ""
        if achievement_id:
            source, field_name = Source.ACHIEVEMENT.value, achievement_fields.get(achievement_id, UNCLASSIFIED)
        else:
            source, field_name = Source.DEMAND.value, demand_fields.get(demand_id, UNCLASSIFIED)
        where = Where(city, region_of(city).value, field_name, "", unit_kind or "", source, unit_id, enterprise_id)
        engagement_where[pk] = where
        builder.add(Metric.INTENT, _month(created_at), where)
        if agreed_at is not None:
            builder.add(Metric.AGREED, _month(created_at), where)

    # Contracts.
    contracts = list(
        Contract.objects.exclude(kind=ContractKind.PRELIMINARY_AGREEMENT).values_list(
            "pk",
            "kind",
            "mode",
            "status",
            "signed_at",
            "free_use_end",
            "parent_id",
            "price",
            "licensor_id",
            "licensor__kind",
            "licensor__city",
            "licensee_id",
            "licensee__city",
            "engagement_id",
        )
    )
    contract_where: dict[int, Where] = {}
    signed_engagements: dict[int, str] = {}  # engagement → mode of its first signed contract
    for (
        pk,
        kind,
        mode,
        status,
        signed_at,
        free_use_end,
        parent_id,
        price,
        licensor_id,
        licensor_kind,
        licensor_city,
        licensee_id,
        licensee_city,
        engagement_id,
    ) in contracts:
        city = licensee_city or licensor_city or ""
        via = engagement_where.get(engagement_id) if engagement_id else None
        source = via.source if via else Source.DIRECT.value
        field_name = contract_fields.get(pk) or (via.field if via else UNCLASSIFIED)
        where = Where(city, region_of(city).value, field_name, mode or "", licensor_kind or "", source, licensor_id, licensee_id)
        contract_where[pk] = where
        if signed_at is None or status == ContractStatus.CANCELLED:
            continue
        if engagement_id:
            signed_engagements.setdefault(engagement_id, mode or "")
        builder.add(Metric.CONTRACT_SIGNED, _month(signed_at), where, amount=price or ZERO)
        if parent_id and kind in FOLLOW_ON_KINDS:
            builder.add(Metric.CONVERSION, _month(signed_at), where, amount=price or ZERO)
        if status == ContractStatus.FREE_USE and free_use_end is not None:
            builder.add(Metric.FREE_USE_RUNNING, _month(free_use_end), where)
            if free_use_end <= on + dt.timedelta(days=ENDING_WITHIN_DAYS):
                builder.add(Metric.FREE_USE_ENDING, _month(free_use_end), where)

    # Confirmed receipts net of reversals, by contract and month.
    received_by_contract: dict[int, Decimal] = defaultdict(lambda: ZERO)
    receipts = (
        Receipt.objects.filter(confirmed_at__isnull=False)
        .values("contract_id", "received_on__year", "received_on__month")
        .annotate(total=Sum("amount"), n=Count("pk", filter=Q(reverses__isnull=True)))
        .order_by()
    )
    for row in receipts.iterator(chunk_size=BATCH):
        where_or_none = contract_where.get(row["contract_id"])
        if where_or_none is None:
            continue
        month = dt.date(row["received_on__year"], row["received_on__month"], 1)
        total = row["total"] or ZERO
        builder.add(Metric.RECEIVED, month, where_or_none, count=row["n"], amount=total)
        received_by_contract[row["contract_id"]] += total

    # The funnel's last two stages, on the engagement's own month and place.
    paid_engagements = {
        engagement_id for pk, *_rest, engagement_id in contracts if engagement_id and received_by_contract.get(pk, ZERO) > ZERO
    }
    for pk, _u, _k, _c, _e, _ec, _a, _d, created_at, _ag in engagements:
        if pk in signed_engagements:
            where = engagement_where[pk]
            with_mode = Where(
                where.city,
                where.region,
                where.field,
                signed_engagements[pk],
                where.unit_kind,
                where.source,
                where.unit,
                where.partner,
            )
            builder.add(Metric.CONTRACTED, _month(created_at), with_mode)
            if pk in paid_engagements:
                builder.add(Metric.PAID, _month(created_at), with_mode)

    # Distributions paid out: the inventors' total.
    for contract_id, paid_at, inventors_total in Distribution.objects.filter(
        status=DistributionStatus.PAID, paid_at__isnull=False
    ).values_list("contract_id", "paid_at", "inventors_total"):
        where_or_none = contract_where.get(contract_id)
        if where_or_none is not None and paid_at is not None:
            builder.add(Metric.DISTRIBUTED, _month(paid_at), where_or_none, amount=inventors_total or ZERO)

    # Recognitions, where the unit is.
    for (
        unit_id,
        unit_kind,
        unit_city,
        mode,
        achievement_id,
        contract_id,
        decided_at,
        created_at,
    ) in RecognitionApplication.objects.filter(status=ApplicationStatus.RECOGNISED).values_list(
        "unit_id", "unit__kind", "unit__city", "mode", "achievement_id", "basis_contract_id", "decided_at", "created_at"
    ):
        via_contract = contract_where.get(contract_id) if contract_id else None
        city = unit_city or ""
        where = Where(
            city,
            region_of(city).value,
            achievement_fields.get(achievement_id, UNCLASSIFIED),
            mode or "",
            unit_kind or "",
            via_contract.source if via_contract else Source.DIRECT,
            unit_id,
            via_contract.partner if via_contract else None,
        )
        builder.add(Metric.RECOGNISED, _month(decided_at or created_at), where)

    return builder


def refresh(on: dt.date | None = None) -> Refresh:
    """Rebuild the rollup in one transaction: readers see the old cells or the new, never half."""
    started = timezone.now()
    clock = time.monotonic()
    builder = build(on)
    cells, open_cells = builder.rows(), builder.open_rows()
    with transaction.atomic():
        Cell.objects.all().delete()
        OpenCell.objects.all().delete()
        Cell.objects.bulk_create(cells, batch_size=BATCH)
        OpenCell.objects.bulk_create(open_cells, batch_size=BATCH)
        return Refresh.objects.create(
            started_at=started, finished_at=timezone.now(), seconds=round(time.monotonic() - clock, 3), cells=len(cells)
        )


def latest() -> Refresh | None:
    return Refresh.objects.order_by("-finished_at", "-pk").first()


def ensure_fresh() -> Refresh:
    """The latest refresh, computing one now if there has never been one."""
    return latest() or refresh()
