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


@cron("* * * * *")
@task()
def requeue_abandoned_tasks() -> int:
    """Every minute: a task whose worker died goes back to the queue (core/task_recovery.py)."""
    from .task_recovery import requeue_abandoned

    return len(requeue_abandoned())


@cron("* * * * *")
@task()
def publish_held_tasks() -> int:
    """On the broker: send the tasks held in the database while it was away (core/task_broker.py)."""
    from .task_backend import on_broker

    if not on_broker():
        return 0
    from .task_broker import publish_held

    return publish_held()


@task()
def queue_drill(*, key: str, seconds: float) -> bool:
    """The worker-kill drill of `make prod-test` (scripts/prod_faults.py): counts each attempt,
    waits, then makes its one effect under `key` — a second run finds it and makes nothing.
    The same pattern as a receipt's unique number or a notification's `emailed_at` guard."""
    import time

    from django.core.cache import cache

    cache.add(f"usefirst:drill:{key}:attempts", 0, timeout=3600)
    cache.incr(f"usefirst:drill:{key}:attempts")
    time.sleep(seconds)
    made = cache.add(f"usefirst:drill:{key}:effect", 1, timeout=3600)
    if made:
        cache.add(f"usefirst:drill:{key}:effects", 0, timeout=3600)
        cache.incr(f"usefirst:drill:{key}:effects")
    return bool(made)
