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
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
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
        value = value.astimezone(timezone.get_default_timezone()).date()  # the business calendar (settings.TIME_ZONE)
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


@dataclass
class _Staged:
    count: int = 0
    amount: Decimal = ZERO


@dataclass
class _Organisations:
    units: set[int] = field(default_factory=set)
    partners: set[int] = field(default_factory=set)


class _Builder:
    """Adds each event to its dashboard cells (total and one per dimension, in its month and
    city) and to its open cells (its year and every year, per dimension, with the organisations).

    An event is first summed into its place (metric, month and the six values of its `Where`) and
    its organisations into the place's year and into its month — a few dictionary steps per event,
    so a million receipts cost a few million steps, not thirty million — and each place is spread
    over its cells once, at the end (a few thousand places: cities × fields × modes × unit kinds
    × sources × months)."""

    def __init__(self) -> None:
        self.staged: dict[tuple[str, dt.date, str, str, str, str, str, str], _Staged] = defaultdict(_Staged)
        self.organisations: dict[tuple[str, int, str, str, str, str, str, str], _Organisations] = defaultdict(_Organisations)
        self.in_month: dict[tuple[str, dt.date], _Organisations] = defaultdict(_Organisations)
        self._spread = False
        self.cells: dict[tuple[str, dt.date, str, str, str], _Acc] = defaultdict(_Acc)
        self.open: dict[tuple[str, int, str, str], _OpenAcc] = defaultdict(_OpenAcc)

    def add(self, metric: str, month: dt.date, where: Where, *, count: int = 1, amount: Decimal = ZERO) -> None:
        place = (where.city, where.region, where.field, where.mode, where.unit_kind, where.source)
        self.add_sum(metric, month, place, count, amount)
        if where.unit or where.partner:
            for orgs in (self.organisations[(metric, month.year, *place)], self.in_month[(metric, month)]):
                if where.unit:
                    orgs.units.add(where.unit)
                if where.partner:
                    orgs.partners.add(where.partner)

    def add_sum(self, metric: str, month: dt.date, place: tuple[str, ...], count: int, amount: Decimal) -> None:
        staged = self.staged[(metric, month, *place)]  # type: ignore[index]
        staged.count += count
        staged.amount += amount

    def _spread_places(self) -> None:
        if self._spread:
            return
        self._spread = True
        # Each place into its city's cells (the total and one per dimension) …
        for (metric, month, city, *values), staged in self.staged.items():
            count, amount = staged.count, staged.amount
            for dimension, value in (("", ""), *zip(DASHBOARD_DIMENSIONS, values, strict=True)):
                acc = self.cells[(metric, month, city, dimension, value)]
                acc.count += count
                acc.amount += amount
        # … the province's cells as the sum of the cities' …
        for (metric, month, _city, dimension, value), acc in list(self.cells.items()):
            province = self.cells[(metric, month, ALL_CITIES, dimension, value)]
            province.count += acc.count
            province.amount += acc.amount
        # … and the open cells' counts and amounts from those: the province's per dimension and
        # month, the cities' totals per city; each in its year and in all years (0).
        for (metric, month, city, dimension, value), acc in self.cells.items():
            if city == ALL_CITIES:
                into_open = (("total", ""), ("month", f"{month:%Y-%m}")) if dimension == "" else ((dimension, value),)
            elif dimension == "":
                into_open = (("city", city),)
            else:
                continue
            for year in (0, month.year):
                for open_dimension, open_value in into_open:
                    into = self.open[(metric, year, open_dimension, open_value)]
                    into.count += acc.count
                    into.amount += acc.amount
        for (metric, year, city, *values), orgs in self.organisations.items():
            for in_year in (0, year):
                for dimension, value in (("total", ""), ("city", city), *zip(DASHBOARD_DIMENSIONS, values, strict=True)):
                    into = self.open[(metric, in_year, dimension, value)]
                    into.units |= orgs.units
                    into.partners |= orgs.partners
        for (metric, month), orgs in self.in_month.items():
            for in_year in (0, month.year):
                into = self.open[(metric, in_year, "month", f"{month:%Y-%m}")]
                into.units |= orgs.units
                into.partners |= orgs.partners

    def rows(self) -> list[Cell]:
        self._spread_places()
        return [
            Cell(metric=metric, month=month, city=city, dimension=dimension, value=value, count=acc.count, amount=acc.amount)
            for (metric, month, city, dimension, value), acc in self.cells.items()
        ]

    def open_rows(self) -> list[OpenCell]:
        self._spread_places()
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

    # Confirmed receipts net of reversals: summed in the database per place and month.
    received_by_contract = _received(builder, contract_where)

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


