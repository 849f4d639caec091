"""Keeping the search index in step with the catalog.

An item is indexed exactly while it is public: a published, unrestricted achievement; a
published demand before its deadline. Any other state (draft, withdrawn, taken down, closed,
expired, restricted) removes its document. The document row is written in the same
transaction as the catalog change (a rollback takes both back); the vector and the
recommendations follow in the background worker after commit.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from usefirst.catalog.choices import AchievementStatus, DemandStatus
from usefirst.catalog.models import Achievement, Demand
from usefirst.catalog.selectors import catalog_changed
from usefirst.core.cache import bump
from usefirst.core.dates import today
from usefirst.core.regions import region_of

from .backends import backend
from .embeddings import passage_text
from .models import ItemKind, SearchDocument
from .text import index_text


def achievement_is_indexable(achievement: Achievement) -> bool:
    return achievement.status == AchievementStatus.PUBLISHED and not achievement.restriction


def demand_is_indexable(demand: Demand) -> bool:
    return demand.status == DemandStatus.PUBLISHED and demand.deadline >= today()


def _modes(achievement: Achievement) -> list[str]:
    flags = {
        "pay_later": achievement.offers_pay_later,
        "cooperate_later": achievement.offers_cooperate_later,
        "open_licence": achievement.offers_open_licence,
    }
    return [mode for mode, on in flags.items() if on]


def _keywords(raw: Any) -> list[str]:
    return [str(k) for k in raw] if isinstance(raw, list) else []


def achievement_fields(achievement: Achievement) -> dict[str, Any]:
    owner = achievement.owner
    field = achievement.field
    keywords = _keywords(achievement.keywords)
    body = "\n".join(p for p in (achievement.summary, achievement.problem_solved, achievement.advantages) if p)
    return {
        "title": achievement.title,
        "body": body,
        "keywords": keywords,
        "segmented_title": index_text(achievement.title),
        "segmented": index_text(" ".join(keywords), body, field.name, achievement.discipline),
        "field_code": field.code,
        "top_field_code": field.top.code,
        "field_name": str(field),
        "city": owner.city,
        "county": owner.county,
        "region": region_of(owner.city),
        "trl": achievement.trl,
        "modes": _modes(achievement),
        "unit_kind": owner.kind,
        "enterprise_size": "",
        "owner_id": owner.pk,
        "published_at": achievement.published_at,
        "embedded_text": passage_text(title=achievement.title, keywords=keywords, body=achievement.summary),
    }


def demand_fields(demand: Demand) -> dict[str, Any]:
    enterprise = demand.enterprise
    field = demand.field
    keywords = _keywords(demand.keywords)
    # The deal lands where the enterprise (or the site it names) is: its county decides the region.
    city, county = (demand.city, demand.county) if demand.county else (enterprise.city, enterprise.county)
    return {
        "title": demand.title,
        "body": demand.description,
        "keywords": keywords,
        "segmented_title": index_text(demand.title),
        "segmented": index_text(" ".join(keywords), demand.description, field.name),
        "field_code": field.code,
        "top_field_code": field.top.code,
        "field_name": str(field),
        "city": city,
        "county": county,
        "region": region_of(city),
        "trl": None,
        "modes": [str(f) for f in demand.cooperation_forms] if isinstance(demand.cooperation_forms, list) else [],
        "unit_kind": enterprise.kind,
        "enterprise_size": enterprise.enterprise_size,
        "owner_id": enterprise.pk,
        "published_at": demand.published_at,
        "embedded_text": passage_text(title=demand.title, keywords=keywords, body=demand.description),
    }


def upsert_document(*, kind: str, object_id: int, fields: dict[str, Any], using: str = "default") -> SearchDocument:
    """Write the document and its full-text row; keep the vector when the encoded text is unchanged."""
    document = SearchDocument.objects.using(using).filter(kind=kind, object_id=object_id).first()
    if document is None:
        document = SearchDocument(kind=kind, object_id=object_id)
    elif document.embedded_text != fields["embedded_text"]:
        document.embedding = None
        document.embedded_at = None
    for name, value in fields.items():
        setattr(document, name, value)
    document.updated_at = timezone.now()
    document.save(using=using)
    backend(using).index(document)
    forget_readiness(kind)
    return document


def remove_documents(*, kind: str, object_ids: Iterable[int], using: str = "default") -> int:
    documents = SearchDocument.objects.using(using).filter(kind=kind, object_id__in=list(object_ids))
    ids = list(documents.values_list("id", flat=True))
    if not ids:
        return 0
    backend(using).remove(ids)
    SearchDocument.objects.using(using).filter(pk__in=ids).delete()
    forget_readiness(kind)
    return len(ids)


def sync_achievement(achievement: Achievement) -> SearchDocument | None:
    if not achievement_is_indexable(achievement):
        remove_documents(kind=ItemKind.ACHIEVEMENT, object_ids=[achievement.pk])
        return None
    achievement = Achievement.objects.select_related("owner", "field", "field__parent").get(pk=achievement.pk)
    return upsert_document(kind=ItemKind.ACHIEVEMENT, object_id=achievement.pk, fields=achievement_fields(achievement))


def sync_demand(demand: Demand) -> SearchDocument | None:
    if not demand_is_indexable(demand):
        remove_documents(kind=ItemKind.DEMAND, object_ids=[demand.pk])
        return None
    demand = Demand.objects.select_related("enterprise", "field", "field__parent").get(pk=demand.pk)
    return upsert_document(kind=ItemKind.DEMAND, object_id=demand.pk, fields=demand_fields(demand))


def after_change(kind: str, document: SearchDocument | None, object_id: int) -> None:
    """After commit: the worker embeds the item and refreshes the recommendations around it."""
    from . import tasks

    if document is not None:
        transaction.on_commit(lambda: tasks.embed_and_recommend.enqueue(kind=kind, object_id=object_id))
    else:
        transaction.on_commit(lambda: tasks.forget_item.enqueue(kind=kind, object_id=object_id))
    engine_after_commit(kind, [object_id])


def engine_after_commit(kind: str, object_ids: list[int]) -> None:
    """With a search engine (engine.py), the worker gives it the items as they are after commit."""
    from . import engine, tasks

    if engine.engine() is not None:
        transaction.on_commit(lambda: tasks.engine_sync.enqueue(kind=kind, object_ids=object_ids))


def indexable_counts() -> dict[str, int]:
    """How many catalog items of each kind should have a document now (see the module's rule)."""
    return {
        ItemKind.ACHIEVEMENT: Achievement.objects.filter(status=AchievementStatus.PUBLISHED, restriction="").count(),
        ItemKind.DEMAND: Demand.objects.filter(status=DemandStatus.PUBLISHED, deadline__gte=today()).count(),
    }


@dataclass(frozen=True)
class Readiness:
    """How much of one kind's index is ready: documents, and those with their vector."""

    documents: int
    embedded: int

    @property
    def complete(self) -> bool:
        return self.embedded >= self.documents

    @property
    def usable(self) -> bool:
        """Dense ranking over a small embedded part would offer the few items embedded so far for
        every query (a dense retriever finds neighbours for any text): keep it until most are in."""
        return self.documents > 0 and self.embedded >= self.documents * SEMANTIC_READY_SHARE

    @property
    def percent(self) -> int:
        return 100 if not self.documents else self.embedded * 100 // self.documents


SEMANTIC_READY_SHARE = 0.95


def readiness(kind: str) -> Readiness:
    documents = SearchDocument.objects.filter(kind=kind)
    return Readiness(documents=documents.count(), embedded=documents.filter(embedding__isnull=False).count())


READINESS_SECONDS = 60


def _readiness_key(kind: str) -> str:
    return f"matching:readiness:{kind}"


def semantic_readiness(kind: str) -> Readiness:
    """`readiness`, kept in the cache for READINESS_SECONDS (two counts over the whole index are
    too dear for every query at a million documents) and forgotten whenever a document or its
    vector changes."""
    cached = cache.get(_readiness_key(kind))
    if isinstance(cached, Readiness):
        return cached
    ready = readiness(kind)
    cache.set(_readiness_key(kind), ready, READINESS_SECONDS)
    return ready


def search_generation_key(kind: str) -> str:
    """The generation (core.cache) of `kind`'s search index: the search pages cached under it
    (search.search) are asked afresh once a document or its vector changes."""
    return f"matching:generation:{kind}"


def forget_readiness(kind: str | None = None) -> None:
    """A document or its vector changed: readiness is counted again, searches are asked again."""
    kinds = [kind] if kind else list(ItemKind.values)
    cache.delete_many([_readiness_key(k) for k in kinds])
    for k in kinds:
        bump(search_generation_key(k))


def ensure_complete() -> dict[str, int]:
    """Make the lexical index hold every public item (a bulk load or a restore may have bypassed
    the signals: then rebuild it), and have the worker embed and recommend what is missing.
    Returns the documents (re)indexed per kind; safe to run at every start."""
    from . import tasks

    expected = indexable_counts()
    rebuilt: dict[str, int] = {}
    stale = [kind for kind, number in expected.items() if SearchDocument.objects.filter(kind=kind).count() != number]
    if stale:
        rebuilt = rebuild(kinds=stale)
    if tasks.semantic_work_pending():
        transaction.on_commit(lambda: tasks.complete_semantic_index.enqueue())
    return rebuilt


def rebuild(*, kinds: Iterable[str] = (ItemKind.ACHIEVEMENT, ItemKind.DEMAND)) -> dict[str, int]:
    """Re-derive every document from the catalog (after a dictionary change, or a bulk import
    that bypassed the signals), then count the index tokens of each kind again when stale."""
    from . import term_counts

    counts: dict[str, int] = {}
    for kind in kinds:
        if kind == ItemKind.ACHIEVEMENT:
            items: Iterable[Any] = Achievement.objects.select_related("owner", "field", "field__parent").iterator()
            sync: Any = sync_achievement
        else:
            items = Demand.objects.select_related("enterprise", "field", "field__parent").iterator()
            sync = sync_demand
        indexed = 0
        seen: list[int] = []
        for item in items:
            seen.append(item.pk)
            if sync(item) is not None:
                indexed += 1
        stale = SearchDocument.objects.filter(kind=kind).exclude(object_id__in=seen).values_list("object_id", flat=True)
        remove_documents(kind=kind, object_ids=list(stale))
        term_counts.refresh_if_stale(kind)
        catalog_changed(kind)  # the keyword listings' cached matches (catalog.selectors.public_listing)
        counts[kind] = indexed
    return counts
