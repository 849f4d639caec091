"""A task whose heartbeat worker died goes back to the queue (core/task_recovery.py); a task of
a live worker, of a worker without heartbeat (`db_worker`, the embedded demo) or started within
the grace period stays RUNNING."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.tasks.base import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from usefirst.core.task_recovery import HEARTBEAT_TTL, beat, requeue_abandoned


def _running(worker: str, *, started_seconds_ago: int) -> DBTaskResult:
    now = timezone.now()
    return DBTaskResult.objects.create(
        status=TaskResultStatus.RUNNING,
        args_kwargs={"args": [], "kwargs": {}},
        task_path="usefirst.core.tasks.requeue_abandoned_tasks",
        backend_name="default",
        run_after=now,
        started_at=now - timedelta(seconds=started_seconds_ago),
        worker_ids=[worker],
        exception_class_path="",
        traceback="",
    )


@pytest.mark.django_db
def test_only_the_task_of_a_dead_heartbeat_worker_past_the_grace_is_requeued() -> None:
    cache.clear()
    dead = _running("hb-worker1-dead", started_seconds_ago=HEARTBEAT_TTL + 1)
    just_started = _running("hb-worker1-dead", started_seconds_ago=HEARTBEAT_TTL - 5)
    beat("hb-worker2-live")
    live = _running("hb-worker2-live", started_seconds_ago=600)
    no_heartbeat = _running("a1b2c3", started_seconds_ago=600)

    assert requeue_abandoned() == [str(dead.pk)]

    statuses = dict(DBTaskResult.objects.values_list("pk", "status"))
    assert statuses[dead.pk] == TaskResultStatus.READY
    assert DBTaskResult.objects.get(pk=dead.pk).started_at is None
    assert {statuses[t.pk] for t in (just_started, live, no_heartbeat)} == {TaskResultStatus.RUNNING}
    assert requeue_abandoned() == []  # put back once
