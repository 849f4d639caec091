"""Bench: the web tier on a catalog of a million — keyword listing, search API, home page, memory
per worker, throughput at 1, 10, 20 and 50 clients, one web node against two.

It measures a database that `bench/matching_search.py --keep` generated (1,000,000 achievements
and 200,000 demands by default) through real gunicorn nodes (application preloaded, gthread
workers) with the cache and the rate limiter in Redis (bench/_web_settings.py), as production
runs them:

    .venv/bin/python bench/matching_search.py --postgres postgres://usefirst:usefirst@127.0.0.1:5432/usefirst --keep
      … kept: postgres://usefirst:usefirst@127.0.0.1:5432/usefirst_bench_1a2b3c4d
    .venv/bin/python bench/web_scale.py --database postgres://usefirst:usefirst@127.0.0.1:5432/usefirst_bench_1a2b3c4d
    .venv/bin/python bench/web_scale.py --database /tmp/usefirst-bench-matching-…/bench.sqlite3

Without --database (as `make bench` runs it) it first generates one that way — on PostgreSQL when
BENCH_POSTGRES_URL is set, else SQLite; --achievements and --demands set the size — and drops it
afterwards.

What it reports:

* the SQL of the keyword listing and of the home page, first and second request: the second
  counts nothing over the whole table (the counts are cached, docs/deployment.md);
* the Redis round trips of one API request (the rate limiter's is one);
* for the keyword listing (`GET /api/v1/achievements?q=`), a bare view that returns the same page
  (bench/_web_urls.py), the search API (`GET /api/v1/search`) and the home page: p50 / p95 and
  requests per second at each number of concurrent clients, errors counted; the listing's and the
  search's throughput as a share of the bare view's (target >= 0.6), the listing's p95 at one
  client (target <= 100 ms). The 60 questions, each asked once in the warm-up, come round again
  and again, as popular questions do, and are answered from the cache (docs/deployment.md,
  "Searches kept five minutes"); the same listing and search are then measured with questions
  asked once each (two keywords of a corpus record), what the cache cannot help — reported, and
  held to no target. Before measuring, the relations a keyword listing reads are loaded into
  PostgreSQL's buffers (pg_prewarm, when the bench database has the extension), as a server that
  has been running holds them: otherwise the first askings measure the disk;
* each worker's memory after the load — RSS, and PSS, which counts the pages the preloaded
  workers share (the dictionary, the code) once across them (target PSS <= 250 MiB);
* the same at --nodes 2: two gunicorn nodes, the clients alternating between them (no proxy).

With --search-engine tantivy the nodes run with that engine beside the database
(usefirst/matching/engine.py): a keyword listing without a filter, by relevance, is answered
page by page from it. Its index is built in --engine-path when it does not hold every
document (kept there for the next run).

The clients are threads of this process on the same machine: at 50 clients they take a share of
the cores the nodes run on, which the figures include. Exits 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import json
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(1, str(ROOT / "bench"))

from matching_search import _free_port, children, p95, restore_vector_indexes  # noqa: E402  (the matching bench's)

DATA = Path(os.environ.get("CSL_MATCH_DIR", ROOT.parent / "shared" / "data" / "csl-match"))
TARGETS = {"listing_p95_ms": 100.0, "share_of_bare": 0.6, "worker_pss_mib": 250.0}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", help="a kept bench database: a postgres:// URL or a SQLite file (generated when absent)")
    parser.add_argument("--achievements", type=int, default=1_000_000, help="size generated when --database is absent")
    parser.add_argument("--demands", type=int, default=200_000)
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/14", help="Redis for the cache and the rate limiter")
    parser.add_argument("--clients", default="1,10,20,50")
    parser.add_argument("--seconds", type=float, default=15.0, help="length of each load step")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers per node")
    parser.add_argument("--threads", type=int, default=4, help="threads per worker")
    parser.add_argument("--nodes", default="1,2", help="node counts to measure")
    parser.add_argument("--queries", type=int, default=60, help="dev queries used as keywords")
    parser.add_argument("--ann-cache", default="/tmp/usefirst-bench-ann")
    parser.add_argument("--encode-sample", type=int, default=400)
    parser.add_argument("--tail", type=int, default=1000)
    parser.add_argument(
        "--search-engine",
        default=os.environ.get("BENCH_SEARCH_ENGINE", ""),
        choices=["", "tantivy"],
        help="run the nodes with this search engine beside the database (USEFIRST_SEARCH_ENGINE); empty: the database alone",
    )
    parser.add_argument(
        "--engine-path",
        default="/tmp/usefirst-bench-engine",
        help="the engine's index folder, kept between runs (rebuilt when it holds another number of documents)",
    )
    args = parser.parse_args()
    if args.database:
        return measure(args, args.database)
    generate = [sys.executable, str(ROOT / "bench" / "matching_search.py"), "--keep", "--skip-api", "--phase-seconds", "60"]
    generate += ["--achievements", str(args.achievements), "--demands", str(args.demands), "--ann-cache", args.ann_cache]
    if os.environ.get("BENCH_POSTGRES_URL"):
        generate += ["--postgres", os.environ["BENCH_POSTGRES_URL"]]
    kept: list[str] = []
    with subprocess.Popen(generate, cwd=ROOT, stdout=subprocess.PIPE, text=True) as generating:
        assert generating.stdout is not None
        for line in generating.stdout:  # the generation's own figures, as it goes
            print(line, end="", flush=True)
            if line.startswith("kept: "):
                kept.append(line.removeprefix("kept: ").strip())
    if not kept:
        return 2
    try:
        return measure(args, kept[-1])
    finally:
        if kept[-1].startswith("postgres"):
            import psycopg

            name = kept[-1].rpartition("/")[2]
            with psycopg.connect(os.environ["BENCH_POSTGRES_URL"], autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        else:
            shutil.rmtree(Path(kept[-1]).parent, ignore_errors=True)


def measure(args: argparse.Namespace, database: str) -> int:
    os.environ["DATABASE_URL"] = database if database.startswith("postgres") else f"sqlite:///{Path(database).resolve()}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "_web_settings"
    os.environ["USEFIRST_REDIS_URL"] = args.redis
    tmpdir = Path(tempfile.mkdtemp(prefix="usefirst-bench-web-"))
    os.environ["USEFIRST_VAR_DIR"] = str(tmpdir)
    os.environ["USEFIRST_SEARCH_ENGINE"] = args.search_engine
    os.environ["USEFIRST_SEARCH_ENGINE_PATH"] = args.engine_path
    try:
        return run(args, tmpdir)
    finally:
        shutil.rmtree(tmpdir, ignore_errors=True)


# ---------------------------------------------------------------- measuring helpers


def get(port: int, path: str) -> tuple[int, float, bytes]:
    started = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        body = response.read()
        status = response.status
    except Exception:
        status, body = 0, b""
    finally:
        conn.close()
    return status, (time.perf_counter() - started) * 1000, body


class Step:
    def __init__(self, latencies: list[float], errors: int, seconds: float) -> None:
        self.latencies, self.errors, self.seconds = latencies, errors, seconds

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else 0.0

    def __str__(self) -> str:
        if not self.latencies:
            return "no samples"
        return (
            f"p50 {statistics.median(self.latencies):6.1f} ms, p95 {p95(self.latencies):6.1f} ms, "
            f"{self.rate:6.1f} req/s, errors {self.errors} of {len(self.latencies)}"
        )


def load(ports: list[int], paths: list[str], clients: int, seconds: float, *, once: Iterator[str] | None = None) -> Step:
    """`clients` threads, each asking for the next path in turn (alternating between the nodes'
    ports) until `seconds` have passed; every answer but 200 is an error. With `once`, each
    request takes the next path of that iterator instead: a question nobody asked before."""
    lock = threading.Lock()
    latencies: list[float] = []
    errors = 0
    turn = iter(range(10**9))
    stop_at = time.perf_counter() + seconds

    def client() -> None:
        nonlocal errors
        while time.perf_counter() < stop_at:
            with lock:
                i = next(turn)
                path = next(once) if once is not None else paths[(i * 7) % len(paths)]
            status, ms, _ = get(ports[i % len(ports)], path)
            with lock:
                latencies.append(ms)
                errors += status != 200

    started = time.perf_counter()
    pool = [threading.Thread(target=client) for _ in range(clients)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    return Step(latencies, errors, time.perf_counter() - started)


def listing_path(question: str) -> str:
    return "/api/v1/achievements?" + urllib.parse.urlencode({"q": question})


def search_path(question: str) -> str:
    return "/api/v1/search?" + urllib.parse.urlencode({"kind": "achievement", "q": question})


def first_askings(asked: list[str]) -> list[str]:
    """Keyword questions made of two keywords of one corpus record, each once, in a fixed random
    order, none of them among `asked`."""
    questions: dict[str, None] = {}
    for line in (DATA / "corpus.jsonl").read_text(encoding="utf-8").splitlines():
        keywords = [k for k in json.loads(line).get("keywords") or [] if k]
        for a, b in itertools.pairwise(keywords):
            questions[f"{a} {b}"] = None
    ordered = [q for q in questions if q not in asked]
    random.Random(11).shuffle(ordered)
    return ordered


def memory_mib(pid: int) -> tuple[float, float]:
    """RSS and PSS of a process in MiB (smaps_rollup)."""
    rss = pss = 0.0
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        if line.startswith("Rss:"):
            rss = int(line.split()[1]) / 1024
        elif line.startswith("Pss:"):
            pss = int(line.split()[1]) / 1024
    return rss, pss


# ---------------------------------------------------------------- in-process checks


def sql_and_redis(report: list[str], query: str) -> None:
    """The listing's and the home page's statements, first and second request (a test client in
    this process, on the same settings), and the Redis round trips of one API request."""
    import redis
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    listing = listing_path(query)
    for label, path in (("keyword listing", listing), ("home page", "/")):
        for attempt in ("first", "second"):
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                status = client.get(path).status_code
                ms = (time.perf_counter() - started) * 1000
            counts = [q for q in captured.captured_queries if "COUNT(" in q["sql"].upper()]
            sql_ms = sum(float(q["time"]) for q in captured.captured_queries) * 1000
            report.append(
                f"{label}, {attempt} request: {status}, {ms:.0f} ms, {len(captured.captured_queries)} statements "
                f"({sql_ms:.0f} ms of SQL), {len(counts)} COUNT statements"
            )

    calls: list[str] = []
    original = redis.client.Redis.execute_command
    original_pipeline = redis.client.Pipeline.execute

    def counted(self: Any, *a: Any, **k: Any) -> Any:
        calls.append(str(a[0]))
        return original(self, *a, **k)

    def counted_pipeline(self: Any, *a: Any, **k: Any) -> Any:
        calls.append(f"pipeline of {len(self.command_stack)}")
        return original_pipeline(self, *a, **k)

    redis.client.Redis.execute_command = counted  # type: ignore[method-assign]
    redis.client.Pipeline.execute = counted_pipeline  # type: ignore[method-assign]
    try:
        client.get("/api/v1/evaluation/sources")
        calls.clear()
        client.get("/api/v1/evaluation/sources")
    finally:
        redis.client.Redis.execute_command = original  # type: ignore[method-assign]
        redis.client.Pipeline.execute = original_pipeline  # type: ignore[method-assign]
    report.append(
        f"Redis round trips of one API request (GET /api/v1/evaluation/sources, second time): {len(calls)} ({', '.join(calls)})"
    )


# The relations a keyword listing reads (docs/deployment.md, "PostgreSQL's memory").
WARMED = (
    "matching_fts",
    "matching_fts_achievement",
    "matching_fts_pkey",
    "matching_fts_newest",
    "matching_doc_kind_newest",
    "catalog_achievement_public",
    "catalog_achievement_pkey",
    # the rows a page shows: a question asked for the first time reads 20 of them anywhere in the table
    "catalog_achievement",
    "accounts_organisation",
)


def warm_database() -> str:
    """Reads the relations a keyword listing uses into PostgreSQL's buffers (pg_prewarm), as a
    server that has run for a while, or one restarted with autoprewarm, holds them: a database
    just generated, or restored, has them on disk and the first askings would measure the disk.
    Needs the extension in the bench database (created by a superuser: `CREATE EXTENSION
    pg_prewarm`); without it the run goes on cold and says so."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return "database not warmed: SQLite reads through the operating system's cache"
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_prewarm'")
        if cursor.fetchone() is None:
            return (
                "database NOT warmed: pg_prewarm is not in it (a superuser: CREATE EXTENSION pg_prewarm); "
                "the first askings read from disk"
            )
        cursor.execute(
            "SELECT coalesce(sum(pg_prewarm(c.oid)), 0), coalesce(sum(pg_relation_size(c.oid)), 0) FROM pg_class c "
            "WHERE c.relname = ANY(%s)",
            [list(WARMED)],
        )
        blocks, size = cursor.fetchone()
    return (
        f"database warmed: {int(blocks):,} pages ({int(size) / 2**20:,.0f} MiB) of the search table, its index and "
        f"the listing's indexes read into shared buffers in {time.perf_counter() - started:.1f} s (pg_prewarm)"
    )


