"""PostgreSQL: block ranges by document id on the full-text table (`pg_fulltext.NEWEST_RANGES`),
so that a common query reads only the newest documents' pages. A BRIN index is a few pages at a
million rows and builds in one pass over the table; SQLite's FTS5 table is unchanged."""

from django.db import migrations

from usefirst.matching.pg_fulltext import DROP_NEWEST_RANGES, NEWEST_RANGES


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(NEWEST_RANGES)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_NEWEST_RANGES)


class Migration(migrations.Migration):
    dependencies = [("matching", "0008_hit_object_ids")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
