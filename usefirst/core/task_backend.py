"""The task queue's backend: django-tasks-db's database backend, which also records the id of the
request (or task) that enqueued each task, so the worker's log lines carry it (core/client.py).

The id is stored beside the arguments in the task row (``args_kwargs["request_id"]``; the backend
reads only ``args`` and ``kwargs`` from it) and restored by `usefirst.monitoring` when the
worker starts the task.
"""

from __future__ import annotations

from typing import Any

from django_tasks_db.backend import DatabaseBackend as _DatabaseBackend

from .client import current_request_id

REQUEST_ID_KEY = "request_id"
# on the broker (core/task_broker.py), the health report's and the metrics' names for the messages
# moved aside (never run) and for the tasks kept in the database while the broker was away
DEAD_LETTER_QUEUE = "dead"
HELD_QUEUE = "held"
SCHEDULER_TICK_TASK = "crontask.tasks.heartbeat"  # the scheduler enqueues it every minute


def on_broker() -> bool:
    """Whether the task queue is on the broker (core/task_broker.py), not in the database."""
    from django.conf import settings

    backend = str(settings.TASKS.get("default", {}).get("BACKEND", ""))
    return bool(settings.BROKER_URL) and backend.endswith("task_broker.BrokerBackend")


class DatabaseBackend(_DatabaseBackend):
    def _task_to_db_task(self, task: Any, args: Any, kwargs: Any) -> Any:
        row = super()._task_to_db_task(task, args, kwargs)
        request_id = current_request_id()
        if request_id:
            row.args_kwargs[REQUEST_ID_KEY] = request_id
            type(row).objects.filter(pk=row.pk).update(args_kwargs=row.args_kwargs)
        return row


def request_id_of(task_id: str) -> str:
    """The request id recorded when the task was enqueued, or ""."""
    from django_tasks_db.models import DBTaskResult

    stored = DBTaskResult.objects.filter(pk=task_id).values_list("args_kwargs", flat=True).first()
    return str(stored.get(REQUEST_ID_KEY, "")) if isinstance(stored, dict) else ""
