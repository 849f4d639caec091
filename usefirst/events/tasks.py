"""The reminders before an event, run by the core daily-job tick for every business date it owes."""

from __future__ import annotations

import datetime as dt

from usefirst.core.daily_jobs import daily_job

from .services import reminders_due, send_reminders


@daily_job(
    "events.reminders",
    "活动开始前提醒已报名的参会人",
    at=dt.time(8, 0),
    due=reminders_due,
    labels={"events": "提醒的活动", "people": "提醒的人数"},
)
def remind_registrants(day: dt.date) -> dict[str, int]:
    return send_reminders(day)
