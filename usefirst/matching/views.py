"""The public search page: parse the query string, call `search.search`, render.

It reads through the same function as the search API (`api.py`), so the page and the API
show the same results, highlights and facets; the page keeps to items that contain the
words (or a title like them) and offers semantic neighbours apart when none does.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from usefirst.accounts.models import EnterpriseSize, OrganisationKind
from usefirst.catalog.choices import CooperationForm, Mode
from usefirst.catalog.selectors import top_fields
from usefirst.core.refusals import form_refusal
from usefirst.core.regions import Region

from .models import ItemKind
from .search import SORTS, SearchPage, has_words, search
from .text import MAX_QUERY_CHARS

# Facets of each kind, in the order shown: (facet, label, filter parameter or None when the
# listing cannot filter on it and only the count is shown).
FACETS: dict[str, list[tuple[str, str, str | None]]] = {  # keyed by ItemKind value
    ItemKind.ACHIEVEMENT: [
        ("field", "技术领域", "field"),
        ("region", "区域", "region"),
        ("city", "地市", "city"),
        ("trl", "技术成熟度", "trl"),
        ("mode", "转化方式", "mode"),
        ("unit_kind", "单位类型", "unit_kind"),
    ],
    ItemKind.DEMAND: [
        ("field", "技术领域", "field"),
        ("region", "区域", "region"),
        ("city", "地市", "city"),
        ("enterprise_size", "企业规模", "enterprise_size"),
        ("mode", "合作方式", None),
        ("unit_kind", "需求方类型", None),
    ],
}
SORTS_OF_KIND: dict[str, list[str]] = {
    ItemKind.ACHIEVEMENT: ["relevance", "newest", "trl_desc"],
    ItemKind.DEMAND: ["relevance", "newest"],
}
KEPT = (
    "q",
    "kind",
    "sort",
    "semantic",
    "page_size",
    "field",
    "city",
    "region",
    "trl_min",
    "trl_max",
    "mode",
    "unit_kind",
    "enterprise_size",
)


@dataclass
class FacetOption:
    label: str
    count: int
    url: str | None
    active: bool


@dataclass
class FacetGroup:
    label: str
    options: list[FacetOption]


@require_GET
def search_page(request: HttpRequest) -> HttpResponse:
    kind = request.GET.get("kind") or ItemKind.ACHIEVEMENT
    if kind not in ItemKind.values:
        kind = ItemKind.ACHIEVEMENT
    params = {k: v for k, v in request.GET.items() if k in (*KEPT, "page") and v != ""}
    params["kind"] = kind
    q = str(params.get("q", "")).strip()
    if q:
        params["q"] = q[:MAX_QUERY_CHARS]  # searched as shown in the box, and links stay short
    context: dict[str, Any] = {
        "kind": kind,
        "kinds": [(k.value, k.label) for k in ItemKind],
        "q": q[:MAX_QUERY_CHARS],
        "q_cut": len(q) > MAX_QUERY_CHARS,
        "q_has_words": has_words(q),
        "sort": params.get("sort") or "relevance",
        "sort_choices": [(key, SORTS[key]) for key in SORTS_OF_KIND[kind]],
        "filters_active": any(k in params for k in KEPT if k not in ("q", "kind", "sort", "semantic", "page_size")),
        "query": urlencode({k: v for k, v in params.items() if k != "page"}),
        "clear_filters_url": "?" + urlencode({k: v for k, v in params.items() if k in ("q", "kind", "sort")}),
    }
    status = 200
    page: SearchPage | None = None
    with form_refusal(apply=lambda exc: messages.error(request, exc.detail), any_status=True) as refused:
        page = search(
            user=request.user,
            kind=kind,
            params={k: v for k, v in params.items() if k != "kind"},
            semantic=params.get("semantic") != "0",
            keyword_results=True,
        )
    if refused:
        status = refused[0].status if 400 <= refused[0].status < 500 else 400
    context["page"] = page
    if page is not None:
        context["facet_groups"] = facet_groups(page, kind, params)
    return render(request, "matching/search.html", context, status=status)


def facet_groups(page: SearchPage, kind: str, params: dict[str, Any]) -> list[FacetGroup]:
    """The result set's counts per facet, each a link that adds (or, when active, removes) its filter."""
    labels = _facet_labels(kind)
    groups: list[FacetGroup] = []
    for facet, label, parameter in FACETS[kind]:
        counts = page.facets.get(facet) or {}
        if not counts:
            continue
        options: list[FacetOption] = []
        for value, count in counts.items():
            shown = labels.get(facet, {}).get(value, value)
            if facet == "trl":
                shown = f"TRL {value}"
            url: str | None = None
            active = False
            if parameter == "trl":
                active = params.get("trl_min") == value and params.get("trl_max") == value
                url = _with(params, {"trl_min": None if active else value, "trl_max": None if active else value})
            elif parameter is not None:
                active = params.get(parameter) == value
                url = _with(params, {parameter: None if active else value})
            options.append(FacetOption(label=shown, count=count, url=url, active=active))
        groups.append(FacetGroup(label=label, options=options))
    return groups


def _with(params: dict[str, Any], changes: dict[str, str | None]) -> str:
    merged = {k: v for k, v in params.items() if k != "page"}
    for key, value in changes.items():
        if value is None:
            merged.pop(key, None)
        else:
            merged[key] = value
    return "?" + urlencode(merged)


def _facet_labels(kind: str) -> dict[str, dict[str, str]]:
    modes = dict(Mode.choices) if kind == ItemKind.ACHIEVEMENT else dict(CooperationForm.choices)
    return {
        "field": {f.code: f.name for f in top_fields()},
        "region": dict(Region.choices),
        "mode": {str(k): str(v) for k, v in modes.items()},
        "unit_kind": {str(k): str(v) for k, v in OrganisationKind.choices},
        "enterprise_size": {str(k): str(v) for k, v in EnterpriseSize.choices},
    }
