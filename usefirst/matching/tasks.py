"""Background work of matching: vectors, recommendations, the ANN index, term counts, digests.

The index work is scheduled with crontask (the scheduler imports `<app>.tasks` of every
installed app); item work is enqueued after commit by `indexing.after_change`; the digests are a
daily job (usefirst/core/daily_jobs.py).
"""

from __future__ import annotations

import datetime as dt
import logging

from crontask import cron
from django.tasks import task
from django.utils import timezone

from usefirst.core.daily_jobs import daily_job

from .digests import DIGEST_AT, JOB, digests_due, send_day_digests
from .models import ItemKind, SearchDocument

logger = logging.getLogger(__name__)
NEIGHBOURS_REFRESHED = 10
ENGINE_SYNC_ATTEMPTS = 5  # a busy engine's writer: the sync is tried again a minute later, this many times in all


def embed_document(document: SearchDocument) -> SearchDocument:
    from .embeddings import encode_passages, to_bytes
    from .indexing import forget_readiness

    vector = encode_passages([document.embedded_text or document.title])[0]
    SearchDocument.objects.filter(pk=document.pk, embedded_text=document.embedded_text).update(
        embedding=to_bytes(vector), embedded_at=timezone.now()
    )
    forget_readiness(document.kind)
    document.refresh_from_db()
    return document


@task()
def embed_and_recommend(*, kind: str, object_id: int) -> int:
    """Embed a changed item, recommend for it, and refresh the items it now matches best."""
    from . import recommend

    document = SearchDocument.objects.filter(kind=kind, object_id=object_id).first()
    if document is None:
        recommend.forget(kind=kind, object_id=object_id)
        return 0
    if document.embedding is None:
        document = embed_document(document)
    rows = recommend.refresh(kind=kind, object_id=object_id)
    for row in rows[:NEIGHBOURS_REFRESHED]:
        recommend.refresh(kind=row.target_kind, object_id=row.target_id)
    return len(rows)


EMBED_BATCH = 64


def embed_missing(*, kind: str | None = None, limit: int | None = None) -> int:
    """Embed the documents that have no vector yet, a batch at a time (one encoder call per
    batch); returns how many were embedded. A document edited meanwhile keeps no stale vector:
    the write only lands while the encoded text is still the document's."""
    from .embeddings import encode_passages, to_bytes
    from .indexing import forget_readiness

    done = 0
    after = 0  # walk by id, so a document whose text changed meanwhile is not tried again in this pass
    while limit is None or done < limit:
        size = EMBED_BATCH if limit is None else min(EMBED_BATCH, limit - done)
        missing = SearchDocument.objects.filter(embedding__isnull=True)
        if kind is not None:
            missing = missing.filter(kind=kind)
        batch = list(missing.filter(pk__gt=after).order_by("id").only("id", "title", "embedded_text")[:size])
        if not batch:
            break
        rows = encode_passages([d.embedded_text or d.title for d in batch])
        now = timezone.now()
        after = batch[-1].pk
        for document, row in zip(batch, rows, strict=True):
            done += SearchDocument.objects.filter(pk=document.pk, embedded_text=document.embedded_text).update(
                embedding=to_bytes(row), embedded_at=now
            )
        forget_readiness()
    return done


def semantic_work_pending() -> bool:
    """Whether some document lacks its vector, or some public demand its recommendations."""
    from .models import Recommendation

    if SearchDocument.objects.filter(embedding__isnull=True).exists():
        return True
    recommended = Recommendation.objects.filter(source_kind=ItemKind.DEMAND).values("source_id")
    return SearchDocument.objects.filter(kind=ItemKind.DEMAND).exclude(object_id__in=recommended).exists()


