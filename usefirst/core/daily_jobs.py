"""Daily jobs an operator can trust: each is a function of a business date (Asia/Shanghai),
run at most once per date, and the dates the scheduler missed are caught up in order.

An app declares its job once, in its `tasks.py`:

    @daily_job("contracts.advance", "免费使用期开始与届满、届满提醒、逾期升级", at=dt.time(0, 15), due=contracts_due,
               labels={"started": "免费使用期开始", ...})
    def advance_free_use_periods(day: dt.date) -> dict[str, int]: ...

`due` previews a date's work without doing it; `labels` name the counts the job returns (shown on
the operator's page); a long job reports how far it has got with `progress(done, total)`.

The scheduler's tick (`core.tasks.run_daily_jobs`, every ten minutes) runs every job for every
business date from the day after its last finished one up to today, oldest first, once the
job's time of day has passed on that date; a job never run before starts today, and no tick
reaches back more than CATCH_UP_DAYS. One `DailyJobRun` row per (job, date), unique in the
database, makes a finished date a no-op and stops two workers running one date at once. The
jobs themselves are idempotent per object (a reminder carries the mark that it was sent), so
even a forced re-run (`manage.py daily_jobs run --date … --force`, or the button on the
operator's page, `request_run`) sends nothing twice.
"""

from __future__ import annotations

import datetime as dt
import logging
import traceback
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import partial
from typing import Any
from zoneinfo import ZoneInfo

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules

from .actors import Actor, Visitor
from .audit import audit
from .errors import Conflict, DomainError, Forbidden, NotFound
from .hooks import Hook
from .models import AuditEntry, DailyJobRun

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
    labels: dict[str, str] = field(default_factory=dict)  # the Chinese name of each count in the job's result

    def describe(self, result: dict[str, Any]) -> list[tuple[str, Any]]:
        """The counts of a finished run, named for a person ("处理数" for a job that returns one number)."""
        names = {"count": "处理数", **self.labels}
        return [(names.get(key, key), value) for key, value in result.items() if key != "progress"]


_REGISTRY: dict[str, DailyJob] = {}


def daily_job(
    name: str, label: str, *, at: dt.time, due: Due | None = None, labels: dict[str, str] | None = None
) -> Callable[[Callable[[dt.date], Any]], Callable[[dt.date], Any]]:
    def register(function: Callable[[dt.date], Any]) -> Callable[[dt.date], Any]:
        _REGISTRY[name] = DailyJob(name=name, label=label, at=at, run=function, due=due, labels=dict(labels or {}))
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


_RUNNING: ContextVar[int | None] = ContextVar("daily_job_run", default=None)


