"""The province and city dashboards (staff only) and the public statistics page."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from usefirst.core.actors import AuthenticatedHttpRequest
from usefirst.core.charts import Chart, export_response, from_pairs

from . import dashboards, policies, rollup, selectors
from .models import Metric
from .selectors import Scope

PROVINCE_DIMENSIONS = ("city", "region", "field", "mode", "unit_kind", "source")
PUBLIC_METRICS = (Metric.CONTRACT_SIGNED, Metric.RECEIVED, Metric.CONVERSION, Metric.FREE_USE_RUNNING, Metric.RECOGNISED)
PUBLIC_DIMENSIONS = ("region", "city", "field", "mode", "unit_kind")


def _filters(request: HttpRequest, *, dimensions: tuple[str, ...], default: str) -> tuple[int | None, str, list[str]]:
    """The year and the breakdown asked for; an unknown value is named and ignored."""
    errors = []
    year: int | None = None
    raw_year = request.GET.get("year") or ""
    if raw_year:
        if raw_year.isdigit() and 2000 <= int(raw_year) <= 2100:
            year = int(raw_year)
        else:
            errors.append("年度应为四位数字年份，已显示全部年度。")
    by = request.GET.get("by") or default
    if by not in dimensions:
        errors.append("没有这种分组方式，已按默认方式显示。")
        by = default
    return year, by, errors


def _dashboard(
    request: HttpRequest, *, city: str, title: str, dimensions: tuple[str, ...], default: str, extra: dict[str, Any]
) -> HttpResponse:
    refreshed = rollup.ensure_fresh()
    year, by, errors = _filters(request, dimensions=dimensions, default=default)
    scope = Scope(city=city, year=year)
    charts = dashboards.charts(scope, by) + dashboards.evaluation_charts(scope)
    query = {k: v for k, v in (("year", year or ""), ("by", by), ("city", city if extra.get("city_choice") else "")) if v}
    prefix = f"{city or '全省'}{year or ''}"
    download = export_response(request, charts, filename_prefix=prefix)
    if download is not None:
        return download
    return render(
        request,
        "statistics/dashboard.html",
        {
            "title": title,
            "cards": dashboards.cards(scope),
            "charts": charts,
            "refreshed": refreshed,
            "year": year,
            "years": selectors.years(),
            "by": by,
            "dimensions": [(d, selectors.DIMENSIONS[d]) for d in dimensions],
            "errors": errors,
            "export_query": urlencode(query),
            **extra,
        },
    )


@login_required
@require_safe
def province(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not policies.may_view_province(request.user):
        raise PermissionDenied("只有省级主管部门可以查看全省看板。")
    city = request.GET.get("city") or ""
    errors_city = ""
    if city and city not in selectors.cities():
        city, errors_city = "", "没有这个地市，已显示全省。"
    response = _dashboard(
        request,
        city=city,
        title=f"{city}“先用后转”运行看板" if city else "全省“先用后转”运行看板",
        dimensions=PROVINCE_DIMENSIONS if not city else ("field", "mode", "unit_kind", "source"),
        default="city" if not city else "field",
        extra={"city_choice": True, "city": city, "cities": selectors.cities(), "city_error": errors_city},
    )
    return response


@login_required
@require_safe
def city(request: AuthenticatedHttpRequest) -> HttpResponse:
    own = policies.city_of(request.user)
    if not own:
        raise PermissionDenied("只有地市管理部门可以查看本市看板。")
    return _dashboard(
        request,
        city=own,
        title=f"{own}“先用后转”运行看板",
        dimensions=("field", "mode", "unit_kind", "source"),
        default="field",
        extra={"city_choice": False, "city": own},
    )


def public_charts(year: int | None) -> list[Chart]:
    found = []
    for dimension in PUBLIC_DIMENSIONS:
        name = selectors.DIMENSIONS[dimension]
        for metric in (Metric.CONTRACT_SIGNED, Metric.RECEIVED):
            figures = selectors.open_breakdown(metric, dimension, year=year)
            money = metric == Metric.RECEIVED
            found.append(
                from_pairs(
                    f"{metric}_{dimension}",
                    f"{Metric(metric).label}（按{name}）",
                    [(f.label, f.amount if money else f.count) for f in figures],
                    series_name="金额" if money else "合同数",
                    money=money,
                    category_label=name,
                    kind="hbar" if len(figures) > 8 else "bar",
                )
            )
    return found


@require_safe
def public(request: HttpRequest) -> HttpResponse:
    refreshed = rollup.ensure_fresh()
    year, _by, errors = _filters(request, dimensions=("region",), default="region")
    charts = public_charts(year)
    download = export_response(request, charts, filename_prefix=f"公开统计{year or ''}")
    if download is not None:
        return download
    totals = [selectors.open_total(m, year=year) for m in PUBLIC_METRICS]
    return render(
        request,
        "statistics/public.html",
        {
            "charts": charts,
            "totals": totals,
            "money_metric": str(Metric.RECEIVED.label),
            "refreshed": refreshed,
            "year": year,
            "years": selectors.years(),
            "errors": errors,
            "withheld": selectors.WITHHELD,
            "export_query": urlencode({"year": year} if year else {}),
        },
    )
