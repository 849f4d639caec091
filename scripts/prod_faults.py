"""`make prod-test`: the faults the production stack survives, each printing its figure.

Runs against the stack of scripts/prod-stack.sh (`make prod-up`), on loopback only, each drill
bounded in time; the parts it stops are started again. Exits 1 when a drill fails its bound.

    .venv/bin/python scripts/prod_faults.py [drill ...]   # default: all, in this order
"""

# ruff: noqa: S603, S607, S310 — a drill runs the stack's own commands and asks the loopback URL
from __future__ import annotations

import json
import os
import socket
import ssl
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STACK = ROOT / "scripts" / "prod-stack.sh"
PROD = ROOT / "var" / "prod"
URL = f"https://127.0.0.1:{os.environ.get('PROD_HTTPS_PORT', '58443')}"
TLS = ssl.create_default_context()
TLS.check_hostname = False
TLS.verify_mode = ssl.CERT_NONE  # the trial's self-signed certificate
results: list[tuple[str, bool, str]] = []


def stack(*args: str) -> None:
    subprocess.run(["bash", str(STACK), *args], check=True, stdout=subprocess.DEVNULL)


def app_env() -> dict[str, str]:
    out = subprocess.run(["bash", str(STACK), "env"], check=True, capture_output=True, text=True).stdout
    return {**os.environ, **dict(line.split("=", 1) for line in out.splitlines() if "=" in line)}


