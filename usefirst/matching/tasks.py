"""Background work of matching: vectors, recommendations, the ANN index, term counts, digests.

Scheduled with crontask (the scheduler imports `<app>.tasks` of every installed app); item
work is enqueued after commit by `indexing.after_change`.
"""

from __future__ import annotations

import datetime as dt
import logging

from crontask import cron
from django.tasks import task
from django.utils import timezone

from .models import ItemKind, SearchDocument

logger = logging.getLogger(__name__)
NEIGHBOURS_REFRESHED = 10


def embed_document(document: SearchDocument) -> SearchDocument:
    from .embeddings import encode_passages, to_bytes

    vector = encode_passages([document.embedded_text or document.title])[0]
    SearchDocument.objects.filter(pk=document.pk, embedded_text=document.embedded_text).update(
        embedding=to_bytes(vector), embedded_at=timezone.now()
    )
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
    for document in SearchDocument.objects.filter(embedding__isnull=True).order_by("id")[:2000]:
        embed_document(document)
    for kind in ItemKind.values:
        meta = vectors.maintain(kind)
        if meta.get("action") != "none":
            done[kind] = int(meta.get("count", 0))
            logger.info("vector index %s: %s, %s vectors", kind, meta.get("action"), meta.get("count"))
    return done


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


@cron("0 8 * * *")
@task()
def send_daily_match_digests() -> int:
    from .digests import send_digests

    return send_digests(frequency="daily", since=timezone.now() - dt.timedelta(days=1))


@cron("0 8 * * Mon")
@task()
def send_weekly_match_digests() -> int:
    from .digests import send_digests

    return send_digests(frequency="weekly", since=timezone.now() - dt.timedelta(days=7))
