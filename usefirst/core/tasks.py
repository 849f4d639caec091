"""The scheduler's tick for the daily jobs (the scheduler imports `<app>.tasks` of every installed app)."""

from __future__ import annotations

from crontask import cron
from django.tasks import task


@cron("*/10 * * * *")
@task()
def run_daily_jobs() -> int:
    """Every ten minutes: run each daily job for each business date it owes (see daily_jobs)."""
    from .daily_jobs import catch_up

    return sum(1 for outcome in catch_up() if outcome.ran)
