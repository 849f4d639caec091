"""PostgreSQL: the full-text index moves from a GIN expression index on the documents to a
narrow table of its own, `matching_fts` (the name of SQLite's FTS5 table), one stored
`tsvector` per document beside the document's kind and id (see `matching.pg_fulltext`).

Why: ranking with the expression index recomputed `to_tsvector` of every match (a common word
over 100,000 documents cost over a second), and a document row is wide (body, vector, encoded
text) so reading matches meant reading TOAST. Here the vector is stored once, inline
(`STORAGE MAIN`), the primary key (kind, document_id) walks one kind newest first, and one
partial GIN index per kind answers `@@`. `PostgresBackend.index` / `remove` keep it with the
documents, as they keep SQLite's FTS5 table, which is unchanged.
"""

from django.db import migrations

from usefirst.matching.pg_fulltext import CREATE_STATEMENTS, DROP_STATEMENTS, POPULATE

OLD_EXPRESSION = (
    "(setweight(to_tsvector('simple'::regconfig, segmented_title), 'A') || to_tsvector('simple'::regconfig, segmented))"
)


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for statement in CREATE_STATEMENTS:
        schema_editor.execute(statement)
    schema_editor.execute(POPULATE)
    schema_editor.execute("DROP INDEX IF EXISTS matching_searchdocument_fts")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for statement in DROP_STATEMENTS:
        schema_editor.execute(statement)
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS matching_searchdocument_fts ON matching_searchdocument USING gin ({OLD_EXPRESSION})"
    )


class Migration(migrations.Migration):
    dependencies = [("matching", "0003_unit_kind_as_long_as_organisation_kind")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
