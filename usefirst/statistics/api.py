"""The open statistics API: anonymous, aggregate only, under the rule of three (selectors)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from usefirst.core.errors import DomainError

from . import rollup, selectors
from .models import Metric

router = Router(tags=["公开统计"])

OPEN_DIMENSIONS = ("month", "city", "region", "field", "mode", "unit_kind", "source")


class OpenFigureOut(Schema):
    label: str
    count: int | None
    amount: Decimal | None
    withheld: bool
    note: str


class OpenStatisticsOut(Schema):
    metric: str
    metric_display: str
    dimension: str
    dimension_display: str
    year: int | None
    updated_at: str
    total: OpenFigureOut
    items: list[OpenFigureOut]


class OpenMetricOut(Schema):
    metric: str
    metric_display: str


def _figure(figure: selectors.OpenFigure) -> dict[str, Any]:
    return {
        "label": figure.label,
        "count": figure.count,
        "amount": figure.amount,
        "withheld": figure.withheld,
        "note": selectors.WITHHELD if figure.withheld else "",
    }


@router.get("/statistics/open/metrics", response=list[OpenMetricOut], auth=None, summary="公开统计的指标")
def open_metrics(request: HttpRequest) -> list[dict[str, str]]:
    return [{"metric": m.value, "metric_display": str(m.label)} for m in Metric]


@router.get(
    "/statistics/open", response=OpenStatisticsOut, auth=None, summary="公开统计（汇总数，涉及不足3家机构的数字不予显示）"
)
def open_statistics(
    request: HttpRequest, metric: str = Metric.CONTRACT_SIGNED, dimension: str = "region", year: int | None = None
) -> dict[str, Any]:
    if metric not in Metric.values:
        raise DomainError(
            f"指标无效：{metric}（可选值见 /api/v1/statistics/open/metrics）",
            code="invalid_filter",
            field_errors={"metric": ["取值无效"]},
        )
    if dimension not in OPEN_DIMENSIONS:
        raise DomainError(
            f"统计维度应为 {'、'.join(OPEN_DIMENSIONS)} 之一", code="invalid_filter", field_errors={"dimension": ["取值无效"]}
        )
    refreshed = rollup.ensure_fresh()
    return {
        "metric": metric,
        "metric_display": str(Metric(metric).label),
        "dimension": dimension,
        "dimension_display": selectors.DIMENSIONS[dimension],
        "year": year,
        "updated_at": refreshed.finished_at.isoformat(),
        "total": _figure(selectors.open_total(metric, year=year)),
        "items": [_figure(f) for f in selectors.open_breakdown(metric, dimension, year=year)],
    }
