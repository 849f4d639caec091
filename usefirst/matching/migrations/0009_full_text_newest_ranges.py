"""PostgreSQL: block ranges by document id on the full-text table (`pg_fulltext.NEWEST_RANGES`),
so that a common query reads only the newest documents' pages. At a million rows the index is
under 500 kB and builds in about a second (one pass over the table); SQLite's FTS5 table is
unchanged."""

from django.db import migrations

from usefirst.core.migration_operations import on_postgresql
from usefirst.matching.pg_fulltext import DROP_NEWEST_RANGES, NEWEST_RANGES


class Migration(migrations.Migration):
    dependencies = [("matching", "0008_hit_object_ids")]

    operations = [on_postgresql(NEWEST_RANGES, DROP_NEWEST_RANGES)]
