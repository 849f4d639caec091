# Type stubs for crontask, which ships annotations but no py.typed marker: `cron` returns the task
# it decorates unchanged, so a scheduled task keeps its signature for the type checker.
from collections.abc import Callable
from typing import Any

from django.tasks import Task

__all__ = ["cron"]

def cron[**P, R](
    schedule: str | Any, *, sentry_monitor_config: dict[str, Any] | None = ...
) -> Callable[[Task[P, R]], Task[P, R]]: ...