@task()
def complete_semantic_index() -> dict[str, int]:
    """After a bulk load (the demo) or a restore: embed every document without a vector, build the
    vector index of each kind, then recommend for every item that has no recommendations yet —
    demands first, as an enterprise waits for them. Safe to run again: it only does what is missing."""
    from . import recommend, vectors
    from .models import Recommendation

    # The few demands first: an enterprise's demand is then matched on the achievements'
    # vectors as soon as those are in (the ones not yet in an ANN index are searched exactly).
    embedded = embed_missing(kind=ItemKind.DEMAND) + embed_missing(kind=ItemKind.ACHIEVEMENT)
    for kind in ItemKind.values:
        vectors.maintain(kind)
    recommended = 0
    for kind in (ItemKind.DEMAND, ItemKind.ACHIEVEMENT):
        have = Recommendation.objects.filter(source_kind=kind).values("source_id")
        for object_id in SearchDocument.objects.filter(kind=kind).exclude(object_id__in=have).values_list("object_id", flat=True):
            recommend.refresh(kind=kind, object_id=object_id)
            recommended += 1
    logger.info("semantic index completed: %s embedded, %s items recommended", embedded, recommended)
    return {"embedded": embedded, "recommended": recommended}


@task()
def forget_item(*, kind: str, object_id: int) -> None:
    from . import recommend

    recommend.forget(kind=kind, object_id=object_id)


@cron("*/15 * * * *")
@task()
def maintain_vector_index() -> dict[str, int]:
    """Embed what is missing, then extend the ANN index of each kind with its tail, or rebuild
    it when documents have left it (see `vectors`); returns the vectors indexed per kind changed."""
    from . import vectors

    done: dict[str, int] = {}
    embed_missing(limit=2000)
    for kind in ItemKind.values:
        meta = vectors.maintain(kind)
        if meta.get("action") != "none":
            done[kind] = int(meta.get("count", 0))
            logger.info("vector index %s: %s, %s vectors", kind, meta.get("action"), meta.get("count"))
    return done


@task()
def engine_sync(*, kind: str, object_ids: list[int], attempt: int = 1) -> int:
    """After commit: the search engine takes the items' documents as the database now holds them
    (or forgets them), then the keyword listings are asked afresh (engine.sync). When another
    process holds the engine's writer past its wait (a rebuild), the same sync is enqueued again a
    minute later, up to ENGINE_SYNC_ATTEMPTS times; past those the quarter-hourly catch-up mends
    a count that differs."""
    from . import engine

    try:
        return engine.sync(kind, object_ids)
    except engine.EngineBusy:
        if attempt >= ENGINE_SYNC_ATTEMPTS:
            logger.warning("检索引擎写入繁忙，已放弃同步 %s %s（第 %d 次）", kind, object_ids, attempt)
            raise
        later = timezone.now() + dt.timedelta(seconds=60)
        engine_sync.using(run_after=later).enqueue(kind=kind, object_ids=object_ids, attempt=attempt + 1)
        logger.info("检索引擎写入繁忙，%s %s 一分钟后再同步（第 %d 次）", kind, object_ids, attempt + 1)
        return 0


@cron("*/15 * * * *")
@task()
def engine_catch_up() -> dict[str, int]:
    """The search engine's index of a kind rebuilt when it holds another number of documents
    than the database (engine.catch_up); returns those rebuilt."""
    from . import engine

    return engine.catch_up()


@cron("40 * * * *")
@task()
def count_terms() -> dict[str, int]:
    """Count the index tokens of each kind again when the last count has gone stale (see
    `term_counts`); returns the documents counted per kind counted."""
    from . import term_counts

    done: dict[str, int] = {}
    for kind in ItemKind.values:
        run = term_counts.refresh_if_stale(kind)
        if run is not None:
            done[kind] = run.documents
    return done


@daily_job(
    JOB,
    "匹配推荐摘要：每日摘要，每周一另发每周摘要",
    at=DIGEST_AT,
    due=digests_due,
    labels={
        "daily": "每日摘要",
        "weekly": "每周摘要",
        "daily_skipped": "每日摘要由下一期一并发送",
        "weekly_skipped": "每周摘要由下一期一并发送",
    },
)
def send_match_digests(day: dt.date) -> dict[str, int]:
    """Each person's digest of new matches (digests.py: once per person and date, and a date
    caught up after its next digest is due is left to that one)."""
    return send_day_digests(day)