def ready_engine() -> str:
    """With --search-engine, the engine's index of both kinds, built when it does not hold every
    document (the first run on a database: about half a minute at a million)."""
    from usefirst.matching import engine
    from usefirst.matching.models import ItemKind, SearchDocument

    found = engine.engine()
    if found is None:
        return "search engine: none (the database's full-text index answers every question)"
    built = []
    for kind in ItemKind.values:
        if found.documents(kind=kind) != SearchDocument.objects.filter(kind=kind).count():
            started = time.perf_counter()
            written = engine.rebuild(kind)
            built.append(f"{kind} {written:,} documents in {time.perf_counter() - started:.0f} s")
    size = sum(p.stat().st_size for p in Path(os.environ["USEFIRST_SEARCH_ENGINE_PATH"]).rglob("*") if p.is_file())
    return (
        f"search engine: {found.name}, {size / 2**20:,.0f} MiB on disk"
        + (f"; built: {', '.join(built)}" if built else "; its index already held every document")
        + " (it answers every keyword listing without a filter, by relevance)"
    )


# ---------------------------------------------------------------- the run


def start_node(port: int, args: argparse.Namespace, tmpdir: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONPATH": f"{ROOT}{os.pathsep}{ROOT / 'bench'}"}
    command = [
        str(Path(sys.executable).parent / "gunicorn"),
        "usefirst.wsgi",
        "--preload",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(args.workers),
        "--threads",
        str(args.threads),
        "--timeout",
        "300",
        "--log-level",
        "warning",
    ]
    log = (tmpdir / f"gunicorn-{port}.log").open("w")
    server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError((tmpdir / f"gunicorn-{port}.log").read_text()[-3000:])
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return server
        except OSError:
            time.sleep(0.5)
    raise RuntimeError("gunicorn did not answer")


def run(args: argparse.Namespace, tmpdir: Path) -> int:
    import django

    django.setup()
    import redis
    from django.db import connection, connections

    from usefirst.catalog.models import Achievement
    from usefirst.core.processes import stop
    from usefirst.matching.models import ItemKind, SearchDocument

    redis.Redis.from_url(args.redis).flushdb()  # the bench's own database: no counts cached by an earlier run
    missed: list[str] = []
    n = SearchDocument.objects.filter(kind=ItemKind.ACHIEVEMENT).count()
    m = SearchDocument.objects.filter(kind=ItemKind.DEMAND).count()
    published = Achievement.objects.count()
    print(
        f"engine {connection.vendor}: {published:,} achievements, {n:,} achievement and {m:,} demand search documents; "
        f"{os.cpu_count()} CPUs, load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}",
        flush=True,
    )
    vectors = restore_vector_indexes(args, n)
    print(f"ANN indexes {'restored' if vectors else 'absent: the search API ranks by keywords only'}", flush=True)
    print(warm_database(), flush=True)
    print(ready_engine(), flush=True)

    texts = [json.loads(line)["text"] for line in (DATA / "queries-dev.jsonl").read_text(encoding="utf-8").splitlines() if line]
    random.Random(7).shuffle(texts)
    texts = texts[: args.queries]
    lines: list[str] = []
    sql_and_redis(lines, texts[0])
    for line in lines:
        print(line, flush=True)
    connections.close_all()

    listing = [listing_path(t) for t in texts]
    search = [search_path(t) for t in texts]
    # Questions asked once each (two of a corpus record's keywords): what the cache cannot help.
    fresh = iter(first_askings(texts))
    clients = [int(c) for c in args.clients.split(",")]
    for nodes in [int(x) for x in args.nodes.split(",")]:
        ports = [_free_port() for _ in range(nodes)]
        servers = [start_node(port, args, tmpdir) for port in ports]
        try:
            # warm-up: every worker loads the dictionary, the model and the ANN files; each of the
            # questions is asked once (the "first asking" steps measure new ones); the bare view is
            # given the ids each listing answered, in its order
            bare: list[str] = []
            for i, path in enumerate(listing):
                status, _, body = get(ports[i % nodes], path)
                if status == 200:
                    ids = [item["id"] for item in json.loads(body)["items"]]
                    bare.append("/bench/bare-page?ids=" + ",".join(map(str, ids)))
            for i, path in enumerate(search):  # asked once, as the listings were: the steps measure them asked again
                get(ports[i % nodes], path)
            get(ports[0], "/")
            print(
                f"\n{nodes} node(s) x {args.workers} workers x {args.threads} threads (gunicorn --preload); "
                f"{len(bare)} of {len(listing)} keyword listings answered in the warm-up",
                flush=True,
            )
            results: dict[tuple[str, int], Step] = {}
            for label, paths, once in (
                ("keyword listing", listing, None),
                ("bare view, same page", bare, None),
                ("search API", search, None),
                ("home page", ["/"], None),
                ("listing, first asking", [], (listing_path(t) for t in fresh)),
                ("search, first asking", [], (search_path(t) for t in fresh)),
            ):
                for c in clients:
                    step = load(ports, paths, c, args.seconds, once=once)
                    results[(label, c)] = step
                    print(f"  {label:21} {c:3} clients: {step}", flush=True)
                    if step.errors:
                        missed.append(f"{label} errors at {c} clients ({nodes} nodes)")
            for c in clients:
                base = results[("bare view, same page", c)].rate or 1.0
                share_listing = results[("keyword listing", c)].rate / base
                share_search = results[("search API", c)].rate / base
                print(f"  {c:3} clients: listing {share_listing:.2f}x the bare view, search API {share_search:.2f}x", flush=True)
                cold_listing = results[("listing, first asking", c)].rate / base
                cold_search = results[("search, first asking", c)].rate / base
                print(f"       asked for the first time: listing {cold_listing:.2f}x, search API {cold_search:.2f}x", flush=True)
                if nodes == 1:
                    if share_listing < TARGETS["share_of_bare"]:
                        missed.append(f"listing {share_listing:.2f}x bare at {c} clients")
                    if share_search < TARGETS["share_of_bare"]:
                        missed.append(f"search {share_search:.2f}x bare at {c} clients")
            one = p95(results[("keyword listing", clients[0])].latencies)
            if nodes == 1:
                print(
                    f"  keyword listing p95 at {clients[0]} client(s): {one:.1f} ms (target <= {TARGETS['listing_p95_ms']:.0f} ms)"
                )
                if one > TARGETS["listing_p95_ms"]:
                    missed.append(f"listing p95 {one:.0f} ms")
            for server in servers:
                for pid in children(server.pid):
                    rss, pss = memory_mib(pid)
                    print(f"  worker {pid}: RSS {rss:.0f} MiB, PSS {pss:.0f} MiB", flush=True)
                    if pss > TARGETS["worker_pss_mib"]:
                        missed.append(f"worker PSS {pss:.0f} MiB")
        finally:
            stop(servers)
    if missed:
        print(f"\ntargets missed: {', '.join(missed)}")
        return 1
    print("\nevery target met")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
