"""The full-text index of each engine, created by vendor: an FTS5 table on SQLite, a GIN
expression index over the segmented text (`simple` configuration) on PostgreSQL, plus pg_trgm
for fuzzy titles when the role may create it and the database's ctype is not C."""

from django.db import DatabaseError, migrations, transaction

SQLITE_CREATE = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS matching_fts USING fts5("
    "title, body, tokenize = 'unicode61 remove_diacritics 0')"
)
SQLITE_DROP = "DROP TABLE IF EXISTS matching_fts"
PG_VECTOR = (
    "(setweight(to_tsvector('simple'::regconfig, segmented_title), 'A') || to_tsvector('simple'::regconfig, segmented))"
)
PG_CREATE = f"CREATE INDEX IF NOT EXISTS matching_searchdocument_fts ON matching_searchdocument USING gin ({PG_VECTOR})"
PG_DROP = "DROP INDEX IF EXISTS matching_searchdocument_fts"


def forwards(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor == "sqlite":
        schema_editor.execute(SQLITE_CREATE)
    elif connection.vendor == "postgresql":
        schema_editor.execute(PG_CREATE)
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_setting('lc_ctype')")
            ctype = cursor.fetchone()[0]
            cursor.execute("SELECT EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm')")
            available = cursor.fetchone()[0]
        if ctype not in ("C", "POSIX") and available:
            try:
                with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
                    cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
                    cursor.execute(
                        "CREATE INDEX IF NOT EXISTS matching_searchdocument_title_trgm "
                        "ON matching_searchdocument USING gin (title gin_trgm_ops)"
                    )
            except DatabaseError:  # no privilege to create the extension: fuzzy titles stay off (said at start-up)
                pass


def backwards(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor == "sqlite":
        schema_editor.execute(SQLITE_DROP)
    elif connection.vendor == "postgresql":
        schema_editor.execute(PG_DROP)
        schema_editor.execute("DROP INDEX IF EXISTS matching_searchdocument_title_trgm")


class Migration(migrations.Migration):
    dependencies = [("matching", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
