"""The scheduler's tick for the daily jobs (the scheduler imports `<app>.tasks` of every installed app)."""

from __future__ import annotations

import datetime as dt

from crontask import cron
from django.tasks import task


@cron("*/10 * * * *")
@task()
def run_daily_jobs() -> int:
    """Every ten minutes: run each daily job for each business date it owes (see daily_jobs)."""
    from .daily_jobs import catch_up

    return sum(1 for outcome in catch_up() if outcome.ran)


@task()
def run_daily_job(*, job: str, business_date: str) -> str:
    """One job for one date, run again at an operator's request (daily_jobs.request_run)."""
    from . import daily_jobs

    return daily_jobs.run(daily_jobs.job(job), dt.date.fromisoformat(business_date), force=True).status
