"""The PostgreSQL full-text table's DDL, shared by its migration and the benchmark's bulk build.

One row per search document: its kind, its id and a stored `tsvector` of the segmented title
(weight A) and the segmented keywords and body. Kinds are the values of `ItemKind`; a partial
GIN index per kind keeps each kind's posting lists apart. Like SQLite's FTS5 table the table has
no foreign key (Django's test flush truncates only its own tables): `PostgresBackend.remove`
deletes a document's row, and queries join the documents, so a stray row is never a result.
"""

from __future__ import annotations

from .models import ItemKind

TABLE = "matching_fts"
# The vector of a document row's segmented text; `title` / `body` are bound parameters or columns.
VECTOR_OF = "setweight(to_tsvector('simple'::regconfig, {title}), 'A') || to_tsvector('simple'::regconfig, {body})"

CREATE_TABLE = (
    f"CREATE TABLE IF NOT EXISTS {TABLE} ("
    "kind varchar(16) NOT NULL, "
    "document_id bigint NOT NULL, "
    "vector tsvector NOT NULL, "
    "PRIMARY KEY (kind, document_id))"
)
# Inline and compressed rather than moved to TOAST: the ranking reads the vector of every candidate.
INLINE = f"ALTER TABLE {TABLE} ALTER COLUMN vector SET STORAGE MAIN"


def gin_index(kind: str) -> str:
    return f"CREATE INDEX IF NOT EXISTS {TABLE}_{kind} ON {TABLE} USING gin (vector) WHERE kind = '{kind}'"


GIN_INDEXES = [gin_index(kind) for kind in ItemKind.values]
DROP_GIN_INDEXES = [f"DROP INDEX IF EXISTS {TABLE}_{kind}" for kind in ItemKind.values]
# Block ranges by document id (BRIN: the lowest and highest id of every 16 pages). Rows are
# written as documents are made, so the newest ids sit on the last pages: a common query reads
# only those, the ranges ANDed with the GIN index's matches (`PostgresBackend._newest_floor`).
# 16 pages a range rather than 128 makes the range scan dearer than the GIN scan of a word in
# up to about 15,000 documents in the planner's eyes, so the GIN bitmap comes first in the AND
# and only its rows are tested (a range first tests every row of its pages). Rows
# rewritten by an edit move to free space anywhere; their range widens and is read as well.
NEWEST_RANGES = f"CREATE INDEX IF NOT EXISTS {TABLE}_newest ON {TABLE} USING brin (document_id) WITH (pages_per_range = 16)"
DROP_NEWEST_RANGES = f"DROP INDEX IF EXISTS {TABLE}_newest"
CREATE_STATEMENTS = [CREATE_TABLE, INLINE, *GIN_INDEXES]  # migration 0004; the ranges come with 0009
DROP_STATEMENTS = [f"DROP TABLE IF EXISTS {TABLE}"]
POPULATE = (
    f"INSERT INTO {TABLE} (kind, document_id, vector) "  # noqa: S608 (constant identifiers only)
    f"SELECT kind, id, {VECTOR_OF.format(title='segmented_title', body='segmented')} "
    "FROM matching_searchdocument ORDER BY kind, id ON CONFLICT DO NOTHING"
)
UPSERT = (
    f"INSERT INTO {TABLE} (kind, document_id, vector) "  # noqa: S608 (constant identifiers only; values are bound)
    f"VALUES (%s, %s, {VECTOR_OF.format(title='%s', body='%s')}) "
    "ON CONFLICT (kind, document_id) DO UPDATE SET vector = EXCLUDED.vector"
)