def manage_py(code: str, timeout: float = 120) -> str:
    """Run Python inside the application (production settings, the stack's environment)."""
    script = f"import django; django.setup()\n{code}"
    done = subprocess.run(
        [str(ROOT / ".venv" / "bin" / "python"), "-c", script],
        cwd=ROOT,
        env=app_env(),
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if done.returncode:
        raise RuntimeError(done.stderr[-2000:])
    return done.stdout.strip()


def fetch(path: str, timeout: float = 10) -> tuple[int, str | None]:
    """(status, Retry-After) of a GET; status 0 when no answer came."""
    try:
        with urllib.request.urlopen(URL + path, timeout=timeout, context=TLS) as response:
            response.read()
            return int(response.status), response.headers.get("Retry-After")
    except urllib.error.HTTPError as error:
        return int(error.code), error.headers.get("Retry-After")
    except OSError:
        return 0, None


def get(path: str, timeout: float = 10) -> int:
    return fetch(path, timeout)[0]


PACE = 0.05  # each client asks at most 20 times a second: all of them stay under the proxy's 100 a second per address


def load(path: str, seconds: float, threads: int, during: Callable[[], None] | None = None) -> tuple[int, int]:
    """`threads` clients request `path` for `seconds`; `during` runs a second in. (requests, failed).
    The clients share one address, so they are paced below the proxy's per-address limit: a 429
    from it would be the flood guard at work, not a request the stack failed to serve."""
    counts = {"ok": 0, "failed": 0}
    lock = threading.Lock()
    end = time.monotonic() + seconds

    def client() -> None:
        while time.monotonic() < end:
            asked = time.monotonic()
            status = get(path)
            with lock:
                counts["ok" if status == 200 else "failed"] += 1
            time.sleep(max(0.0, PACE - (time.monotonic() - asked)))

    workers = [threading.Thread(target=client) for _ in range(threads)]
    for worker in workers:
        worker.start()
    if during:
        time.sleep(1)
        during()
    for worker in workers:
        worker.join()
    return counts["ok"] + counts["failed"], counts["failed"]


def record(name: str, ok: bool, figure: str) -> None:
    results.append((name, ok, figure))
    print(f"[{'PASS' if ok else 'FAIL'}] {name}: {figure}", flush=True)


def wait_for(predicate: Callable[[], bool], timeout: float, step: float = 1.0) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(step)
    return False


# --- the drills ----------------------------------------------------------------------------


def web_node() -> None:
    """Stop one web node under load: nginx routes to the other; count the failed requests."""

    def stop() -> None:
        stack("stop", "web1")

    total, failed = load("/", seconds=8, threads=4, during=stop)
    stack("start", "web1")
    record("web node stopped under load", failed == 0, f"{failed} failed of {total} requests")


def redis_restart() -> None:
    """Restart Redis: the site keeps serving, throttle counts and the scheduler's lock survive
    (append-only file); only what is cache may go."""
    env = app_env()
    redis = ["redis-cli", "-u", env["USEFIRST_REDIS_URL"]]
    keys_before = int(subprocess.run([*redis, "dbsize"], capture_output=True, text=True).stdout.strip() or 0)
    started = time.monotonic()

    def restart() -> None:
        stack("stop", "redis")
        stack("start", "redis")

    total, failed = load("/", seconds=6, threads=3, during=restart)
    keys_after = int(subprocess.run([*redis, "dbsize"], capture_output=True, text=True).stdout.strip() or 0)
    lock = subprocess.run([*redis, "exists", "crontask-lock"], capture_output=True, text=True).stdout.strip()
    ok = failed == 0 and lock == "1"
    record(
        "Redis restarted",
        ok,
        f"{failed} failed of {total} requests; keys {keys_before} → {keys_after}; scheduler lock kept: {lock == '1'}; "
        f"{time.monotonic() - started:.1f}s",
    )


def replica_stop() -> None:
    """Stop the replica: reads fall back to the primary; count the failed requests."""
    total, failed = load("/", seconds=10, threads=3, during=lambda: stack("stop", "replica"))
    asked = time.monotonic()
    status = get("/health/ready", timeout=30)  # 200: the node serves (the replica only warns)
    answered_in = time.monotonic() - asked
    stack("start", "replica")
    back = wait_for(lambda: get("/health/ready") == 200, 30)
    record(
        "replica stopped",
        failed <= 3 and status == 200 and answered_in < 5,
        f"{failed} failed of {total} requests (ready while it was down: {status} in {answered_in:.1f} s; replica back: {back})",
    )


def slow_clients() -> None:
    """60 connections send half a request and stall: the site still answers others, and the proxy
    closes every stalled one after its header timeout (10 s), so none holds a web worker."""
    port = int(URL.rsplit(":", 1)[1])
    stalled = []
    for _ in range(60):
        conn = TLS.wrap_socket(socket.create_connection(("127.0.0.1", port), timeout=5), server_hostname="127.0.0.1")
        conn.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
        stalled.append(conn)
    answered = sum(get("/health/live") == 200 for _ in range(5))
    time.sleep(12)
    closed = 0
    for conn in stalled:
        conn.settimeout(3)
        try:
            data = conn.recv(1024)  # b"" (or a 408) once the proxy closed it
            closed += data == b"" or b" 408 " in data
        except TimeoutError:
            pass  # still open: the proxy did not close it
        except (ssl.SSLError, OSError):
            closed += 1  # reset by the proxy
        conn.close()
    record(
        "slow clients",
        answered == 5 and closed == len(stalled),
        f"{answered}/5 answered while 60 stalled; {closed}/60 closed by the proxy",
    )


def flood() -> None:
    """One address floods the API with 16 clients for 5 s: every answer is 200 or 429 (the
    application's limit, or the proxy's), a 429 always with Retry-After, never a 5xx."""
    statuses: dict[int, int] = {}
    without_retry_after = 0
    lock = threading.Lock()
    end = time.monotonic() + 5

    def client() -> None:
        nonlocal without_retry_after
        while time.monotonic() < end:
            status, retry = fetch("/api/v1/achievements?page=1")
            with lock:
                statuses[status] = statuses.get(status, 0) + 1
                without_retry_after += status == 429 and not retry

    workers = [threading.Thread(target=client) for _ in range(16)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    bad = sum(n for code, n in statuses.items() if code not in (200, 429))
    figure = ", ".join(f"{code}: {n}" for code, n in sorted(statuses.items()))
    record("flood from one address", bad == 0 and statuses.get(429, 0) > 0 and without_retry_after == 0,
           f"{figure}; 429 without Retry-After: {without_retry_after}")  # fmt: skip


def second_scheduler() -> None:
    """A second scheduler started by mistake waits for the lock: no job runs twice."""
    ticks = "from django.core.cache import cache\nfrom usefirst.core.task_broker import SCHEDULER_TICKS_KEY\nprint(cache.get(SCHEDULER_TICKS_KEY) or 0)"
    redis = ["redis-cli", "-u", app_env()["USEFIRST_REDIS_URL"]]
    # the first scheduler holds the lock (after the Redis drill, its supervisor may have had to restart it)
    held = wait_for(
        lambda: subprocess.run([*redis, "exists", "crontask-lock"], capture_output=True, text=True).stdout.strip() == "1", 60
    )
    before = int(manage_py(ticks))
    log_file = PROD / "log" / "scheduler2.log"
    offset = log_file.stat().st_size if log_file.exists() else 0  # the log is appended to: read this run's part
    stack("start", "scheduler2")
    time.sleep(70)  # more than a minute: the every-minute heartbeat would show twice
    log = log_file.read_bytes()[offset:].decode(errors="replace")
    counted = int(manage_py(ticks)) - before
    stack("stop", "scheduler2")
    started_twice = "Starting scheduler" in log
    record(
        "second scheduler",
        held and not started_twice and counted <= 2,
        f"first one holds the lock: {held}; second one started: {started_twice}; heartbeats published in 70 s: {counted} (one scheduler: 1–2)",
    )


def worker_kill() -> None:
    """Kill a worker mid-task: RabbitMQ gives its unacknowledged message to the other worker, which
    runs the task again; its effect is made once."""
    key = uuid.uuid4().hex[:12]
    stack("stop", "worker2")  # the drill task goes to worker1
    manage_py(f"from usefirst.core.tasks import queue_drill\nprint(queue_drill.enqueue(key={key!r}, seconds=30).id)")
    counts = (
        "from django.core.cache import cache\n"
        f"print(cache.get('usefirst:drill:{key}:attempts') or 0, cache.get('usefirst:drill:{key}:effects') or 0)"
    )
    wait_for(lambda: manage_py(counts).split()[0] == "1", 30)
    stack("stop", "worker1", "KILL")
    killed = time.monotonic()
    stack("start", "worker2")
    started_again = wait_for(lambda: manage_py(counts).split()[0] == "2", 60)
    restarted = time.monotonic() - killed
    done = wait_for(lambda: manage_py(counts).split()[1] == "1", 90, step=2)
    recovered = time.monotonic() - killed
    stack("start", "worker1")
    time.sleep(5)  # a third attempt, if the message were still somewhere, would show now
    attempts_made, effects = manage_py(counts).split()
    record(
        "worker killed mid-task",
        started_again and done and attempts_made == "2" and effects == "1",
        f"attempts {attempts_made}, effects made {effects}; started again {restarted:.0f}s and done {recovered:.0f}s after the kill",
    )


def corrupt_message() -> None:
    """A task message that cannot be run is moved to the dead-letter queue, reported, never retried;
    the task behind it runs."""
    depth = "from usefirst.core.task_broker import queue_depths, dead_letter_queue\nprint(queue_depths()[dead_letter_queue()])"
    before = int(manage_py(depth))
    key = uuid.uuid4().hex[:12]
    manage_py(
        "from kombu import Connection, Exchange, Producer\n"
        "from usefirst.core.task_broker import RUNNER, broker_queue, configured\n"
        "from usefirst.core.tasks import queue_drill\n"
        "queue = broker_queue('default')\n"
        "with configured().connection_for_write() as c:\n"
        "    p = Producer(c.default_channel, exchange=Exchange(queue, type='direct', durable=True), routing_key=queue)\n"
        "    p.publish(b'{not json', content_type='application/json', content_encoding='utf-8', headers={'task': RUNNER, 'id': 'corrupt-1', 'lang': 'py'})\n"
        "    p.publish([[{'task': 'usefirst.nowhere.sign'}], {}, {}], serializer='json', headers={'task': RUNNER, 'id': 'corrupt-2', 'lang': 'py'})\n"
        f"queue_drill.enqueue(key={key!r}, seconds=0)"
    )
    effects = f"from django.core.cache import cache\nprint(cache.get('usefirst:drill:{key}:effects') or 0)"
    ran = wait_for(lambda: manage_py(effects) == "1", 60)
    moved = wait_for(lambda: int(manage_py(depth)) - before == 2, 30)
    time.sleep(5)
    after = int(manage_py(depth)) - before
    record(
        "corrupt task message",
        ran and moved and after == 2,
        f"moved to the dead-letter queue: {after} of 2; the task behind them ran: {ran}",
    )


def backup_restore() -> None:
    """Backup and restore drill: dump, write after it, restore into a scratch database; the
    recovery point (what the dump lacks) and the recovery time; a non-empty target is refused."""
    backups = PROD / "backups"
    backups.mkdir(exist_ok=True)
    dump = backups / "drill.dump"
    env = app_env()
    python = str(ROOT / ".venv" / "bin" / "python")
    direct = "postgres://usefirst:usefirst@127.0.0.1:{}/{}".format(os.environ.get("PROD_PRIMARY_PORT", "55432"), "{}")
    started = time.monotonic()
    subprocess.run(
        [python, "manage.py", "db_backup", str(dump)],
        cwd=ROOT,
        env={**env, "DATABASE_URL": direct.format("usefirst")},
        check=True,
        capture_output=True,
    )
    backup_seconds = time.monotonic() - started
    backup_taken = time.time()
    time.sleep(2)
    lost_after = time.time() - backup_taken  # a failure now loses everything written since the dump
    psql = [
        "runuser",
        "-u",
        "postgres",
        "--",
        "psql",
        "-h",
        "127.0.0.1",
        "-p",
        os.environ.get("PROD_PRIMARY_PORT", "55432"),
        "-d",
        "postgres",
        "-qc",
    ]
    subprocess.run([*psql, "DROP DATABASE IF EXISTS usefirst_drill"], check=True, capture_output=True)
    subprocess.run([*psql, "CREATE DATABASE usefirst_drill OWNER usefirst"], check=True, capture_output=True)
    scratch = {**env, "DATABASE_URL": direct.format("usefirst_drill"), "USEFIRST_REPLICA_DATABASE_URL": ""}
    started = time.monotonic()
    restored = subprocess.run(
        [python, "manage.py", "db_restore", str(dump)], cwd=ROOT, env=scratch, capture_output=True, text=True
    )
    restore_seconds = time.monotonic() - started
    again = subprocess.run([python, "manage.py", "db_restore", str(dump)], cwd=ROOT, env=scratch, capture_output=True, text=True)
    refused = again.returncode != 0 and "--force" in again.stderr
    subprocess.run([*psql, "DROP DATABASE IF EXISTS usefirst_drill"], check=True, capture_output=True)
    record(
        "backup and restore",
        restored.returncode == 0 and refused,
        f"dump {dump.stat().st_size // 1024} KiB in {backup_seconds:.1f}s; restore (recovery time) {restore_seconds:.1f}s; "
        f"recovery point = time since the last dump ({lost_after:.0f}s in the drill; nightly dumps: up to 24 h); "
        f"second restore onto the now non-empty database refused: {refused}",
    )


DRILLS: dict[str, Callable[[], None]] = {
    "web": web_node,
    "redis": redis_restart,
    "replica": replica_stop,
    "slow": slow_clients,
    "flood": flood,
    "scheduler": second_scheduler,
    "worker": worker_kill,
    "corrupt": corrupt_message,
    "backup": backup_restore,
}


def main(names: list[str]) -> int:
    if get("/health/live") != 200:
        print(f"the stack does not answer at {URL}: run `make prod-up` first", file=sys.stderr)
        return 2
    for name in names or list(DRILLS):
        started = time.monotonic()
        try:
            DRILLS[name]()
        except Exception as error:  # a drill that breaks is a failed drill; the others still run
            record(name, False, f"error: {error}")
        print(f"       ({time.monotonic() - started:.0f}s)", flush=True)
    print(json.dumps([{"drill": n, "passed": ok, "figure": f} for n, ok, f in results], ensure_ascii=False), flush=True)
    return 0 if all(ok for _, ok, _ in results) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
