"""A task whose worker died is run again (docs/deployment.md, "Task workers").

django-tasks-db marks a task RUNNING when a worker claims it and leaves it so if the worker is
killed (OOM, a node lost). Workers started with `manage.py task_worker` have ids beginning with
``WORKER_PREFIX`` and write a heartbeat to the cache every HEARTBEAT_SECONDS. The scheduler's
`requeue_abandoned_tasks` (every minute) puts a RUNNING task back to READY when its worker's
heartbeat has expired, so another worker runs it again: tasks are therefore at-least-once, and a
task that makes something (a receipt, a notification, a signature) must make it under a key
that a second run finds (a unique constraint, or a guard like `emailed_at IS NULL`).

Workers started by `db_worker` (the embedded `make run`) have no heartbeat and are never touched.
"""

from __future__ import annotations

import logging
import threading
from datetime import timedelta

from django.core.cache import cache
from django.db import transaction
from django.tasks.base import TaskResultStatus
from django.utils import timezone

WORKER_PREFIX = "hb-"
HEARTBEAT_SECONDS = 5
HEARTBEAT_TTL = 20  # a worker silent this long is dead (a task holding the GIL does not stop the thread)

logger = logging.getLogger(__name__)


def _key(worker_id: str) -> str:
    return f"usefirst:task-worker:{worker_id}"


def beat(worker_id: str) -> None:
    cache.set(_key(worker_id), timezone.now().isoformat(), timeout=HEARTBEAT_TTL)


def alive(worker_id: str) -> bool:
    return cache.get(_key(worker_id)) is not None


def start_heartbeat(worker_id: str, *, stop: threading.Event | None = None) -> threading.Thread:
    stop = stop or threading.Event()

    def loop() -> None:
        while not stop.is_set():
            try:
                beat(worker_id)
            except Exception:  # a cache outage must not stop the worker; the task is merely not watched
                logger.warning("worker heartbeat not written", exc_info=True)
            stop.wait(HEARTBEAT_SECONDS)

    thread = threading.Thread(target=loop, name=f"heartbeat-{worker_id}", daemon=True)
    thread.start()
    return thread


def requeue_abandoned(*, grace_seconds: int = HEARTBEAT_TTL) -> list[str]:
    """Put back to READY every RUNNING task of a heartbeat worker that is no longer alive.
    Returns the ids of the tasks requeued."""
    from django_tasks_db.models import DBTaskResult

    cutoff = timezone.now() - timedelta(seconds=grace_seconds)
    requeued: list[str] = []
    with transaction.atomic():
        running = DBTaskResult.objects.select_for_update(skip_locked=True).filter(
            status=TaskResultStatus.RUNNING, started_at__lt=cutoff
        )
        for row in running:
            worker_ids = list(row.worker_ids or [])
            last = str(worker_ids[-1]) if worker_ids else ""
            if not last.startswith(WORKER_PREFIX) or alive(last):
                continue
            DBTaskResult.objects.filter(pk=row.pk, status=TaskResultStatus.RUNNING).update(
                status=TaskResultStatus.READY, started_at=None
            )
            requeued.append(str(row.pk))
            logger.warning("task %s of dead worker %s put back in the queue", row.pk, last)
    return requeued
