"""Scheduled work of the finance app: a daily job (usefirst/core/daily_jobs.py)."""

from __future__ import annotations

import datetime as dt

from usefirst.core.daily_jobs import daily_job

from .reminders import payment_reminders_due, send_payment_reminders


@daily_job(
    "finance.payment_reminders",
    "付款到期、逾期与提成报告逾期提醒",
    at=dt.time(8, 30),
    due=payment_reminders_due,
    labels={"count": "发送的提醒数"},
)
def payment_reminders(day: dt.date) -> int:
    """Items due in 7 days or on the day, items that became overdue, and royalty reports whose deadline passed."""
    return send_payment_reminders(on=day)
