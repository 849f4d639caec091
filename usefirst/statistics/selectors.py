"""Reads of the rollup: the dashboards' figures (by city for a city's staff) and the open
statistics, where no figure about fewer than three organisations is shown.

Every figure here comes from `Cell` rows (rollup.py), never from the source tables, so a
dashboard costs a handful of grouped queries whatever the platform's size.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet, Sum

from usefirst.accounts.models import OrganisationKind
from usefirst.catalog.choices import Mode
from usefirst.core.regions import CITY_COUNTIES, OUTSIDE_PROVINCE, Region

from . import rollup
from .models import Cell, Metric, OpenCell, Source

ZERO = Decimal("0")
MIN_ORGANISATIONS = 3  # the open statistics' rule: no figure about fewer than three organisations
WITHHELD = "不足3家机构，不予显示"

DIMENSIONS: dict[str, str] = {
    "city": "地市",
    "region": "区域",
    "field": "技术领域",
    "mode": "模式",
    "unit_kind": "单位类型",
    "source": "来源",
    "month": "月份",
}
CITY_DIMENSIONS = ("field", "mode", "unit_kind", "source", "month")  # a city's own dashboard: no city or region split

_LABELS: dict[str, dict[str, str]] = {
    "region": {r.value: str(r.label) for r in Region},
    "mode": {m.value: str(m.label) for m in Mode},
    "unit_kind": {k.value: str(k.label) for k in OrganisationKind},
    "source": {s.value: str(s.label) for s in Source},
}
_ORDER: dict[str, list[str]] = {
    "city": [*CITY_COUNTIES, OUTSIDE_PROVINCE],
    "region": [r.value for r in Region],
    "source": [s.value for s in Source],
    "mode": [m.value for m in Mode],
}


def label(dimension: str, value: Any) -> str:
    if dimension == "month":
        return f"{value.year}年{value.month:02d}月" if value else "未知"
    if not value:
        return "未定" if dimension == "mode" else "未知"
    return _LABELS.get(dimension, {}).get(value, str(value))


def cities() -> list[str]:
    return [*CITY_COUNTIES, OUTSIDE_PROVINCE]


def years() -> list[int]:
    return sorted(set(OpenCell.objects.exclude(year=0).values_list("year", flat=True)), reverse=True)


# ---------------------------------------------------------------- the dashboards


@dataclass(frozen=True)
class Scope:
    """What a dashboard covers: all of Guangdong or one city, all years or one."""

    city: str = ""
    year: int | None = None

    def in_year(self, qs: QuerySet[Cell]) -> QuerySet[Cell]:
        if self.year:
            return qs.filter(month__gte=dt.date(self.year, 1, 1), month__lt=dt.date(self.year + 1, 1, 1))
        return qs

    def cells(self, metrics: Iterable[str] | None = None, dimension: str = "") -> QuerySet[Cell]:
        qs = self.in_year(Cell.objects.filter(dimension=dimension, city=self.city or rollup.ALL_CITIES))
        if metrics is not None:
            qs = qs.filter(metric__in=list(metrics))
        return qs


@dataclass
class Figure:
    count: int = 0
    amount: Decimal = ZERO


def totals(scope: Scope, metrics: Sequence[str]) -> dict[str, Figure]:
    found = {m: Figure() for m in metrics}
    for row in scope.cells(metrics).values("metric").annotate(n=Sum("count"), total=Sum("amount")).order_by():
        found[row["metric"]] = Figure(row["n"] or 0, row["total"] or ZERO)
    return found


def _ordered(dimension: str, values: Iterable[Any]) -> list[Any]:
    values = set(values)
    if dimension == "month":
        return sorted(values)
    order = _ORDER.get(dimension)
    if order:
        return [v for v in order if v in values] + sorted(v for v in values if v not in order)
    return sorted(values, key=lambda v: (v == rollup.UNCLASSIFIED, v))


def breakdown(scope: Scope, metrics: Sequence[str], dimension: str) -> tuple[list[Any], dict[str, dict[Any, Figure]]]:
    """Each metric's figure per value of one dimension: (the values in order, {metric: {value: Figure}})."""
    if dimension not in DIMENSIONS:
        raise ValueError(dimension)
    by_metric: dict[str, dict[Any, Figure]] = {m: {} for m in metrics}
    if dimension == "city":  # each city's own totals
        qs = scope.in_year(Cell.objects.filter(dimension="", metric__in=list(metrics)).exclude(city=rollup.ALL_CITIES))
        qs, column = (qs.filter(city=scope.city) if scope.city else qs), "city"
    elif dimension == "month":
        qs, column = scope.cells(metrics), "month"
    else:
        qs, column = scope.cells(metrics, dimension), "value"
    for row in qs.values("metric", column).annotate(n=Sum("count"), total=Sum("amount")).order_by():
        by_metric[row["metric"]][row[column]] = Figure(row["n"] or 0, row["total"] or ZERO)
    values = _ordered(dimension, {v for figures in by_metric.values() for v in figures})
    return values, by_metric


def months_back(end: dt.date, count: int = 12) -> list[dt.date]:
    months = []
    year, month = end.year, end.month
    for _ in range(count):
        months.append(dt.date(year, month, 1))
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return months[::-1]


# ---------------------------------------------------------------- the open statistics


@dataclass
class OpenFigure:
    """One published figure: withheld when fewer than three organisations stand behind it."""

    label: str
    count: int | None
    amount: Decimal | None
    organisations: int = field(default=0, repr=False)

    @property
    def withheld(self) -> bool:
        return self.count is None


def _too_few(units: int, partners: int) -> bool:
    """A figure about fewer than three organisations on a side could point at a single deal."""
    return units < MIN_ORGANISATIONS or (0 < partners < MIN_ORGANISATIONS)


def _open_figure(dimension: str, row: OpenCell) -> OpenFigure:
    value: Any = row.value
    if dimension == "month" and value:
        value = dt.date.fromisoformat(f"{value}-01")
    name = label(dimension, value) if dimension != "total" else str(Metric(row.metric).label)
    if _too_few(row.units, row.partners):
        return OpenFigure(name, None, None, row.units)
    return OpenFigure(name, row.count, row.amount, row.units)


def open_breakdown(metric: str, dimension: str, *, year: int | None = None) -> list[OpenFigure]:
    """A metric per value of a dimension for everyone to see. A cell about fewer than three
    organisations is withheld; when exactly one cell of the breakdown is withheld, the next
    smallest is withheld too, so the total cannot give it away."""
    if metric not in Metric.values or dimension not in DIMENSIONS:
        raise ValueError((metric, dimension))
    rollup.ensure_fresh()
    rows = {row.value: row for row in OpenCell.objects.filter(metric=metric, year=year or 0, dimension=dimension)}
    figures = [_open_figure(dimension, rows[value]) for value in _ordered(dimension, rows)]
    withheld = [f for f in figures if f.withheld]
    if len(withheld) == 1:
        shown = sorted((f for f in figures if not f.withheld), key=lambda f: (f.count or 0, f.amount or ZERO))
        if shown:
            shown[0].count = shown[0].amount = None
    return figures


def open_total(metric: str, *, year: int | None = None) -> OpenFigure:
    """The metric's total, withheld under the same rule."""
    row = OpenCell.objects.filter(metric=metric, year=year or 0, dimension="total").first()
    if row is None:
        return OpenFigure(str(Metric(metric).label), 0, ZERO, 0)
    return _open_figure("total", row)
