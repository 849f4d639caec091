"""The task queue on a message broker: Django's task framework over Celery and RabbitMQ
(docs/deployment.md, "Task workers"). Production sets ``USEFIRST_BROKER_URL``; the embedded
demo and the test suite keep the database queue (core/task_backend.py).

Tasks stay what they are everywhere: functions decorated with ``django.tasks.task`` and enqueued
after commit. `BrokerBackend` publishes each as one message to the ``usefirst.run_task`` Celery
task, which runs it in the worker (`manage.py broker_worker`):

- **A killed worker's task runs again.** A message is acknowledged only after its task has
  finished (``acks_late``) and a worker holds one message at a time; RabbitMQ gives an
  unacknowledged message to another worker the moment the killed worker's connection drops. Tasks
  are at-least-once, as on the database queue: whatever a task makes (a receipt, a notification,
  a signature) it makes under a key that a second run finds.
- **A task that fails is failed once**, reported and counted (monitoring/signals.py), as on the
  database queue; it is not retried.
- **A message that cannot be run** (it names no task of this code, or its body is not what this
  backend sends) is reported with its id and rejected; each queue dead-letters rejected messages
  to the dead-letter queue (``usefirst.dead``), counted in the health report and the metrics, where
  an operator reads them. It is never retried.
- The request that enqueued a task is carried in the message, so the worker's log lines carry its
  id (core/client.py).
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from datetime import datetime
from traceback import format_exception
from typing import Any

from celery import Celery
from celery.exceptions import Reject
from celery.signals import task_unknown, worker_ready
from celery.worker.consumer import Consumer
from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.db import transaction
from django.tasks.backends.base import BaseTaskBackend
from django.tasks.base import Task, TaskContext, TaskError, TaskResult, TaskResultStatus
from django.tasks.signals import task_enqueued, task_finished, task_started
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.json import normalize_json
from django.utils.module_loading import import_string
from kombu.entity import Exchange, Queue
from kombu.exceptions import OperationalError

from .cache import bump
from .client import current_request_id, enter_request_id, leave_request_id
from .error_reporting import report_exception
from .task_backend import DEAD_LETTER_QUEUE, SCHEDULER_TICK_TASK

RUNNER = "usefirst.run_task"
# a task whose publishing failed (the broker away) waits in the database queue under this backend name
HELD_BACKEND = "held-for-broker"
PUBLISH_ERRORS = (OperationalError, OSError)
PAYLOAD_KEYS = frozenset({"task", "args", "kwargs", "id", "backend", "queue", "request_id", "enqueued_at"})
# the scheduler's tick (crontask) is recorded here when published, for health and metrics
SCHEDULER_TICK_KEY = "usefirst:scheduler:last-tick"
SCHEDULER_TICKS_KEY = "usefirst:scheduler:ticks"  # how many, ever (the second-scheduler drill counts them)

logger = logging.getLogger(__name__)

app = Celery("usefirst")
_configured_for: list[str] = []
_configure_lock = threading.Lock()


def queue_names() -> list[str]:
    """The task queues (Django's names)."""
    return list(settings.TASKS.get("default", {}).get("QUEUES", ["default"]))


def broker_queue(name: str) -> str:
    """A task queue's name on the broker (several installations or test runs can share one)."""
    return f"{settings.BROKER_QUEUE_PREFIX}{name}"


def dead_letter_queue() -> str:
    return broker_queue(DEAD_LETTER_QUEUE)


def work_queues() -> list[Queue]:
    """The task queues as the broker holds them: each dead-letters what a worker rejects."""
    dead = dead_letter_queue()
    return [
        Queue(
            broker_queue(name),
            Exchange(broker_queue(name), type="direct", durable=True),
            routing_key=broker_queue(name),
            durable=True,
            queue_arguments={"x-dead-letter-exchange": dead, "x-dead-letter-routing-key": dead},
        )
        for name in queue_names()
    ]


def declared_queues() -> list[Queue]:
    """The task queues and the dead-letter queue (which no worker consumes)."""
    dead = dead_letter_queue()
    return [*work_queues(), Queue(dead, Exchange(dead, type="direct", durable=True), routing_key=dead, durable=True)]


def configured() -> Celery:
    """The Celery application, set up from the settings on first use. (Celery keeps its queues once
    it has used them: a process talks to one broker with one prefix, as the settings say.)"""
    url = str(settings.BROKER_URL)
    key = f"{url} {settings.BROKER_QUEUE_PREFIX} {queue_names()}"
    with _configure_lock:
        if _configured_for != [key]:
            app.conf.update(
                broker_url=url,
                broker_connection_retry_on_startup=True,
                broker_connection_timeout=2,
                # publishing waits at most this long for a broker that is away, then raises
                broker_transport_options={"max_retries": 3, "interval_start": 0, "interval_step": 0.5},
                task_serializer="json",
                accept_content=["json"],
                result_backend=None,
                task_ignore_result=True,
                task_acks_late=True,
                task_reject_on_worker_lost=True,
                worker_prefetch_multiplier=1,
                worker_hijack_root_logger=False,
                worker_send_task_events=False,
                # no remote control: nothing on the broker can tell a worker to stop or change
                worker_enable_remote_control=False,
                worker_consumer="usefirst.core.task_broker:DeadLetteringConsumer",
                task_queues=work_queues(),
                task_default_queue=broker_queue(queue_names()[0]),
                task_create_missing_queues=False,
                enable_utc=True,
                timezone="UTC",
            )
            _configured_for[:] = [key]
    return app


class BrokerBackend(BaseTaskBackend):
    """Django's task framework publishing to the broker (the setting ``TASKS``)."""

    supports_defer = True
    supports_priority = False
    supports_get_result = False

    def enqueue(self, task: Task[Any, Any], args: Any, kwargs: Any) -> TaskResult[Any, Any]:
        self.validate_task(task)
        result: TaskResult[Any, Any] = TaskResult(
            task=task,
            id=get_random_string(32),
            status=TaskResultStatus.READY,
            enqueued_at=timezone.now(),
            started_at=None,
            last_attempted_at=None,
            finished_at=None,
            args=list(normalize_json(list(args))),  # type: ignore[arg-type]  # a list stays a list
            kwargs=dict(normalize_json(dict(kwargs))),  # type: ignore[arg-type]
            backend=self.alias,
            errors=[],
            worker_ids=[],
        )
        payload = {
            "task": task.module_path,
            "args": result.args,
            "kwargs": result.kwargs,
            "id": result.id,
            "backend": self.alias,
            "queue": task.queue_name,
            "request_id": current_request_id(),
            "enqueued_at": result.enqueued_at.isoformat() if result.enqueued_at else "",
        }
        try:
            _publish(payload, task.run_after)
        except PUBLISH_ERRORS as exc:
            _hold(payload, task.run_after, exc)
        if task.module_path == SCHEDULER_TICK_TASK:
            from django.core.cache import cache

            cache.set(SCHEDULER_TICK_KEY, timezone.now().isoformat(), timeout=None)
            bump(SCHEDULER_TICKS_KEY)
        task_enqueued.send(type(self), task_result=result)
        return result


def _publish(payload: dict[str, Any], run_after: datetime | None) -> None:
    configured().send_task(
        RUNNER, args=[payload], task_id=str(payload["id"]), queue=broker_queue(str(payload["queue"])), eta=run_after, retry=True
    )


def _hold(payload: dict[str, Any], run_after: datetime | None, exc: BaseException) -> None:
    """The broker is away: keep the task in the database until `publish_held` sends it."""
    from django_tasks_db.models import DBTaskResult, get_date_max

    DBTaskResult.objects.create(
        args_kwargs={"args": payload["args"], "kwargs": payload["kwargs"], "payload": payload},
        task_path=str(payload["task"]),
        queue_name=str(payload["queue"]),
        run_after=run_after or get_date_max(),
        backend_name=HELD_BACKEND,
    )
    logger.warning("broker unreachable (%s): task %s held in the database", exc, payload["task"])


def held_count() -> int:
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(backend_name=HELD_BACKEND, status=TaskResultStatus.READY).count()


def publish_held(*, batch: int = 500) -> int:
    """Send to the broker the tasks held while it was away (the scheduler, every minute); returns
    how many were sent. A failure stops the batch; the rest wait for the next minute."""
    from django_tasks_db.models import DBTaskResult, get_date_max

    sent = 0
    with transaction.atomic():
        rows = (
            DBTaskResult.objects.select_for_update(skip_locked=True)
            .filter(backend_name=HELD_BACKEND, status=TaskResultStatus.READY)
            .order_by("enqueued_at")[:batch]
        )
        for row in rows:
            try:
                _publish(dict(row.args_kwargs["payload"]), None if row.run_after == get_date_max() else row.run_after)
            except PUBLISH_ERRORS:
                logger.warning("broker still unreachable: %s held tasks wait", held_count() - sent)
                break
            row.delete()
            sent += 1
    return sent


@dataclass(frozen=True)
class Unrunnable(Exception):
    """A message this code cannot run; it goes to the dead-letter queue."""

    reason: str


def _task_of(payload: Any) -> tuple[Task[Any, Any], TaskResult[Any, Any]]:
    if not isinstance(payload, dict) or not payload.keys() >= PAYLOAD_KEYS:
        raise Unrunnable("消息内容不完整")
    if not isinstance(payload["args"], list) or not isinstance(payload["kwargs"], dict):
        raise Unrunnable("任务参数格式不正确")
    try:
        task = import_string(str(payload["task"]))
    except ImportError as exc:
        raise Unrunnable(f"任务不存在：{payload['task']}") from exc
    if not isinstance(task, Task):
        raise Unrunnable(f"不是任务：{payload['task']}")
    now = timezone.now()
    result: TaskResult[Any, Any] = TaskResult(
        task=task,
        id=str(payload["id"]),
        status=TaskResultStatus.RUNNING,
        enqueued_at=None,
        started_at=now,
        last_attempted_at=now,
        finished_at=None,
        args=payload["args"],
        kwargs=payload["kwargs"],
        backend=str(payload["backend"]),
        errors=[],
        worker_ids=[],
    )
    return task, result


def run_task(self: Any, payload: Any) -> None:
    """Run one published task (in the worker)."""
    try:
        task, result = _task_of(payload)
    except (Unrunnable, SuspiciousOperation) as exc:
        where = str(payload.get("task", "")) if isinstance(payload, dict) else ""
        report_exception(exc, kind="task", where=where or RUNNER, task_id=str(self.request.id), dead_letter=dead_letter_queue())
        logger.error("task message %s cannot be run (%s): moved to %s", self.request.id, exc, dead_letter_queue())
        raise Reject(str(exc), requeue=False) from exc
    token = enter_request_id(str(payload.get("request_id") or f"task-{result.id}"))
    try:
        result.worker_ids.append(str(self.request.hostname or ""))
        task_started.send(type(task.get_backend()), task_result=result)
        try:
            if task.takes_context:
                task.call(TaskContext(task_result=result), *result.args, **result.kwargs)
            else:
                task.call(*result.args, **result.kwargs)
        except KeyboardInterrupt:
            raise
        except BaseException as exc:  # the task failed: failed once, reported and counted by the signal
            result.errors.append(
                TaskError(
                    exception_class_path=f"{type(exc).__module__}.{type(exc).__qualname__}",
                    traceback="".join(format_exception(exc)),
                )
            )
            object.__setattr__(result, "status", TaskResultStatus.FAILED)
        else:
            object.__setattr__(result, "status", TaskResultStatus.SUCCESSFUL)
        object.__setattr__(result, "finished_at", timezone.now())
        task_finished.send(type(task.get_backend()), task_result=result)
    finally:
        leave_request_id(token)


class DeadLetteringConsumer(Consumer):  # type: ignore[misc]
    """Celery's consumer, but a message whose body cannot be decoded is reported and dead-lettered
    (Celery's own acknowledges it: it would be lost with only a log line)."""

    def on_decode_error(self, message: Any, exc: Exception) -> None:
        report_exception(exc, kind="task", where=RUNNER, task_id="", dead_letter=dead_letter_queue())
        logger.error("a task message could not be decoded (%s): moved to %s", exc, dead_letter_queue())
        message.reject(requeue=False)


def _declare_dead_letters(sender: Any = None, **kwargs: Any) -> None:
    # a rejected message is dropped unless its dead-letter queue exists: declared when a worker starts
    declare_queues()


def _unknown_task(sender: Any = None, name: str = "", id: str = "", message: Any = None, exc: Any = None, **kwargs: Any) -> None:
    # Celery rejects it without requeueing (so the queue dead-letters it); it is also reported
    report_exception(exc or RuntimeError(name), kind="task", where=name or RUNNER, task_id=id, dead_letter=dead_letter_queue())


app.task(name=RUNNER, bind=True)(run_task)
worker_ready.connect(_declare_dead_letters)
task_unknown.connect(_unknown_task)


def declare_queues() -> None:
    """Declare the task queues and the dead-letter queue with their exchanges and bindings."""
    with configured().connection_for_write() as connection:
        channel = connection.default_channel
        for queue in declared_queues():
            queue.bind(channel).declare()


def queue_depths() -> dict[str, int]:
    """Messages waiting in each task queue and in the dead-letter queue (asked of the broker: one
    queue declaration each, which answers with the count)."""
    depths: dict[str, int] = {}
    with configured().connection_for_read() as connection:
        channel = connection.default_channel
        for queue in declared_queues():
            declared = queue.bind(channel).queue_declare()
            depths[queue.name] = int(declared.message_count) if declared else 0
    return depths
