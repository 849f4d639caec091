"""A search engine beside the database's full-text index, for a catalog that outgrows it
(docs/deployment.md, "When search moves to an engine").

The database's index (`backends`) stays the record: it is written in the catalog's own
transaction and every ranking, recommendation and evaluation reads it. An engine, when
`SEARCH_ENGINE` names one, holds a copy of the same segmented documents and answers the question
the database answers slowly at a million items: one page of a keyword listing, with the number
of matches, without reading every match. It is written only
after the catalog's commit, by the worker (`tasks.engine_sync`), and rebuilt from the documents
with `manage.py search_index engine`.

It makes the listing as the database would (`search.engine_page`): every word; when that finds
fewer than a few, items holding some of the rarer words after them; titles similar to the text
(pg_trgm, in the database) after a short list. Whatever it answers is read back through the
catalog's public listing, so a document the engine has not yet forgotten is never shown.

`tantivy` is an embedded engine (a Rust library): each kind's index is a folder under
`SEARCH_ENGINE_PATH`, on storage every web node reads (like the private files); one writer at
a time, the worker, holds its lock; a reader looks for a newer commit before each question.
A server engine (OpenSearch with a Chinese analyzer) answers the same `SearchEngine` methods.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from .backends import MAX_TERMS, TITLE_WEIGHT
from .models import ItemKind, SearchDocument
from .ranking import VOCABULARY_TTL
from .text import Vocabulary

logger = logging.getLogger(__name__)

WRITE_BATCH = 5000
LOCK_WAIT_SECONDS = 30.0  # a writer waits this long for another to finish before giving up
FACET_VALUES = 100  # more than there are top fields or modes
SCHEMA_VERSION = "1"  # a folder per version: a changed schema is built beside the old one


@dataclass(frozen=True)
class Matches:
    """One page of matches, best first, and how many there are in all."""

    object_ids: list[int]
    count: int


class SearchEngine(Protocol):
    name: str

    def page(self, *, kind: str, terms: Sequence[str], offset: int, limit: int, match_all: bool = True) -> Matches:
        """The items holding every term (or any, without `match_all`), best first, from `offset`;
        and their number."""
        ...

    def facets(self, *, kind: str, terms: Sequence[str]) -> dict[str, dict[str, int]]:
        """How many of the items holding every term fall in each top field ("field") and offer each
        mode ("mode")."""
        ...

    def document_frequency(self, *, kind: str, token: str) -> int: ...

    def documents(self, *, kind: str) -> int: ...

    def write(self, *, kind: str, object_ids: Sequence[int], read: Callable[[Sequence[int]], list[SearchDocument]]) -> int:
        """Make the engine hold the items' documents as `read` returns them (replacing an item's
        earlier one) and forget the items it returns none for; returns how many were put in.
        `read` is called once the engine's writer lock is held: two workers syncing the same item
        one after the other never leave the state the first one read."""
        ...

    def rebuild(
        self, *, kind: str, documents: Iterable[SearchDocument], progress: Callable[[int], None] | None = None
    ) -> int: ...


class EngineBusy(Exception):
    """Another process holds the engine's writer lock for longer than LOCK_WAIT_SECONDS."""