def progress(done: int, total: int) -> None:
    """Record how far the running job has got, for the operator's page ("已处理 x / y"). Written
    about a hundred times per run at most; outside a daily job's run it does nothing. A job that
    works inside one long transaction shows its progress only when it commits."""
    row = _RUNNING.get()
    if row is None or total <= 0:
        return
    if done not in (0, total) and done % max(1, total // 100):
        return
    DailyJobRun.objects.filter(pk=row, status=DailyJobRun.Status.RUNNING).update(
        result={"progress": {"done": done, "total": total}}
    )


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
            row.result = {}
            row.save(update_fields=["status", "started_at", "finished_at", "error", "runs", "result"])
    token = _RUNNING.set(row.pk)
    try:
        result = daily.run(day)
    except Exception as exc:
        logger.exception("daily job %s for %s failed", daily.name, day)
        DailyJobRun.objects.filter(pk=row.pk).update(
            status=DailyJobRun.Status.FAILED, finished_at=timezone.now(), error=f"{exc!r}\n{traceback.format_exc()[-4000:]}"
        )
        return Outcome(daily.name, day, True, DailyJobRun.Status.FAILED, None, repr(exc))
    finally:
        _RUNNING.reset(token)
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


RECENT_RUNS = 10
RUN_REQUESTED = "daily_job.run_requested"  # the audit row of an operator's request, until the worker starts it


@dataclass(frozen=True)
class JobState:
    """What the operator needs to know about one job (the command's `status` and the page)."""

    job: DailyJob
    last_finished: dt.date | None
    owed: list[dt.date]  # dates the scheduler still owes, oldest first (missed or due today)
    running: list[DailyJobRun]
    failed: list[DailyJobRun]  # dates whose last run failed, newest first
    recent: list[DailyJobRun]  # the latest runs, newest date first
    queued: list[tuple[dt.date, dt.datetime]] = field(default_factory=list)  # (date, requested at) not started yet

    @property
    def due_today(self) -> bool:
        return business_today() in self.owed

    @property
    def described_recent(self) -> list[tuple[DailyJobRun, list[tuple[str, Any]]]]:
        """The latest runs, each with its counts named (finished runs only)."""
        return [(row, self.job.describe(row.result) if row.status == DailyJobRun.Status.FINISHED else []) for row in self.recent]

    @property
    def missed(self) -> list[dt.date]:
        """Owed dates before today: the scheduler was down or the date failed."""
        today = business_today()
        return [day for day in self.owed if day < today]


def overview(now: dt.datetime | None = None) -> list[JobState]:
    now = now or timezone.now()
    owed: dict[str, list[dt.date]] = {}
    for daily, day in pending(now):
        owed.setdefault(daily.name, []).append(day)
    states = []
    for daily in jobs().values():
        rows = DailyJobRun.objects.filter(job=daily.name)
        started = dict(rows.filter(started_at__gte=now - STALE_RUNNING).values_list("business_date", "started_at"))
        queued: dict[dt.date, dt.datetime] = {}
        for entry in AuditEntry.objects.filter(
            action=RUN_REQUESTED, at__gte=now - STALE_RUNNING, detail__job=daily.name
        ).order_by("at"):
            day = dt.date.fromisoformat(entry.detail["business_date"])
            if day not in started or started[day] < entry.at:
                queued[day] = entry.at
        states.append(
            JobState(
                job=daily,
                last_finished=last_finished(daily.name),
                owed=owed.get(daily.name, []),
                running=list(rows.filter(status=DailyJobRun.Status.RUNNING).order_by("-business_date")),
                failed=list(rows.filter(status=DailyJobRun.Status.FAILED).order_by("-business_date")),
                recent=list(rows.order_by("-business_date")[:RECENT_RUNS]),
                queued=sorted(queued.items()),
            )
        )
    return states


def run_record(name: str, day: dt.date) -> DailyJobRun | None:
    return DailyJobRun.objects.filter(job=name, business_date=day).first()


# Who may operate the daily jobs: accounts answers with its role predicate (accounts/hooks.py).
operators: Hook[[Visitor], bool] = Hook("core.daily_job_operator")


def may_operate(user: Visitor) -> bool:
    """Who sees the daily jobs and runs a date again: the provincial department's administrators
    (the platform's operators); other provincial staff, departments and parties do not."""
    return operators.ask(user)


def runnable_dates(now: dt.datetime | None = None) -> tuple[dt.date, dt.date]:
    """The dates an operator may run from the page: the window the scheduler itself catches up."""
    today = business_today(now)
    return today - dt.timedelta(days=CATCH_UP_DAYS), today


def request_run(*, actor: Actor, name: str, day: dt.date) -> DailyJob:
    """An operator runs one job for one date again, in the background (the worker calls `run`
    with `force`, as `manage.py daily_jobs run --force` does). The jobs mark what they sent, so
    nothing is sent twice; the request is audited."""
    if not may_operate(actor):
        raise Forbidden("只有省科技厅管理员可以运行每日任务", code="not_provincial_admin")
    daily = jobs().get(name)
    if daily is None:
        raise NotFound(f"未知的每日任务：{name}", code="daily_job_unknown")
    first, last = runnable_dates()
    if not first <= day <= last:
        raise DomainError(
            f"业务日期须在 {first:%Y-%m-%d} 至 {last:%Y-%m-%d} 之间（今天及之前 {CATCH_UP_DAYS} 天）",
            code="daily_job_date_outside",
            field_errors={"business_date": ["业务日期超出可运行的范围"]},
        )
    if not is_due_at(daily, day, timezone.now()):
        raise DomainError(
            f"“{daily.label}”每日 {daily.at:%H:%M}（北京时间）起才运行，{day:%Y-%m-%d} 的运行时间还未到",
            code="daily_job_not_yet_due",
            field_errors={"business_date": ["该日期的运行时间还未到"]},
        )
    running = DailyJobRun.objects.filter(
        job=name, business_date=day, status=DailyJobRun.Status.RUNNING, started_at__gt=timezone.now() - STALE_RUNNING
    )
    if running.exists():
        raise Conflict(f"“{daily.label}”{day:%Y-%m-%d} 正在运行，请稍后刷新查看结果", code="daily_job_running")
    from .tasks import run_daily_job

    with transaction.atomic():
        audit(actor=actor, action=RUN_REQUESTED, job=name, business_date=day.isoformat())
        transaction.on_commit(partial(run_daily_job.enqueue, job=name, business_date=day.isoformat()))
    return daily
