"""Migration operations the apps share."""

from __future__ import annotations

from typing import Any

from django.db import migrations


def on_postgresql(sql: str, reverse_sql: str) -> migrations.RunPython:
    """Runs `sql` on PostgreSQL, and `reverse_sql` when migrating back; nothing on SQLite. For
    what only PostgreSQL has (a trigger, a BRIN index) beside tables both engines share."""

    def forwards(apps: Any, schema_editor: Any) -> None:
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    def backwards(apps: Any, schema_editor: Any) -> None:
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(reverse_sql)

    return migrations.RunPython(forwards, backwards, elidable=False)
