"""Scheduled work of the finance app (the scheduler imports `<app>.tasks` of every installed app)."""

from __future__ import annotations

from crontask import cron
from django.tasks import task

from .reminders import send_payment_reminders


@cron("30 8 * * *")
@task()
def payment_reminders() -> int:
    """Each morning (Asia/Shanghai): items due in 7 days or today, items that became overdue,
    and royalty reports whose deadline passed."""
    return send_payment_reminders()
