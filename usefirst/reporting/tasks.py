"""The reminders of annual reporting and rectification, run by the core daily-job tick."""

from __future__ import annotations

import datetime as dt

from usefirst.core.daily_jobs import daily_job

from .services import reminders_due, send_reminders


@daily_job(
    "reporting.reminders",
    "年度数据填报截止提醒与整改方案期限提醒",
    at=dt.time(8, 0),
    due=reminders_due,
    labels={"reports": "填报提醒", "cases": "整改提醒"},
)
def remind(day: dt.date) -> dict[str, int]:
    return send_reminders(day)
