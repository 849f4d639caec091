"""Document frequencies of index tokens, counted by the worker instead of at query time.

Ranking asks how many documents hold each word of a query or of a demand (is the word generic,
its IDF, the any-word budget, PostgreSQL's plan). Counting that at query time over a million
documents means a pass over the newest ones and an exact count for every rarely seen word:
tens of milliseconds for a demand's first ranking. So the worker counts every token of a kind
once (`refresh`: one pass over the segmented texts, one to two minutes at a million documents)
and a query reads the stored counts and adds what the documents indexed since hold (the tail).

Each process keeps the tail's counts in memory and reads only the documents that join it
(`tail_counts`; a tail past TAIL_IN_MEMORY is counted on the full-text index instead, by
`ranking.document_frequencies`). Documents removed since the count (the tail's too) still
count until the next one, and an edit in place counts by its earlier text. The worker counts
again when the tail or the removed documents pass STALE_DOCUMENTS (`refresh_if_stale`,
hourly), so the tail stays short, and `indexing.rebuild` counts after a rebuild.
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from .models import TERM_MAX_LENGTH, SearchDocument, TermCount, TermCountRun

logger = logging.getLogger(__name__)

CHUNK = 2_000  # documents read per query while counting
WRITE_BATCH = 5_000
STALE_DOCUMENTS = 1_000
TAIL_IN_MEMORY = 5_000  # a tail up to this long is counted from its texts, kept in memory per process


def refresh(
    kind: str, *, using: str = "default", progress: Callable[[int, int], None] | None = None, up_to: int | None = None
) -> TermCountRun:
    """Count every token of the kind's documents (those with an id up to `up_to`, if given) and
    replace the stored counts in one transaction."""
    started = time.monotonic()
    documents = SearchDocument.objects.using(using).filter(kind=kind)
    newest = documents.aggregate(newest=Max("id"))["newest"] or 0
    if up_to is not None:
        newest = min(newest, up_to)
    total = documents.filter(id__lte=newest).count()
    counts: Counter[str] = Counter()
    seen = last = 0
    while True:
        rows = list(
            documents.filter(id__gt=last, id__lte=newest).order_by("id").values_list("id", "segmented_title", "segmented")[:CHUNK]
        )
        if not rows:
            break
        for _, title, body in rows:
            counts.update({token for token in _tokens(title, body) if len(token) <= TERM_MAX_LENGTH})
        last = rows[-1][0]
        seen += len(rows)
        if progress is not None:
            progress(seen, total)
    with transaction.atomic(using=using):
        TermCount.objects.using(using).filter(kind=kind).delete()
        batch: list[TermCount] = []
        for token, number in counts.items():
            batch.append(TermCount(kind=kind, token=token, documents=number))
            if len(batch) >= WRITE_BATCH:
                TermCount.objects.using(using).bulk_create(batch)
                batch = []
        TermCount.objects.using(using).bulk_create(batch)
        run, _ = TermCountRun.objects.using(using).update_or_create(
            kind=kind,
            defaults={
                "documents": seen,
                "newest_document_id": newest,
                "tokens": len(counts),
                "seconds": round(time.monotonic() - started, 3),
                "counted_at": timezone.now(),
            },
        )
    logger.info("term counts %s: %s documents, %s tokens in %.1f s", kind, seen, len(counts), run.seconds)
    return run


def _tokens(segmented_title: str, segmented: str) -> set[str]:
    """The distinct index tokens of one document: what a count adds for it."""
    return set((segmented_title + " " + segmented).split())


def last_run(kind: str, *, using: str = "default") -> TermCountRun | None:
    return TermCountRun.objects.using(using).filter(kind=kind).first()


def stored(kind: str, tokens: Sequence[str], *, using: str = "default") -> dict[str, int]:
    """The counted documents of each token (0 for a token not seen when counting)."""
    found = dict(TermCount.objects.using(using).filter(kind=kind, token__one_of=list(tokens)).values_list("token", "documents"))
    return {token: int(found.get(token, 0)) for token in tokens}


def is_stale(kind: str, *, using: str = "default") -> bool:
    """Worth counting again: a kind larger than a query's own sample (`ranking.DF_SAMPLE`) that
    has no counts, or whose tail or removed documents pass STALE_DOCUMENTS."""
    from .ranking import DF_SAMPLE

    documents = SearchDocument.objects.using(using).filter(kind=kind)
    run = last_run(kind, using=using)
    if run is None:
        return documents.count() > DF_SAMPLE
    still_counted = documents.filter(id__lte=run.newest_document_id).count()
    tail = documents.filter(id__gt=run.newest_document_id).count()
    removed = run.documents - still_counted
    return max(tail, removed) > STALE_DOCUMENTS


def refresh_if_stale(kind: str, *, using: str = "default") -> TermCountRun | None:
    return refresh(kind, using=using) if is_stale(kind, using=using) else None


@dataclass
class _Tail:
    run: tuple[int, object]  # which count the tail follows
    last: int
    size: int = 0
    counts: Counter[str] = field(default_factory=Counter)


_tails: dict[tuple[str, str], _Tail] = {}


def tail_counts(kind: str, tokens: Sequence[str], *, run: TermCountRun, using: str = "default") -> dict[str, int] | None:
    """How many documents of the kind indexed after the count `run` hold each token, from the
    tail's texts kept in memory; None when the tail is longer than TAIL_IN_MEMORY (the caller
    counts it on the full-text index)."""
    key = (using, kind)
    tail = _tails.get(key)
    if tail is None or tail.run != (run.pk, run.counted_at):
        tail = _Tail(run=(run.pk, run.counted_at), last=run.newest_document_id)
    documents = SearchDocument.objects.using(using).filter(kind=kind)
    # Bounded on both sides: with `id > last` alone PostgreSQL expected most of the table and
    # walked the other kind's newer rows by primary key.
    newest = documents.aggregate(newest=Max("id"))["newest"] or 0
    rows: list[tuple[int, str, str]] = []
    if newest > tail.last:
        joining = documents.filter(id__gt=tail.last, id__lte=newest).order_by("id")
        rows = list(joining.values_list("id", "segmented_title", "segmented")[: TAIL_IN_MEMORY - tail.size + 1])
    if tail.size + len(rows) > TAIL_IN_MEMORY:
        _tails.pop(key, None)
        return None
    for pk, title, body in rows:
        tail.counts.update(_tokens(title, body))
        tail.last = pk
    tail.size += len(rows)
    _tails[key] = tail
    return {token: tail.counts[token] for token in tokens}


def forget_tails() -> None:
    _tails.clear()
