"""Daily jobs an operator can trust: each is a function of a business date (Asia/Shanghai),
run at most once per date, and the dates the scheduler missed are caught up in order.

An app declares its job once, in its `tasks.py`:

    @daily_job("contracts.advance", "免费使用期开始与届满、届满提醒、逾期升级", at=dt.time(0, 15), due=contracts_due)
    def advance_free_use_periods(day: dt.date) -> dict[str, int]: ...

The scheduler's tick (`core.tasks.run_daily_jobs`, every ten minutes) runs every job for every
business date from the day after its last finished one up to today, oldest first, once the
job's time of day has passed on that date; a job never run before starts today, and no tick
reaches back more than CATCH_UP_DAYS. One `DailyJobRun` row per (job, date), unique in the
database, makes a finished date a no-op and stops two workers running one date at once. The
jobs themselves are idempotent per object (a reminder carries the mark that it was sent), so
even a forced re-run (`manage.py daily_jobs run --date … --force`) sends nothing twice.
"""

from __future__ import annotations

import datetime as dt
import logging
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules

from .models import DailyJobRun

logger = logging.getLogger(__name__)
SHANGHAI = ZoneInfo("Asia/Shanghai")
CATCH_UP_DAYS = 31
STALE_RUNNING = dt.timedelta(hours=2)  # a run still "running" after this is taken to have died

Due = Callable[[dt.date], dict[str, list[str]]]


@dataclass(frozen=True)
class DailyJob:
    name: str
    label: str
    at: dt.time  # time of day (Asia/Shanghai) from which a date's work may run
    run: Callable[[dt.date], Any]
    due: Due | None = None


_REGISTRY: dict[str, DailyJob] = {}


def daily_job(
    name: str, label: str, *, at: dt.time, due: Due | None = None
) -> Callable[[Callable[[dt.date], Any]], Callable[[dt.date], Any]]:
    def register(function: Callable[[dt.date], Any]) -> Callable[[dt.date], Any]:
        _REGISTRY[name] = DailyJob(name=name, label=label, at=at, run=function, due=due)
        return function

    return register


def jobs() -> dict[str, DailyJob]:
    """Every registered job (the apps' `tasks` modules are imported first), by name."""
    autodiscover_modules("tasks")
    return dict(sorted(_REGISTRY.items()))


def job(name: str) -> DailyJob:
    found = jobs().get(name)
    if found is None:
        raise KeyError(f"未知的每日任务：{name}（可用：{'、'.join(jobs())}）")
    return found


def business_today(now: dt.datetime | None = None) -> dt.date:
    return (now or timezone.now()).astimezone(SHANGHAI).date()


def is_due_at(daily: DailyJob, day: dt.date, now: dt.datetime) -> bool:
    return now >= dt.datetime.combine(day, daily.at, tzinfo=SHANGHAI)


@dataclass(frozen=True)
class Outcome:
    job: str
    day: dt.date
    ran: bool
    status: str
    result: Any = None
    note: str = ""


def run(daily: DailyJob, day: dt.date, *, force: bool = False) -> Outcome:
    """Run one job for one date, unless that date is finished (then nothing, unless `force`) or
    being run by another worker."""
    now = timezone.now()
    try:
        with transaction.atomic():
            row = DailyJobRun.objects.create(job=daily.name, business_date=day, status=DailyJobRun.Status.RUNNING, started_at=now)
    except IntegrityError:
        with transaction.atomic():
            row = DailyJobRun.objects.select_for_update().get(job=daily.name, business_date=day)
            if row.status == DailyJobRun.Status.FINISHED and not force:
                return Outcome(daily.name, day, False, row.status, row.result, "该日期已完成，未重复运行")
            if row.status == DailyJobRun.Status.RUNNING and now - row.started_at < STALE_RUNNING:
                return Outcome(daily.name, day, False, row.status, None, "另一进程正在运行该日期")
            row.status, row.started_at, row.finished_at, row.error = DailyJobRun.Status.RUNNING, now, None, ""
            row.runs += 1
            row.save(update_fields=["status", "started_at", "finished_at", "error", "runs"])
    try:
        result = daily.run(day)
    except Exception as exc:
        logger.exception("daily job %s for %s failed", daily.name, day)
        DailyJobRun.objects.filter(pk=row.pk).update(
            status=DailyJobRun.Status.FAILED, finished_at=timezone.now(), error=f"{exc!r}\n{traceback.format_exc()[-4000:]}"
        )
        return Outcome(daily.name, day, True, DailyJobRun.Status.FAILED, None, repr(exc))
    stored = result if isinstance(result, dict) else {"count": result}
    DailyJobRun.objects.filter(pk=row.pk).update(status=DailyJobRun.Status.FINISHED, finished_at=timezone.now(), result=stored)
    return Outcome(daily.name, day, True, DailyJobRun.Status.FINISHED, stored)


def last_finished(name: str) -> dt.date | None:
    row = DailyJobRun.objects.filter(job=name, status=DailyJobRun.Status.FINISHED).order_by("-business_date").first()
    return row.business_date if row is not None else None


def pending(now: dt.datetime | None = None) -> Iterator[tuple[DailyJob, dt.date]]:
    """(job, date) pairs the scheduler owes, oldest date first: every date after the job's last
    finished one (a failed or missed date included) up to today, once its time has passed."""
    now = now or timezone.now()
    today = business_today(now)
    earliest = today - dt.timedelta(days=CATCH_UP_DAYS)
    owed: list[tuple[dt.date, str, DailyJob]] = []
    for daily in jobs().values():
        last = last_finished(daily.name)
        start = today if last is None else max(last + dt.timedelta(days=1), earliest)
        day = start
        while day <= today:
            if is_due_at(daily, day, now):
                owed.append((day, daily.name, daily))
            day += dt.timedelta(days=1)
    for day, _name, daily in sorted(owed, key=lambda item: (item[0], item[1])):
        yield daily, day


def catch_up(now: dt.datetime | None = None) -> list[Outcome]:
    """The scheduler's tick: run everything owed, oldest first."""
    return [run(daily, day) for daily, day in pending(now)]
