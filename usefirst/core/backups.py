"""Database backup and restore (docs/deployment.md, "Backups"): a logical dump of the whole
database — ``pg_dump --format=custom`` for PostgreSQL, SQLite's online backup for the embedded
database — and its restore, which refuses a database that already holds tables unless forced.

The files under ``USEFIRST_VAR_DIR`` (private uploads, issued PDFs) are backed up beside it by
the operator (docs/deployment.md); this module is the database half.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from django.db import DEFAULT_DB_ALIAS, connections


class RestoreRefused(Exception):
    """The target database is not empty and the restore was not forced."""


@dataclass(frozen=True)
class Outcome:
    path: Path
    seconds: float
    bytes: int


def _pg_environment(alias: str) -> tuple[dict[str, str], list[str]]:
    settings_dict = connections[alias].settings_dict
    env = {**os.environ, "PGPASSWORD": str(settings_dict.get("PASSWORD") or "")}
    args = [
        "--host", str(settings_dict.get("HOST") or "127.0.0.1"),
        "--port", str(settings_dict.get("PORT") or 5432),
        "--username", str(settings_dict.get("USER") or ""),
    ]  # fmt: skip
    return env, args


def user_tables(alias: str = DEFAULT_DB_ALIAS) -> list[str]:
    """The tables the target database already holds (Django's or anybody's)."""
    connection = connections[alias]
    with connection.cursor() as cursor:
        return list(connection.introspection.table_names(cursor))


def backup(path: Path, alias: str = DEFAULT_DB_ALIAS) -> Outcome:
    path.parent.mkdir(parents=True, exist_ok=True)
    connection = connections[alias]
    started = time.monotonic()
    if connection.vendor == "postgresql":
        env, args = _pg_environment(alias)
        name = str(connection.settings_dict["NAME"])
        command = ["pg_dump", "--format=custom", "--no-owner", *args, "--file", str(path), name]
        subprocess.run(command, env=env, check=True)  # noqa: S603 - the operator's own database settings
    elif connection.vendor == "sqlite":
        connection.ensure_connection()
        target = sqlite3.connect(path)
        try:
            connection.connection.backup(target)
        finally:
            target.close()
    else:  # pragma: no cover - the project runs on these two
        raise NotImplementedError(connection.vendor)
    return Outcome(path, time.monotonic() - started, path.stat().st_size)


def restore(path: Path, *, force: bool = False, alias: str = DEFAULT_DB_ALIAS) -> Outcome:
    """Restore `path` into the database of `alias`; refuse a non-empty database unless `force`
    (then its objects are dropped first)."""
    if not path.exists():
        raise FileNotFoundError(path)
    existing = user_tables(alias)
    if existing and not force:
        raise RestoreRefused(f"{len(existing)} tables")
    connection = connections[alias]
    started = time.monotonic()
    if connection.vendor == "postgresql":
        env, args = _pg_environment(alias)
        connection.close()
        name = str(connection.settings_dict["NAME"])
        command = ["pg_restore", "--no-owner", "--exit-on-error", "--single-transaction", *args, "--dbname", name]
        if existing:
            command[1:1] = ["--clean", "--if-exists"]
        subprocess.run([*command, str(path)], env=env, check=True)  # noqa: S603 - the operator's own database settings
    elif connection.vendor == "sqlite":
        connection.close()
        target = Path(str(connection.settings_dict["NAME"]))
        source = sqlite3.connect(path)
        try:
            destination = sqlite3.connect(target)
            try:
                source.backup(destination)
            finally:
                destination.close()
        finally:
            source.close()
    else:  # pragma: no cover
        raise NotImplementedError(connection.vendor)
    return Outcome(path, time.monotonic() - started, path.stat().st_size)


def which_tools() -> dict[str, str | None]:
    return {tool: shutil.which(tool) for tool in ("pg_dump", "pg_restore")}