class TantivyEngine:
    """The embedded engine: the segmented title and text as whitespace-separated tokens (the
    same tokens the database indexes), BM25 with the title weighted TITLE_WEIGHT as in the
    database's ranking, and the item's id kept beside each document."""

    name = "tantivy"

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path) / f"v{SCHEMA_VERSION}"
        self._indexes: dict[str, Any] = {}
        self._lock = threading.Lock()

    @staticmethod
    def _schema() -> Any:
        import tantivy

        builder = tantivy.SchemaBuilder()
        builder.add_text_field("title", tokenizer_name="whitespace", index_option="freq")
        builder.add_text_field("body", tokenizer_name="whitespace", index_option="freq")
        # The item's id: indexed (an item's earlier document is deleted by it) and a fast field
        # (read for a page's hits without decompressing stored documents: nothing is stored).
        builder.add_integer_field("item", indexed=True, fast=True)
        # What a listing's facets count (catalog.selectors.achievement_facets): the top field, the modes.
        builder.add_text_field("top_field", tokenizer_name="raw", fast=True)
        builder.add_text_field("mode", tokenizer_name="raw", fast=True)
        return builder.build()

    def _index(self, kind: str, *, fresh: bool = True) -> Any:
        """The kind's index, made on first use. A read first looks for a newer commit (about
        12 µs): once the worker's write has bumped the catalog's generation, no listing may be
        answered, and kept, from the index as it was before."""
        import tantivy

        if kind not in ItemKind.values:
            raise ValueError(f"unknown kind {kind!r}")
        with self._lock:
            index = self._indexes.get(kind)
            if index is None:
                folder = self.path / kind
                folder.mkdir(parents=True, exist_ok=True)
                index = self._indexes[kind] = tantivy.Index(self._schema(), path=str(folder), reuse=True)
            elif fresh:
                index.reload()
            return index

    def _term(self, schema: Any, token: str) -> Any:
        import tantivy

        title = tantivy.Query.boost_query(tantivy.Query.term_query(schema, "title", token), TITLE_WEIGHT)
        body = tantivy.Query.term_query(schema, "body", token)
        return tantivy.Query.boolean_query([(tantivy.Occur.Should, title), (tantivy.Occur.Should, body)])

    def _every(self, schema: Any, terms: Sequence[str], *, match_all: bool = True) -> Any:
        import tantivy

        occur = tantivy.Occur.Must if match_all else tantivy.Occur.Should
        return tantivy.Query.boolean_query([(occur, self._term(schema, t)) for t in terms])

    def page(self, *, kind: str, terms: Sequence[str], offset: int, limit: int, match_all: bool = True) -> Matches:
        terms = [t for t in terms if t.strip()][:MAX_TERMS]
        if not terms:
            return Matches([], 0)
        index = self._index(kind)
        searcher = index.searcher()
        found = searcher.search(self._every(index.schema, terms, match_all=match_all), limit, count=True, offset=offset)
        ids = searcher.fast_field_values("item", [address for _, address in found.hits]) if found.hits else []
        return Matches([int(i) for i in ids], int(found.count or 0))

    def facets(self, *, kind: str, terms: Sequence[str]) -> dict[str, dict[str, int]]:
        terms = [t for t in terms if t.strip()][:MAX_TERMS]
        if not terms:
            return {"field": {}, "mode": {}}
        index = self._index(kind)
        asked = {name: {"terms": {"field": name, "size": FACET_VALUES}} for name in ("top_field", "mode")}
        found = index.searcher().aggregate(self._every(index.schema, terms), asked)
        return {
            facet: {str(b["key"]): int(b["doc_count"]) for b in found[name]["buckets"]}
            for facet, name in (("field", "top_field"), ("mode", "mode"))
        }

    def document_frequency(self, *, kind: str, token: str) -> int:
        """Items whose title or text hold the token (the larger of the two counts: a token of a
        title is nearly always in the text too, which holds the keywords and the field)."""
        searcher = self._index(kind).searcher()
        return max(int(searcher.doc_freq("title", token)), int(searcher.doc_freq("body", token)))

    def documents(self, *, kind: str) -> int:
        return int(self._index(kind).searcher().num_docs)

    def _writer(self, kind: str, *, wait: float | None = None) -> Any:
        deadline = time.monotonic() + (LOCK_WAIT_SECONDS if wait is None else wait)
        index = self._index(kind, fresh=False)
        while True:
            try:
                return index.writer(heap_size=64_000_000, num_threads=1)
            except ValueError as exc:  # LockBusy: another process writes
                if "Lock" not in str(exc) or time.monotonic() > deadline:
                    raise EngineBusy(str(exc)) from exc
                time.sleep(0.2)

    @staticmethod
    def _document(document: SearchDocument) -> Any:
        import tantivy

        return tantivy.Document(
            title=document.segmented_title,
            body=document.segmented,
            item=document.object_id,
            top_field=document.top_field_code,
            mode=[str(m) for m in document.modes or []],
        )

    def write(self, *, kind: str, object_ids: Sequence[int], read: Callable[[Sequence[int]], list[SearchDocument]]) -> int:
        writer = self._writer(kind)
        documents = read(object_ids)  # after the lock: what the database holds now
        for object_id in object_ids:
            writer.delete_documents_by_term("item", int(object_id))
        for document in documents:
            writer.add_document(self._document(document))
        writer.commit()
        writer.wait_merging_threads()
        return len(documents)

    def rebuild(self, *, kind: str, documents: Iterable[SearchDocument], progress: Callable[[int], None] | None = None) -> int:
        writer = self._writer(kind)
        writer.delete_all_documents()
        written = 0
        for document in documents:
            writer.add_document(self._document(document))
            written += 1
            if progress is not None and written % WRITE_BATCH == 0:
                progress(written)
        writer.commit()
        writer.wait_merging_threads()
        return written


