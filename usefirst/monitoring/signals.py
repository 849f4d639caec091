"""The worker's side of request ids and error reports, and 500s reported from the request handler.

- A task starts: the request id stored when it was enqueued (core/task_backend.py) is made current,
  so the task's log lines and the errors it reports carry it; it is dropped when the task ends.
- A task fails: it is counted (metrics) and reported (core/error_reporting.py).
- A view raises an exception no middleware turned into a response (a 500): it is reported.
- A keyword question is searched, not answered from the cache: it is counted (metrics).
"""

from __future__ import annotations

from contextvars import Token
from typing import Any

from django.core.signals import got_request_exception
from django.dispatch import receiver
from django.http import HttpRequest
from django.tasks.base import TaskResultStatus
from django.tasks.signals import task_finished, task_started

from usefirst.core import client
from usefirst.core.error_reporting import report_exception, report_request_exception
from usefirst.core.task_backend import DatabaseBackend, request_id_of
from usefirst.matching.search import searched

from . import metrics

_tokens: dict[str, Token[str]] = {}


@receiver(task_started)
def _task_started(sender: Any, task_result: Any, **kwargs: Any) -> None:
    # the database worker sends its backend (an instance; the backend's own enqueue, its type)
    backend = sender if isinstance(sender, type) else type(sender)
    stored = request_id_of(str(task_result.id)) if issubclass(backend, DatabaseBackend) else ""
    request_id = stored or client.current_request_id() or f"task-{task_result.id}"
    _tokens[str(task_result.id)] = client.enter_request_id(request_id)


@receiver(task_finished)
def _task_finished(sender: Any, task_result: Any, **kwargs: Any) -> None:
    try:
        if task_result.status == TaskResultStatus.FAILED:
            metrics.TASK_FAILURES.labels(task=task_result.task.name).inc()
            errors = list(task_result.errors or ())
            last = errors[-1] if errors else None
            report_exception(
                RuntimeError(last.exception_class_path if last else "task failed"),
                kind="task",
                where=task_result.task.module_path,
                task_id=str(task_result.id),
                task_traceback=last.traceback if last else "",
            )
    finally:
        token = _tokens.pop(str(task_result.id), None)
        if token is not None:
            client.leave_request_id(token)


@receiver(got_request_exception)
def _request_failed(sender: Any, request: HttpRequest | None = None, **kwargs: Any) -> None:
    import sys

    exc = sys.exc_info()[1]
    if exc is None or request is None:
        return
    report_request_exception(exc, request)


@receiver(searched)
def _searched(sender: Any, kind: str, way: str, **kwargs: Any) -> None:
    metrics.SEARCHES.labels(kind=kind, way=way).inc()
