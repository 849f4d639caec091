"""Log lines that can be searched and joined: every record carries the request id and the client's
address (core/client.py), and production writes one JSON object per line (docs/operations.md).

``LOG_FORMAT`` (environment ``USEFIRST_LOG_FORMAT``): ``json`` in production, ``text`` elsewhere.
The handlers write to standard output; the process manager (systemd's journal, or the container
runtime) keeps the lines and ships them, for at least six months (docs/operations.md, "Logs").
"""

from __future__ import annotations

import logging
from typing import Any

from pythonjsonlogger.json import JsonFormatter

from .client import current_address, current_request_id


class RequestContextFilter(logging.Filter):
    """Adds ``request_id`` and ``client`` to every record (empty outside a request or its tasks)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = current_request_id()
        record.client = current_address()
        return True


class JsonLineFormatter(JsonFormatter):
    """One JSON object per line: time (UTC, ISO 8601), level, logger, message, request id, client,
    and the exception's traceback when there is one."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("timestamp", "time")
        kwargs.setdefault("rename_fields", {"levelname": "level", "name": "logger"})
        kwargs.setdefault("json_ensure_ascii", False)
        super().__init__("%(levelname)s %(name)s %(message)s %(request_id)s %(client)s", *args, **kwargs)


def logging_config(log_format: str, *, level: str = "INFO") -> dict[str, Any]:
    """The LOGGING setting for `log_format` ("json" or "text")."""
    formatter = (
        {"()": "usefirst.core.logging.JsonLineFormatter"}
        if log_format == "json"
        else {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"}
    )
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_context": {"()": "usefirst.core.logging.RequestContextFilter"}},
        "formatters": {"line": formatter},
        "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["request_context"], "formatter": "line"}},
        "root": {"handlers": ["console"], "level": level},
        # apscheduler logs every job it starts (the heartbeat each minute, the lock every 5 s)
        "loggers": {
            "django.db.backends": {"level": "WARNING"},
            "jieba": {"level": "WARNING"},
            "apscheduler": {"level": "WARNING"},
            # Celery logs each message received and finished with its arguments; django.tasks
            # already logs each task's start and end, with the request id and without them
            "celery.app.trace": {"level": "WARNING"},
            "celery.worker.strategy": {"level": "WARNING"},
        },
    }
