"""Bench: the cost of one rate-limit check (`core.throttle.hit`), counts in the database (SQLite
file or PostgreSQL) against counts in Redis (one MULTI/EXEC round trip).

    .venv/bin/python bench/throttle_counter.py          # SQLite file + Redis at USEFIRST_REDIS_URL or 127.0.0.1:6379/15
    DATABASE_URL=postgres://usefirst:usefirst@127.0.0.1:5432/usefirst_bench .venv/bin/python bench/throttle_counter.py

It migrates the core app into the database it is given: name a scratch one.
Seen on the 2-core machine under load: PostgreSQL median 8.5 ms (a commit per check), SQLite
0.06 ms, Redis 0.10 ms; Redis is the production choice because every web node shares it.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> int:
    if os.environ.get("BENCH_POSTGRES_URL") and not os.environ.get("DATABASE_URL"):
        code = subprocess.call([sys.executable, __file__], env={**os.environ, "DATABASE_URL": os.environ["BENCH_POSTGRES_URL"]})
        # (BENCH_POSTGRES_URL names a scratch database, as for the other benches)
        if code:
            return code
    tmp = tempfile.mkdtemp()
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{tmp}/throttle.sqlite3")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "usefirst.settings.dev")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    from usefirst.core import throttle

    call_command("migrate", "core", verbosity=0)
    rounds = int(os.environ.get("BENCH_ROUNDS", "2000"))
    rate = throttle.Rate.parse("1000000/h")
    redis_url = os.environ.get("USEFIRST_REDIS_URL") or "redis://127.0.0.1:6379/15"
    counters = {
        f"database ({connection.vendor})": {"BACKEND": "usefirst.core.throttle.DatabaseCounter"},
        "redis": {
            "BACKEND": "usefirst.core.throttle.RedisCounter",
            "OPTIONS": {"url": redis_url, "prefix": f"bench:{uuid.uuid4().hex}:"},
        },
    }
    print(f"{rounds} checks each, one key per 100 checks")
    for name, config in counters.items():
        settings.THROTTLE = config
        throttle.hit("bench", "warm", rate)
        times = []
        for i in range(rounds):
            started = time.perf_counter()
            throttle.hit("bench", f"client-{i // 100}", rate)
            times.append((time.perf_counter() - started) * 1000)
        times.sort()
        print(f"  {name:22} median {statistics.median(times):6.3f} ms   p95 {times[int(len(times) * 0.95) - 1]:6.3f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
