"""Scheduled work of risk sharing: a daily job (usefirst/core/daily_jobs.py)."""

from __future__ import annotations

import datetime as dt

from usefirst.core.daily_jobs import daily_job

from .cover import offer_claims, policies_advance


@daily_job(
    "risk.cover",
    "保单生效与到期；付款逾期自动发起理赔（代偿）",
    at=dt.time(9, 0),
    labels={"started": "开始保障的保单", "expired": "到期的保单", "offered": "自动发起的理赔"},
)
def advance_cover(day: dt.date) -> dict[str, int]:
    """Policies paid in full start on their first day, those past their last day end, and every
    payment item overdue by the product's N days under a policy in force opens a claim."""
    counts = policies_advance(day)
    counts["offered"] = offer_claims(day)
    return counts
