"""Scheduled work of the contracts (the scheduler imports `<app>.tasks` of every installed app)."""

from __future__ import annotations

from crontask import cron
from django.tasks import task

from .services import contract_advance


@cron("15 0 * * *")
@task()
def advance_free_use_periods() -> dict[str, int]:
    """Shortly after midnight (Asia/Shanghai): start and close free-use periods, send the 30- and
    7-day reminders, escalate contracts whose next step is overdue."""
    return contract_advance()
