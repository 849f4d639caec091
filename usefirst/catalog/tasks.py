"""Scheduled work of the catalog (the scheduler imports `<app>.tasks` of every installed app)."""

from __future__ import annotations

from crontask import cron
from django.tasks import task

from .services.demands import expire_overdue


@cron("5 0 * * *")
@task()
def expire_overdue_demands() -> int:
    """Demands already show as expired the day after their deadline; this catches up the
    stored status (and writes the event rows) shortly after midnight, Asia/Shanghai."""
    return expire_overdue()
