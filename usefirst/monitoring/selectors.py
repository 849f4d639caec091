"""Reads for health and metrics: the database, the replica, the task queue, the scheduler's tick
and the search index. Each is one or two cheap queries (counts over indexed columns of small
tables, or the index's cached readiness)."""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.conf import settings
from django.db import connections
from django.db.models import Count, Min
from django.tasks.base import TaskResultStatus
from django.utils import timezone

from usefirst.core.task_backend import DEAD_LETTER_QUEUE, HELD_QUEUE, SCHEDULER_TICK_TASK, on_broker

REPLICA_ALIAS = "replica"


@dataclass(frozen=True)
class QueueState:
    waiting: int
    oldest_wait_seconds: float | None  # None: the broker does not say (RabbitMQ)


def database_latency_ms(alias: str = "default") -> float:
    """Round trip of ``SELECT 1`` on `alias`, in milliseconds (raises when it is unreachable)."""
    started = time.perf_counter()
    with connections[alias].cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return (time.perf_counter() - started) * 1000


def replica_configured() -> bool:
    return REPLICA_ALIAS in settings.DATABASES


def replica_lag_seconds() -> float | None:
    """How far the replica's replay is behind (PostgreSQL); None when there is no replica or the
    engine cannot say. A replica with nothing to replay reports 0."""
    if not replica_configured():
        return None
    connection = connections[REPLICA_ALIAS]
    if connection.vendor != "postgresql":
        return 0.0
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT CASE WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0 "
            "ELSE EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()) END"
        )
        row = cursor.fetchone()
    return float(row[0]) if row and row[0] is not None else 0.0


def queue_state() -> dict[str, QueueState]:
    """Per queue: tasks waiting to run (ready now) and how long the oldest has waited. On the
    broker: messages waiting per queue, the dead-letter queue ("dead") and the tasks held in the
    database while the broker was away ("held"); the broker does not say how long they waited."""
    if on_broker():
        from usefirst.core import task_broker

        depths = task_broker.queue_depths()
        names = [*task_broker.queue_names(), DEAD_LETTER_QUEUE]
        state = {name: QueueState(depths.get(task_broker.broker_queue(name), 0), None) for name in names}
        state[HELD_QUEUE] = QueueState(task_broker.held_count(), None)
        return state
    from django_tasks_db.models import DBTaskResult

    now = timezone.now()
    rows = DBTaskResult.objects.ready().values("queue_name").annotate(waiting=Count("pk"), oldest=Min("enqueued_at"))
    state = {
        str(row["queue_name"]): QueueState(
            waiting=int(row["waiting"]),
            oldest_wait_seconds=max(0.0, (now - row["oldest"]).total_seconds()) if row["oldest"] else 0.0,
        )
        for row in rows
    }
    for queue in settings.TASKS.get("default", {}).get("QUEUES", ["default"]):
        state.setdefault(queue, QueueState(waiting=0, oldest_wait_seconds=0.0))
    return state


def tasks_by_status() -> dict[str, int]:
    """Task rows by state (the database queue; the broker keeps no rows: empty)."""
    if on_broker():
        return {}
    from django_tasks_db.models import DBTaskResult

    counts = {str(row["status"]): int(row["n"]) for row in DBTaskResult.objects.values("status").annotate(n=Count("pk"))}
    return {status: counts.get(status, 0) for status in TaskResultStatus.values}


def scheduler_tick_age_seconds() -> float | None:
    """Seconds since the scheduler last enqueued its heartbeat (every minute); None if never."""
    if on_broker():
        from django.core.cache import cache
        from django.utils.dateparse import parse_datetime

        from usefirst.core.task_broker import SCHEDULER_TICK_KEY

        stamp = cache.get(SCHEDULER_TICK_KEY)
        at = parse_datetime(str(stamp)) if stamp else None
        return None if at is None else max(0.0, (timezone.now() - at).total_seconds())
    from django_tasks_db.models import DBTaskResult

    last = (
        DBTaskResult.objects.filter(task_path=SCHEDULER_TICK_TASK)
        .order_by("-enqueued_at")
        .values_list("enqueued_at", flat=True)
        .first()
    )
    return None if last is None else max(0.0, (timezone.now() - last).total_seconds())


INDEX_STATE_SECONDS = 60


def index_state() -> dict[str, dict[str, int]]:
    """Per kind: documents in the lexical index, items that should be there, and those embedded
    (kept INDEX_STATE_SECONDS in the cache: the expected figure counts the published catalog)."""
    from django.core.cache import cache

    cached = cache.get("monitoring:index_state")
    if isinstance(cached, dict):
        return cached
    state = _index_state()
    cache.set("monitoring:index_state", state, INDEX_STATE_SECONDS)
    return state


def _index_state() -> dict[str, dict[str, int]]:
    from usefirst.matching import engine, indexing

    expected = indexing.indexable_counts()
    found = engine.engine()
    state: dict[str, dict[str, int]] = {}
    for kind, should in expected.items():
        ready = indexing.semantic_readiness(kind)
        state[str(kind)] = {"documents": ready.documents, "expected": should, "embedded": ready.embedded}
        if found is not None:  # what the search engine holds (matching/engine.py)
            state[str(kind)]["engine"] = found.documents(kind=kind)
    return state
