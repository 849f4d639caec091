"""Where unexpected errors are reported: one interface, chosen by the ERROR_REPORTER setting.

A 500 on a page or in the API, and a task that fails, are reported with the request id, the path
or task, the user (by id) and the traceback. The local implementation appends one JSON object per
error to a file that a log forwarder or an operator reads; an installation with an error-tracking
service writes a class with the same ``report`` method and names it in the setting
(docs/operations.md, "Errors").
"""

from __future__ import annotations

import json
import threading
import traceback
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone
from django.utils.module_loading import import_string

from .client import current_address, current_request_id


@dataclass(frozen=True)
class ErrorReport:
    """One unexpected error, as reported."""

    kind: str  # "request" or "task"
    where: str  # the request's method and path, or the task's path
    error: str  # the exception's class and message
    traceback: str
    request_id: str = ""
    client: str = ""
    user_id: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    at: str = field(default_factory=lambda: timezone.now().isoformat())


class ErrorReporter(Protocol):
    def report(self, report: ErrorReport) -> None: ...


class JsonLinesReporter:
    """Appends each report as a JSON line to ``path`` (the local implementation)."""

    def __init__(self, path: str) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()

    def report(self, report: ErrorReport) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        line = json.dumps(report.__dict__, ensure_ascii=False, default=str)
        with self._lock, self.path.open("a", encoding="utf-8") as out:
            out.write(line + "\n")


@lru_cache(maxsize=1)
def _reporter(backend: str, options: str) -> ErrorReporter:
    reporter: ErrorReporter = import_string(backend)(**json.loads(options))
    return reporter


def reporter() -> ErrorReporter:
    config: dict[str, Any] = settings.ERROR_REPORTER
    return _reporter(str(config["BACKEND"]), json.dumps(config.get("OPTIONS", {}), sort_keys=True))


def report_exception(exc: BaseException, *, kind: str, where: str, user_id: int | None = None, **extra: Any) -> ErrorReport:
    """Report `exc` through the configured reporter; a failing reporter never hides the error."""
    report = ErrorReport(
        kind=kind,
        where=where,
        error=f"{type(exc).__name__}: {exc}",
        traceback="".join(traceback.format_exception(exc)),
        request_id=current_request_id(),
        client=current_address(),
        user_id=user_id,
        extra=extra,
    )
    try:
        reporter().report(report)
    except Exception:  # reporting must not turn one error into two
        import logging

        logging.getLogger(__name__).exception("the error reporter failed")
    return report


def report_request_exception(exc: BaseException, request: HttpRequest) -> ErrorReport:
    """Report an exception that escaped a view (a 500), naming the request and its user."""
    user = getattr(request, "user", None)
    return report_exception(
        exc,
        kind="request",
        where=f"{request.method} {request.path}",
        user_id=getattr(user, "pk", None) if getattr(user, "is_authenticated", False) else None,
    )
