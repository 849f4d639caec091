"""The risk dashboards' pages (risk/dashboards.py): an insurer's or guarantor's own, and the
province's. Kept apart from risk/views.py so the two grow without treading on each other."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from usefirst.accounts.models import Organisation
from usefirst.core.actors import AuthenticatedHttpRequest
from usefirst.core.charts import export_response

from . import dashboards, policies
from .views import _provider

DEFAULT_BY = "product"


def _filters(request: AuthenticatedHttpRequest) -> tuple[int | None, str, list[str]]:
    """The year and the breakdown asked for; an unknown value is named and ignored."""
    errors = []
    year: int | None = None
    raw = request.GET.get("year") or ""
    if raw:
        if raw.isdigit() and 2000 <= int(raw) <= 2100:
            year = int(raw)
        else:
            errors.append("年度应为四位数字年份，已显示全部年度。")
    by = request.GET.get("by") or DEFAULT_BY
    if by not in dashboards.DIMENSIONS:
        errors.append("没有这种分组方式，已按产品显示。")
        by = DEFAULT_BY
    return year, by, errors


def _page(request: AuthenticatedHttpRequest, *, provider: Organisation | None, title: str, extra: dict[str, Any]) -> HttpResponse:
    scoped = policies.dashboard_policies(request.user, provider)
    year, by, errors = _filters(request)
    found = dashboards.report(scoped, year=year, show_provider=provider is None)
    charts = dashboards.charts(found, by)
    download = export_response(request, charts, filename_prefix=f"{title}{year or ''}")
    if download is not None:
        return download
    query = {k: v for k, v in (("year", year or ""), ("by", by)) if v}
    return render(
        request,
        "risk/dashboard.html",
        {
            "title": title,
            "cards": dashboards.cards(found),
            "charts": charts,
            "empty": found.is_empty,
            "year_empty": not found.is_empty and found.total.policies == 0 and found.total.premium_received == 0,
            "year": year,
            "years": found.years,
            "by": by,
            "dimensions": list(dashboards.DIMENSIONS.items()),
            "errors": errors,
            "export_query": urlencode(query),
            **extra,
        },
    )


@login_required
@require_safe
def provider_dashboard(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The insurer's (guarantor's) own business: the policies it underwrites, nobody else's."""
    org = _provider(request)
    return _page(request, provider=org, title=dashboards.provider_title(org), extra={"org": org, "province": False})


@login_required
@require_safe
def province_dashboard(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Every insurer's and guarantor's business in the province, for the provincial department."""
    return _page(request, provider=None, title="全省科技保险与担保看板", extra={"org": None, "province": True})
