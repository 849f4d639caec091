"""Full-text search behind one interface: SQLite FTS5 in the embedded default, PostgreSQL
full-text search (stored tsvectors of the segmented text, `simple` configuration, GIN per kind;
`pg_fulltext`) in production.

Both index the same jieba-segmented text (`text.index_text`), so a query term is a whole
token on both engines. Terms are always passed as quoted phrases or bound parameters, never
spliced as syntax: a query of `" * : ( ) AND OR NEAR -` is just words or nothing.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from django.db import connections
from django.db.backends.utils import CursorWrapper

from . import pg_fulltext
from .models import ItemKind, SearchDocument
from .text import normalise

logger = logging.getLogger(__name__)

FTS_TABLE = "matching_fts"
MAX_TERMS = 32  # a query of more words is cut here: nobody means all of 10,000 characters
TITLE_WEIGHT = 3.0
# Both engines score every row a query matches before the limit applies (bm25 / ts_rank), so a
# common word over a million documents would cost seconds. Past this many matches of the kind
# searched, only the newest ones (highest document id: the order of indexing, a static score)
# are ranked. Below it nothing changes (match_eval's 4,406 records never reach it).
RANK_WINDOW = 2000
# PostgreSQL looks for a common query's RANK_WINDOW newest matches among the newest documents
# expected to hold this many times as many (`PostgresBackend._newest_floor`), and over every
# document when that finds fewer; it does so only when those are less than this share of all.
NEWEST_MARGIN = 2.0
NEWEST_WORTH_IT = 0.5


@dataclass(frozen=True)
class Estimate:
    """How many documents of the kind a query is expected to match (from the terms' document
    frequencies: a sum for any-term queries, a product of shares for all-term ones), and how
    many documents the kind has."""

    matches: int
    documents: int

    @property
    def few(self) -> bool:
        """Few enough matches that reading every one (M rows, through the GIN index) beats
        walking the newest documents until RANK_WINDOW of them match (about W·N/M rows):
        M <= sqrt(W·N), and never fewer than a few windows."""
        return self.matches <= max(4 * RANK_WINDOW, math.isqrt(RANK_WINDOW * max(self.documents, 1)))


@dataclass(frozen=True)
class Hit:
    document_id: int
    object_id: int
    score: float  # higher is better; only comparable within one result list


class SearchBackend(Protocol):
    vendor: str

    def index(self, document: SearchDocument) -> None: ...

    def remove(self, document_ids: Sequence[int]) -> None: ...

    def search(
        self, *, kind: str, terms: Sequence[str], match_all: bool, limit: int, estimate: Estimate | None = None
    ) -> list[Hit]: ...

    def count(self, *, kind: str, token: str, cap: int) -> int: ...

    def newest_counts(self, *, kind: str, tokens: Sequence[str], sample: int, after: int = 0) -> tuple[dict[str, int], int]: ...

    def fuzzy_titles(self, *, kind: str, text: str, limit: int) -> list[Hit]: ...


def _fts5_phrase(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


class SqliteBackend:
    vendor = "sqlite"

    def __init__(self, using: str = "default") -> None:
        self.using = using

    def index(self, document: SearchDocument) -> None:
        with connections[self.using].cursor() as cursor:
            cursor.execute(f"DELETE FROM {FTS_TABLE} WHERE rowid = %s", [document.pk])  # noqa: S608 (constant identifiers only; values are bound)
            cursor.execute(
                f"INSERT INTO {FTS_TABLE} (rowid, title, body) VALUES (%s, %s, %s)",  # noqa: S608 (constant identifiers only; values are bound)
                [document.pk, document.segmented_title, document.segmented],
            )

    def remove(self, document_ids: Sequence[int]) -> None:
        if not document_ids:
            return
        with connections[self.using].cursor() as cursor:
            cursor.executemany(f"DELETE FROM {FTS_TABLE} WHERE rowid = %s", [[pk] for pk in document_ids])  # noqa: S608 (constant identifiers only; values are bound)

    def search(
        self, *, kind: str, terms: Sequence[str], match_all: bool, limit: int, estimate: Estimate | None = None
    ) -> list[Hit]:
        terms = [t for t in terms if t.strip()][:MAX_TERMS]
        if not terms:
            return []
        expression = (" AND " if match_all else " OR ").join(_fts5_phrase(t) for t in terms)
        with connections[self.using].cursor() as cursor:
            # The one FTS5 table holds both kinds: the walk starts at the kind's newest document,
            # not at the other kind's newer ones. CROSS JOIN keeps the full-text match the outer
            # loop (else SQLite walks the kind's documents and probes the match once per row).
            cursor.execute("SELECT max(id) FROM matching_searchdocument WHERE kind = %s", [kind])
            newest = cursor.fetchone()[0]
            if newest is None:
                return []
            # The rowid of the RANK_WINDOW-th newest match, walking the doclists newest first
            # (no ranking); none when the query matches fewer rows.
            cursor.execute(
                f"SELECT {FTS_TABLE}.rowid FROM {FTS_TABLE} CROSS JOIN matching_searchdocument d ON d.id = {FTS_TABLE}.rowid "  # noqa: S608 (constant identifiers only; values are bound)
                f"WHERE {FTS_TABLE} MATCH %s AND {FTS_TABLE}.rowid <= %s AND d.kind = %s "
                f"ORDER BY {FTS_TABLE}.rowid DESC LIMIT 1 OFFSET %s",
                [expression, newest, kind, RANK_WINDOW - 1],
            )
            row = cursor.fetchone()
            window = f"AND {FTS_TABLE}.rowid >= %s " if row else ""
            sql = (
                f"SELECT d.id, d.object_id, bm25({FTS_TABLE}, %s, 1.0) AS rank FROM {FTS_TABLE} "  # noqa: S608 (constant identifiers only; values are bound)
                f"CROSS JOIN matching_searchdocument d ON d.id = {FTS_TABLE}.rowid "
                f"WHERE {FTS_TABLE} MATCH %s {window}AND {FTS_TABLE}.rowid <= %s AND d.kind = %s ORDER BY rank LIMIT %s"
            )
            cursor.execute(sql, [TITLE_WEIGHT, expression, *([row[0]] if row else []), newest, kind, limit])
            return [Hit(row[0], row[1], -float(row[2])) for row in cursor.fetchall()]

    def count(self, *, kind: str, token: str, cap: int) -> int:
        # CROSS JOIN keeps the full-text match as the outer loop: with a plain JOIN SQLite may
        # walk every document of the kind and probe the index once per row.
        with connections[self.using].cursor() as cursor:
            cursor.execute(
                f"SELECT count(*) FROM (SELECT 1 FROM {FTS_TABLE} CROSS JOIN matching_searchdocument d "  # noqa: S608 (constant identifiers only; values are bound)
                f"ON d.id = {FTS_TABLE}.rowid WHERE {FTS_TABLE} MATCH %s AND d.kind = %s LIMIT %s)",
                [_fts5_phrase(token), kind, cap],
            )
            return int(cursor.fetchone()[0])

    def newest_counts(self, *, kind: str, tokens: Sequence[str], sample: int, after: int = 0) -> tuple[dict[str, int], int]:
        """How many of the kind's `sample` newest documents (of those with an id above `after`)
        contain each token, and how many were looked at."""
        with connections[self.using].cursor() as cursor:
            cursor.execute(
                "SELECT min(id), max(id), count(*) FROM (SELECT id FROM matching_searchdocument "
                "WHERE kind = %s AND id > %s ORDER BY id DESC LIMIT %s)",
                [kind, after, sample],
            )
            first, last, sampled = cursor.fetchone()
            counts = dict.fromkeys(tokens, 0)
            if not sampled:
                return counts, 0
            for token in tokens:  # each a seek into the token's doclist
                cursor.execute(
                    f"SELECT count(*) FROM {FTS_TABLE} CROSS JOIN matching_searchdocument d ON d.id = {FTS_TABLE}.rowid "  # noqa: S608 (constant identifiers only; values are bound)
                    f"WHERE {FTS_TABLE} MATCH %s AND {FTS_TABLE}.rowid BETWEEN %s AND %s AND d.kind = %s",
                    [_fts5_phrase(token), first, last, kind],
                )
                counts[token] = int(cursor.fetchone()[0])
            return counts, int(sampled)

    def fuzzy_titles(self, *, kind: str, text: str, limit: int) -> list[Hit]:
        return []  # FTS5 has no trigram similarity over segmented text; the OR fallback covers typos of one word


class PostgresBackend:
    vendor = "postgresql"

    def __init__(self, using: str = "default") -> None:
        self.using = using

    def index(self, document: SearchDocument) -> None:
        with connections[self.using].cursor() as cursor:
            cursor.execute(pg_fulltext.UPSERT, [document.kind, document.pk, document.segmented_title, document.segmented])

    def remove(self, document_ids: Sequence[int]) -> None:
        if not document_ids:
            return
        with connections[self.using].cursor() as cursor:
            # Every kind listed, so that the primary key (kind, document_id) finds the rows.
            cursor.execute(
                f"DELETE FROM {pg_fulltext.TABLE} WHERE kind = ANY(%s) AND document_id = ANY(%s)",  # noqa: S608 (constant identifiers only; values are bound)
                [list(ItemKind.values), list(document_ids)],
            )

    def search(
        self, *, kind: str, terms: Sequence[str], match_all: bool, limit: int, estimate: Estimate | None = None
    ) -> list[Hit]:
        terms = [t for t in terms if t.strip()][:MAX_TERMS]
        if not terms:
            return []
        joiner = " && " if match_all else " || "
        query = joiner.join(["plainto_tsquery('simple'::regconfig, %s)"] * len(terms))
        # As on SQLite, at most the RANK_WINDOW newest matches are ranked (ts_rank on the stored
        # vector, in the window only). The planner's estimate of a tsquery is poor for rare
        # lexemes (at a million documents it walked 400,000 rows to find 5,000 matches), so the
        # terms' document frequencies choose (`Estimate.few`): `+ 0` in the ORDER BY rules out
        # the walk down the kind's primary key, leaving the GIN index.
        few = estimate is not None and estimate.few
        order = "f.document_id + 0" if few else "f.document_id"
        sql = (
            f"SELECT f.document_id, ts_rank(f.vector, query.q) FROM {pg_fulltext.TABLE} f, (SELECT {query} AS q) AS query "  # noqa: S608 (constant identifiers only; values are bound)
            f"WHERE f.kind = %s AND f.vector @@ query.q {{newest}}ORDER BY {order} DESC LIMIT %s"
        )
        with connections[self.using].cursor() as cursor:
            rows: list[tuple[int, float]] = []
            floor = self._newest_floor(cursor, kind, estimate) if few and estimate is not None else None
            if floor is not None:
                # Only the newest documents' pages are read (`_newest_floor`); when they hold
                # fewer than RANK_WINDOW matches the query is asked again over every document.
                cursor.execute(sql.format(newest="AND f.document_id >= %s "), [*terms, kind, floor, RANK_WINDOW])
                rows = cursor.fetchall()
            if len(rows) < RANK_WINDOW:
                cursor.execute(sql.format(newest=""), [*terms, kind, RANK_WINDOW])
                rows = cursor.fetchall()
            best = sorted(((int(r[0]), float(r[1])) for r in rows), key=lambda r: (-r[1], r[0]))[:limit]
            if not best:
                return []
            # The kind named: the index (kind, id, object_id) answers alone.
            cursor.execute(
                "SELECT id, object_id FROM matching_searchdocument WHERE kind = %s AND id = ANY(%s)",
                [kind, [pk for pk, _ in best]],
            )
            objects = dict(cursor.fetchall())
        return [Hit(pk, objects[pk], rank) for pk, rank in best if pk in objects]

    @staticmethod
    def _newest_floor(cursor: CursorWrapper, kind: str, estimate: Estimate) -> int | None:
        """The lowest document id of the kind's newest documents that are expected to hold
        NEWEST_MARGIN times RANK_WINDOW of the estimated matches; None when that is most of them.
        The table's pages follow its ids (rows are written as documents are made), so its block
        ranges (`pg_fulltext.NEWEST_RANGES`, BRIN) and the GIN index together read only the newest
        pages: for a word in 1 % of a million documents about 4,000 rows instead of 10,000."""
        share = NEWEST_MARGIN * RANK_WINDOW / max(estimate.matches, 1)
        if share >= NEWEST_WORTH_IT:
            return None
        cursor.execute(f"SELECT min(document_id), max(document_id) FROM {pg_fulltext.TABLE} WHERE kind = %s", [kind])  # noqa: S608 (constant identifiers only; values are bound)
        low, high = cursor.fetchone()
        if high is None:
            return None
        return int(high - math.floor((high - low + 1) * share))

    def count(self, *, kind: str, token: str, cap: int) -> int:
        with connections[self.using].cursor() as cursor:
            cursor.execute(
                f"SELECT count(*) FROM (SELECT 1 FROM {pg_fulltext.TABLE} WHERE kind = %s "  # noqa: S608 (constant identifiers only; values are bound)
                "AND vector @@ plainto_tsquery('simple'::regconfig, %s) LIMIT %s) AS m",
                [kind, token, cap],
            )
            return int(cursor.fetchone()[0])

    def newest_counts(self, *, kind: str, tokens: Sequence[str], sample: int, after: int = 0) -> tuple[dict[str, int], int]:
        """How many of the kind's `sample` newest documents (of those with an id above `after`)
        contain each token (one walk down the primary key for every token), and how many were
        looked at."""
        filters = ", ".join(["count(*) FILTER (WHERE s.vector @@ plainto_tsquery('simple'::regconfig, %s))"] * len(tokens))
        with connections[self.using].cursor() as cursor:
            cursor.execute(
                f"SELECT count(*){', ' if tokens else ''}{filters} FROM ("  # noqa: S608 (constant identifiers only; values are bound)
                f"SELECT vector FROM {pg_fulltext.TABLE} WHERE kind = %s AND document_id > %s "
                "ORDER BY document_id DESC LIMIT %s) AS s",
                [*tokens, kind, after, sample],
            )
            row = cursor.fetchone()
        return {token: int(value) for token, value in zip(tokens, row[1:], strict=True)}, int(row[0])

    def fuzzy_titles(self, *, kind: str, text: str, limit: int) -> list[Hit]:
        # Normalised like every query (control characters such as NUL, which PostgreSQL refuses
        # in text, become spaces; traditional characters simplified), then compared with the title.
        text = normalise(text).strip()
        if not text or not trigram_available(self.using):
            return []
        sql = (
            "SELECT id, object_id, similarity(title, %s) AS s FROM matching_searchdocument "
            "WHERE kind = %s AND title %% %s ORDER BY s DESC, id LIMIT %s"
        )
        with connections[self.using].cursor() as cursor:
            cursor.execute(sql, [text, kind, text, limit])
            return [Hit(row[0], row[1], float(row[2])) for row in cursor.fetchall()]


_trigram: dict[str, tuple[bool, str]] = {}
# A probe of Chinese text: pg_trgm must see its characters as letters to make trigrams of them.
TRIGRAM_PROBE = "钙钛矿电池"


def trigram_status(using: str = "default") -> tuple[bool, str]:
    """Whether fuzzy title search (pg_trgm) works on this database, and why not.

    pg_trgm splits text by the database's character classification: under `lc_ctype` C it
    sees no letters in Chinese and makes no trigrams of it. Rather than trusting the locale's
    name (C.UTF-8 classifies CJK as letters, C does not), the probe asks pg_trgm itself."""
    if using in _trigram:
        return _trigram[using]
    available, reason = False, ""
    connection = connections[using]
    if connection.vendor != "postgresql":
        reason = "数据库不是 PostgreSQL（SQLite FTS5 不提供标题模糊检索，关键词的“任一匹配”兜底）"
    else:
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_setting('lc_ctype'), EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm')")
            ctype, installed = cursor.fetchone()
            if not installed:
                reason = "未安装 pg_trgm 扩展（需有权限执行 CREATE EXTENSION pg_trgm 后重新迁移）"
            else:
                cursor.execute("SELECT coalesce(array_length(show_trgm(%s), 1), 0)", [TRIGRAM_PROBE])
                if int(cursor.fetchone()[0]) == 0:
                    reason = f"数据库字符分类 lc_ctype 为 {ctype}，pg_trgm 无法切分中文（需以非 C 的 lc_ctype 建库）"
                else:
                    available = True
    if not available:
        logger.warning("标题模糊检索不可用：%s", reason)
    _trigram[using] = (available, reason)
    return available, reason


def trigram_available(using: str = "default") -> bool:
    return trigram_status(using)[0]


def forget_trigram_status(using: str | None = None) -> None:
    if using is None:
        _trigram.clear()
    else:
        _trigram.pop(using, None)


def backend(using: str = "default") -> SearchBackend:
    vendor = connections[using].vendor
    if vendor == "postgresql":
        return PostgresBackend(using)
    if vendor == "sqlite":
        return SqliteBackend(using)
    raise NotImplementedError(f"no search backend for {vendor}")
