"""Bench: building and compiling the keyword listing's query with 2,000 matches, ranked by their
order in the search's answer (`matching.search.search_filter`).

The ranking used to be a CASE with one branch per matching id; it is now one expression with one
parameter (`IdPosition`). This times the part that changed: making the queryset and compiling
it to SQL, no rows read, median and p95 over --rounds, both ways, on the engine of DATABASE_URL
(SQLite when unset; BENCH_POSTGRES_URL under `make bench` runs PostgreSQL as well).

    .venv/bin/python bench/listing_rank.py
    DATABASE_URL=postgres://usefirst:usefirst@127.0.0.1:5432/usefirst .venv/bin/python bench/listing_rank.py
"""

from __future__ import annotations

import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> int:
    if os.environ.get("BENCH_POSTGRES_URL") and not os.environ.get("DATABASE_URL"):
        code = subprocess.call([sys.executable, __file__], env={**os.environ, "DATABASE_URL": os.environ["BENCH_POSTGRES_URL"]})
        if code:
            return code
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "usefirst.settings.test")
    import django

    django.setup()
    from django.db import connection
    from django.db.models import Case, IntegerField, Value, When

    from usefirst.catalog.models import Achievement
    from usefirst.matching.search import LISTING_MATCHES, IdPosition

    rounds = int(os.environ.get("BENCH_ROUNDS", "200"))
    ids = random.Random(7).sample(range(1, 1_000_000), LISTING_MATCHES)

    def case_way() -> None:
        ranks = Case(*[When(pk=pk, then=Value(i)) for i, pk in enumerate(ids)], output_field=IntegerField())
        qs = Achievement.objects.filter(pk__in=ids).annotate(search_rank=ranks).order_by("search_rank")[:20]
        qs.query.get_compiler(connection=connection).as_sql()

    def position_way() -> None:
        qs = Achievement.objects.filter(pk__in=ids).annotate(search_rank=IdPosition(ids)).order_by("search_rank")[:20]
        qs.query.get_compiler(connection=connection).as_sql()

    print(f"engine: {connection.vendor}; {LISTING_MATCHES} matching ids; {rounds} rounds each")
    results = {}
    for name, way in (("CASE per id (before)", case_way), ("IdPosition (now)", position_way)):
        way()
        times = []
        for _ in range(rounds):
            started = time.perf_counter()
            way()
            times.append((time.perf_counter() - started) * 1000)
        times.sort()
        results[name] = statistics.median(times)
        print(f"  {name:22} median {statistics.median(times):7.2f} ms   p95 {times[int(len(times) * 0.95) - 1]:7.2f} ms")
    before, now = results.values()
    print(f"  building and compiling: {before / now:.0f}× faster")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
