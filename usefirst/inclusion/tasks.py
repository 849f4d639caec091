"""The daily sweep of rule 4 (docs/domain.md, "Auto-inclusion date"), run by the core daily-job
tick for every Asia/Shanghai business date it owes."""

from __future__ import annotations

import datetime as dt

from usefirst.core.daily_jobs import daily_job

from .services import sweep_due, sweep_include


@daily_job(
    "inclusion.sweep",
    "验收满三年未转化的科研攻关类成果自动纳入平台",
    at=dt.time(0, 30),
    due=sweep_due,
    labels={
        "included": "新建待完善成果并纳入",
        "linked": "关联单位已有成果并纳入",
        "awaiting_unit": "承担单位未注册，暂未纳入",
    },
)
def include_due_projects(day: dt.date) -> dict[str, int]:
    return sweep_include(day)
