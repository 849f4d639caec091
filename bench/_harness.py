"""What every bench script shares: a temporary database, fast bulk loading and a progress bar.

    parser = argparse.ArgumentParser(...)
    _harness.add_arguments(parser)                 # --postgres URL, --keep, --measure DB, --cache
    args = parser.parse_args()
    code = _harness.also_on_postgres(args, __file__)   # BENCH_POSTGRES_URL set: run there first
    with _harness.temporary_database(args, prefix="evaluation", cache_key="eval-1000-...") as db:
        if not db.cached:
            generate(db)             # _harness.insert(...) / _harness.Table(...)
            db.loaded()
        measure(db)

SQLite: a file in a fresh temporary directory (removed afterwards unless --keep). PostgreSQL
(--postgres URL, or BENCH_POSTGRES_URL under `make bench`): a database `usefirst_bench_<hex>`
created next to the one named in the URL and dropped afterwards (the role needs CREATEDB).
--measure names the database of an earlier kept run (a SQLite file or a postgres:// URL).
--cache keeps the generated SQLite file under var/bench/<cache_key>.sqlite3 and starts from a
copy of it next time (generation at the full size takes minutes; the measurement then does not).

Loading: `Table(Model, **fixed)` builds each row's tuple from the fixed columns and the varying
ones only; `Table.write(rows)` sends a batch with one `executemany` (SQLite) or one COPY
(PostgreSQL). Rows carry their own ids (so later tables can point at them without reading them
back); `reset_sequences(...)` afterwards lets the application insert again on PostgreSQL.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
CACHE_DIR = ROOT / "var" / "bench"


def add_arguments(parser: argparse.ArgumentParser, *, cache: bool = False) -> None:
    parser.add_argument("--postgres", metavar="URL", help="PostgreSQL server URL (a temporary database is created there)")
    parser.add_argument("--keep", action="store_true", help="keep the SQLite file or the PostgreSQL database and print where")
    parser.add_argument("--measure", metavar="DATABASE", help="only measure, on the database an earlier run kept (--keep)")
    if cache:
        parser.add_argument(
            "--cache", action="store_true", help=f"keep the generated SQLite file under {CACHE_DIR} and reuse it next time"
        )


def also_on_postgres(args: argparse.Namespace, script: str) -> int:
    """Under `make bench` with BENCH_POSTGRES_URL set: the same figures on PostgreSQL first (in a
    child process), then this process goes on with SQLite. Returns the child's exit code (0 when
    there is nothing to do)."""
    url = os.environ.get("BENCH_POSTGRES_URL")
    if getattr(args, "postgres", None) or getattr(args, "measure", None) or not url:
        return 0
    return subprocess.call([sys.executable, script, *sys.argv[1:], "--postgres", url])


@dataclass
class Database:
    url: str
    vendor: str
    tmpdir: Path
    cache_file: Path | None = None
    cached: bool = False  # the data came from the cache: skip generation
    _admin_url: str | None = field(default=None, repr=False)
    _pg_name: str | None = field(default=None, repr=False)

    @property
    def sqlite_file(self) -> Path | None:
        return Path(self.url.removeprefix("sqlite:///")) if self.vendor == "sqlite" else None

    def loaded(self) -> None:
        """The data is generated: keep a copy for the next run with --cache, and measure on a new
        connection with the application's own settings (not the loader's big page cache)."""
        from django.db import connection

        if self.cache_file is not None and self.sqlite_file is not None:
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            self.save_cache()
        connection.close()

    def save_cache(self) -> None:
        """Keep a copy of the generated SQLite file for the next run with --cache."""
        if self.cache_file is None or self.sqlite_file is None:
            return
        self.cache_file.parent.mkdir(parents=True, exist_ok=True)
        partial = self.cache_file.with_suffix(".partial")
        shutil.copyfile(self.sqlite_file, partial)
        partial.replace(self.cache_file)
        print(f"generated data cached: {self.cache_file}", flush=True)


@contextmanager
def temporary_database(
    args: argparse.Namespace, *, prefix: str, cache_key: str | None = None, settings: str = "usefirst.settings.test"
) -> Iterator[Database]:
    """Point DATABASE_URL at a fresh database, set Django up, migrate, and clean up afterwards."""
    tmpdir = Path(tempfile.mkdtemp(prefix=f"usefirst-bench-{prefix}-"))
    postgres = getattr(args, "postgres", None)
    measure = getattr(args, "measure", None)
    keep = getattr(args, "keep", False)
    db: Database
    if postgres:
        import psycopg

        name = f"usefirst_bench_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(postgres, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        base, _, _ = postgres.rpartition("/")
        db = Database(f"{base}/{name}", "postgresql", tmpdir, _admin_url=postgres, _pg_name=name)
    elif measure:
        url = measure if "://" in measure else f"sqlite:///{Path(measure).resolve()}"
        db = Database(url, "postgresql" if url.startswith("postgres") else "sqlite", tmpdir, cached=True)
    else:
        path = tmpdir / "bench.sqlite3"
        db = Database(f"sqlite:///{path}", "sqlite", tmpdir)
        if cache_key and getattr(args, "cache", False):
            db.cache_file = CACHE_DIR / f"{cache_key}.sqlite3"
            if db.cache_file.exists():
                shutil.copyfile(db.cache_file, path)
                db.cached = True
                print(f"generated data from the cache: {db.cache_file}", flush=True)
    os.environ["DATABASE_URL"] = db.url
    os.environ["DJANGO_SETTINGS_MODULE"] = settings
    try:
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection

        started = time.perf_counter()
        call_command("migrate", verbosity=0)
        print(f"engine: {connection.vendor}; schema ready in {time.perf_counter() - started:.1f} s", flush=True)
        if connection.vendor == "sqlite" and not db.cached:
            with connection.cursor() as cursor:
                # A page cache big enough for the indexes of a million rows: without it each random
                # insert into an index goes to disk once the index outgrows SQLite's 2 MB default.
                cursor.execute("PRAGMA cache_size = -1000000")
        print(f"load average: {' '.join(f'{x:.1f}' for x in os.getloadavg())} on {os.cpu_count()} CPUs", flush=True)
        yield db
    finally:
        if "django" in sys.modules:
            from django.db import connections

            connections.close_all()
        if keep and not measure:
            print(f"kept: {db.url if db.vendor == 'postgresql' else db.sqlite_file} (measure again with --measure)")
            if db.sqlite_file is not None:
                kept = Path(tempfile.gettempdir()) / f"usefirst-bench-{prefix}-{uuid.uuid4().hex[:6]}.sqlite3"
                shutil.move(db.sqlite_file, kept)
                print(f"kept: {kept}")
        shutil.rmtree(tmpdir, ignore_errors=True)
        if db._pg_name and db._admin_url and not keep:
            import psycopg

            with psycopg.connect(db._admin_url, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{db._pg_name}" WITH (FORCE)')


class Table:
    """Fast inserts into one model's table: every column's value from `fixed` (or the field's
    default), prepared once; each row gives only the columns that vary, already in database
    form (ints, str, Decimal, date; datetimes through `Table.when`)."""

    def __init__(self, model: Any, varying: Sequence[str], **fixed: Any) -> None:
        from django.db import connection

        self.model = model
        self.table = model._meta.db_table
        fields = list(model._meta.concrete_fields)
        by_name = {f.name: f for f in fields} | {f.attname: f for f in fields}
        self.varying = [by_name[name] for name in varying]
        varying_columns = {f.column for f in self.varying}
        # A hash-chained model (usefirst/core/hash_chain.py): its link columns are unique, so each
        # bench row gets its own placeholder link. The bench does not verify the chain.
        self.chained = "prev_hash" in by_name and "prev_hash" not in varying_columns
        if self.chained:
            varying_columns |= {"prev_hash", "row_hash"}
        sample = model(**fixed)
        self.fixed_columns = [f.column for f in fields if f.column not in varying_columns and not f.primary_key]
        self.fixed_values = tuple(
            f.get_db_prep_save(f.pre_save(sample, add=True), connection)
            for f in fields
            if f.column not in varying_columns and not f.primary_key
        )
        links = ["prev_hash", "row_hash"] if self.chained else []
        self.columns = [*(f.column for f in self.varying), *links, *self.fixed_columns]
        self.vendor = connection.vendor
        self.written = 0

    def when(self, value: Any) -> Any:
        """A datetime as this database stores it."""
        from django.db import connection

        return connection.ops.adapt_datetimefield_value(value) if self.vendor == "sqlite" else value

    def write(self, rows: Iterable[Sequence[Any]]) -> int:
        """Insert the rows (each the varying values in order) in one statement or COPY."""
        from django.db import connection

        fixed = self.fixed_values
        if self.chained:
            start = self.written
            full = [(*row, f"b{start + n:063x}", f"h{start + n:063x}", *fixed) for n, row in enumerate(rows)]
        else:
            full = [(*row, *fixed) for row in rows]
        if not full:
            return 0
        with connection.cursor() as cursor:
            if self.vendor == "postgresql":
                raw = cursor.cursor  # psycopg's own cursor (Django's wrapper has no copy())
                columns = ", ".join(f'"{c}"' for c in self.columns)
                with raw.copy(f'COPY "{self.table}" ({columns}) FROM STDIN') as copy:
                    for row in full:
                        copy.write_row(row)
            else:
                marks = ", ".join(["%s"] * len(self.columns))
                columns = ", ".join(f'"{c}"' for c in self.columns)
                cursor.executemany(f'INSERT INTO "{self.table}" ({columns}) VALUES ({marks})', full)
        self.written += len(full)
        return len(full)


def reset_sequences(*models: Any) -> None:
    """After rows were written with their own ids: the next id the application takes (PostgreSQL)."""
    from django.core.management.color import no_style
    from django.db import connection

    statements = connection.ops.sequence_reset_sql(no_style(), list(models))
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)


def analyze() -> None:
    """Statistics for the planner after a bulk load (PostgreSQL: and the visibility map, so
    covering indexes answer with index-only scans, as autovacuum would leave them)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")


class Bar:
    """A one-line progress bar on the terminal: `[#####.....] 40,000/100,000  12.3 s`."""

    def __init__(self, label: str, total: int, *, width: int = 30) -> None:
        self.label, self.total, self.width = label, total, width
        self.started = time.perf_counter()

    def __call__(self, done: int, total: int | None = None) -> None:
        total = self.total if total is None else total
        filled = int(self.width * done / max(total, 1))
        print(
            f"\r{self.label:<16} [{'#' * filled}{'.' * (self.width - filled)}] {done:,}/{total:,} "
            f"{time.perf_counter() - self.started:6.1f} s",
            end="" if done < total else "\n",
            flush=True,
        )


def p95(values: Sequence[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, int(len(ordered) * 0.95) - 1)]