def _received(builder: _Builder, contract_where: dict[int, Where]) -> dict[int, Decimal]:
    """Confirmed receipts (net of their reversals) into the builder, summed by the database per
    place and month — a million receipts come back as a few thousand sums — through a temporary
    table of each contract's place; returns each contract's total received."""
    places: dict[tuple[str, ...], int] = {}
    rows = []
    for contract_id, where in contract_where.items():
        place = (where.city, where.region, where.field, where.mode, where.unit_kind, where.source)
        rows.append((contract_id, places.setdefault(place, len(places)), where.unit, where.partner))
    place_of = list(places)
    sqlite = connection.vendor == "sqlite"
    # The month as 'YYYY-MM'; money summed exactly (SQLite keeps decimals as floats: sum cents).
    month = "substr(r.received_on, 1, 7)" if sqlite else "to_char(r.received_on, 'YYYY-MM')"
    total = "SUM(CAST(ROUND(r.amount * 100) AS INTEGER))" if sqlite else "SUM(r.amount)"

    def money(value: Any) -> Decimal:
        if value is None:
            return ZERO
        return Decimal(value) / 100 if sqlite else Decimal(value)

    months: dict[str, dt.date] = {}

    def first_day(text: str) -> dt.date:
        if text not in months:
            months[text] = dt.date(int(text[:4]), int(text[5:7]), 1)
        return months[text]

    table = connection.ops.quote_name(Receipt._meta.db_table)
    joined = f"FROM {table} r JOIN statistics_contract_place p ON p.contract_id = r.contract_id WHERE r.confirmed_at IS NOT NULL"
    received: dict[int, Decimal] = {}
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS statistics_contract_place")
        cursor.execute(
            "CREATE TEMPORARY TABLE statistics_contract_place "
            "(contract_id bigint PRIMARY KEY, place integer NOT NULL, unit_id bigint, partner_id bigint)"
        )
        try:
            for start in range(0, len(rows), BATCH * 10):
                cursor.executemany(
                    "INSERT INTO statistics_contract_place VALUES (%s, %s, %s, %s)", rows[start : start + BATCH * 10]
                )
            cursor.execute(
                f"SELECT p.place, {month}, {total}, SUM(CASE WHEN r.reverses_id IS NULL THEN 1 ELSE 0 END) "
                f"{joined} GROUP BY p.place, {month}"
            )
            for place, ym, amount, n in cursor.fetchall():
                builder.add_sum(Metric.RECEIVED, first_day(ym), place_of[place], int(n or 0), money(amount))
            cursor.execute(f"SELECT DISTINCT p.place, substr({month}, 1, 4), p.unit_id, p.partner_id {joined}")
            for place, year, unit, partner in cursor.fetchall():
                orgs = builder.organisations[(Metric.RECEIVED, int(year), *place_of[place])]
                if unit:
                    orgs.units.add(unit)
                if partner:
                    orgs.partners.add(partner)
            for column, into in (("unit_id", "units"), ("partner_id", "partners")):
                cursor.execute(f"SELECT DISTINCT {month}, p.{column} {joined} AND p.{column} IS NOT NULL")
                for ym, org in cursor.fetchall():
                    getattr(builder.in_month[(Metric.RECEIVED, first_day(ym))], into).add(org)
            cursor.execute(f"SELECT r.contract_id, {total} {joined} GROUP BY r.contract_id")
            received = {contract_id: money(amount) for contract_id, amount in cursor.fetchall()}
        finally:
            cursor.execute("DROP TABLE IF EXISTS statistics_contract_place")
    return received


def refresh(on: dt.date | None = None) -> Refresh:
    """Rebuild the rollup in one transaction: readers see the old cells or the new, never half."""
    started = timezone.now()
    clock = time.monotonic()
    builder = build(on)
    builder._spread_places()
    ops = connection.ops
    cells = [
        (metric, ops.adapt_datefield_value(month), city, dimension, value, acc.count, ops.adapt_decimalfield_value(acc.amount))
        for (metric, month, city, dimension, value), acc in builder.cells.items()
    ]
    open_cells = [
        (metric, year, dimension, value, acc.count, ops.adapt_decimalfield_value(acc.amount), len(acc.units), len(acc.partners))
        for (metric, year, dimension, value), acc in builder.open.items()
    ]
    with transaction.atomic():
        Cell.objects.all().delete()
        OpenCell.objects.all().delete()
        # Plain multi-row inserts: a hundred thousand cells through bulk_create spend most of
        # their time building model instances and compiling the statement.
        _insert(Cell, ("metric", "month", "city", "dimension", "value", "count", "amount"), cells)
        _insert(OpenCell, ("metric", "year", "dimension", "value", "count", "amount", "units", "partners"), open_cells)
        return Refresh.objects.create(
            started_at=started, finished_at=timezone.now(), seconds=round(time.monotonic() - clock, 3), cells=len(cells)
        )


def _insert(model: type[Cell] | type[OpenCell], columns: tuple[str, ...], rows: Sequence[Sequence[Any]]) -> None:
    qn = connection.ops.quote_name
    names = ", ".join(qn(c) for c in columns)  # these models' columns are their field names
    marks = ", ".join(["%s"] * len(columns))
    sql = f"INSERT INTO {qn(model._meta.db_table)} ({names}) VALUES ({marks})"  # noqa: S608 (the model's own identifiers; values are bound)
    with connection.cursor() as cursor:
        for start in range(0, len(rows), BATCH * 10):
            cursor.executemany(sql, rows[start : start + BATCH * 10])


def latest() -> Refresh | None:
    return Refresh.objects.order_by("-finished_at", "-pk").first()


def ensure_fresh() -> Refresh:
    """The latest refresh, computing one now if there has never been one."""
    return latest() or refresh()