_engines: dict[tuple[str, str], SearchEngine] = {}


def engine() -> SearchEngine | None:
    """The engine `SEARCH_ENGINE` names (one per process), or None: the database alone."""
    name = getattr(settings, "SEARCH_ENGINE", "")
    if not name:
        return None
    path = str(getattr(settings, "SEARCH_ENGINE_PATH", ""))
    key = (name, path)
    found = _engines.get(key)
    if found is None:
        if name != "tantivy":
            raise ImproperlyConfigured(f"SEARCH_ENGINE：未知的检索引擎 {name!r}（可选 tantivy，或留空只用数据库全文检索）")
        if not path:
            raise ImproperlyConfigured("SEARCH_ENGINE_PATH：未设置检索引擎的索引目录")
        found = _engines[key] = TantivyEngine(path)
    return found


def forget_engines() -> None:
    """Tests that point SEARCH_ENGINE_PATH elsewhere start from a new engine object."""
    _engines.clear()
    _vocabularies.clear()


_vocabularies: dict[str, tuple[float, Vocabulary]] = {}


def vocabulary(kind: str, found: SearchEngine) -> Vocabulary:
    """Document frequencies as the engine counts them (no database round trip), kept per process
    for VOCABULARY_TTL like the database's (`ranking.vocabulary`)."""
    cached = _vocabularies.get(kind)
    if cached is not None and time.monotonic() - cached[0] < VOCABULARY_TTL:
        return cached[1]
    result = Vocabulary(lambda token: found.document_frequency(kind=kind, token=token), found.documents(kind=kind))
    _vocabularies[kind] = (time.monotonic(), result)
    return result


def documents_of(kind: str, object_ids: Iterable[int] | None = None) -> Iterable[SearchDocument]:
    """The kind's documents as the engine takes them (all of them, in id order, when no ids)."""
    rows = SearchDocument.objects.filter(kind=kind).only(
        "id", "object_id", "segmented_title", "segmented", "top_field_code", "modes"
    )
    if object_ids is not None:
        return list(rows.filter(object_id__in=list(object_ids)))
    return rows.order_by("id").iterator(chunk_size=WRITE_BATCH)


def sync(kind: str, object_ids: Sequence[int]) -> int:
    """Make the engine hold what the database holds for these items now (written or forgotten),
    then have the keyword listings asked afresh."""
    found = engine()
    if found is None or not object_ids:
        return 0
    written = found.write(kind=kind, object_ids=object_ids, read=lambda ids: list(documents_of(kind, ids)))
    _listings_changed(kind)
    return written


def rebuild(kind: str, progress: Callable[[int], None] | None = None) -> int:
    """Write every document of the kind into the engine again, then have the keyword listings
    asked afresh."""
    found = engine()
    if found is None:
        return 0
    written = found.rebuild(kind=kind, documents=documents_of(kind), progress=progress)
    _listings_changed(kind)
    return written


def _listings_changed(kind: str) -> None:
    from usefirst.catalog.selectors import catalog_changed

    catalog_changed(kind)  # no listing kept from the engine as it was is shown again


def catch_up() -> dict[str, int]:
    """Rebuild each kind whose engine index holds another number of documents than the database
    (a bulk load, a restore, writes lost while the engine was down); returns those rebuilt."""
    found = engine()
    done: dict[str, int] = {}
    if found is None:
        return done
    for kind in ItemKind.values:
        if found.documents(kind=kind) != SearchDocument.objects.filter(kind=kind).count():
            done[kind] = rebuild(kind)
            logger.info("search engine %s: %s rebuilt, %s documents", found.name, kind, done[kind])
    return done
