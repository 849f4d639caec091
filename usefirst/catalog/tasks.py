"""Scheduled work of the catalog: a daily job (usefirst/core/daily_jobs.py)."""

from __future__ import annotations

import datetime as dt

from usefirst.core.daily_jobs import daily_job

from .models import Demand
from .services.demands import expire_overdue


def demands_due(day: dt.date) -> dict[str, list[str]]:
    from .choices import DemandStatus

    overdue = Demand.objects.filter(status=DemandStatus.PUBLISHED, deadline__lt=day).order_by("pk")
    return {"截止日期已过的需求转为已过期": [f"#{d.pk} {d.title}" for d in overdue]}


@daily_job(
    "catalog.expire_demands",
    "截止日期已过的技术需求转为已过期",
    at=dt.time(0, 5),
    due=demands_due,
    labels={"count": "转为已过期的需求数"},
)
def expire_overdue_demands(day: dt.date) -> int:
    """Demands already show as expired the day after their deadline; this catches up the stored
    status (and writes the event rows)."""
    return expire_overdue(on=day)
