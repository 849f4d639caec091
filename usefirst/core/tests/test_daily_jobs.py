"""Daily jobs run once per business date and catch up the dates the scheduler missed
(usefirst/core/daily_jobs.py)."""

import datetime as dt
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command

from usefirst.core import daily_jobs
from usefirst.core.models import DailyJobRun

pytestmark = pytest.mark.django_db

RAN: list[dt.date] = []


@pytest.fixture
def probe():
    """A job of the tests' own, at 08:30 Asia/Shanghai, that records the dates it ran for."""
    RAN.clear()

    @daily_jobs.daily_job("tests.probe", "测试任务", at=dt.time(8, 30), due=lambda day: {"待处理": [str(day)]})
    def _probe(day: dt.date) -> int:
        RAN.append(day)
        return len(RAN)

    yield daily_jobs.job("tests.probe")
    daily_jobs._REGISTRY.pop("tests.probe", None)


def shanghai(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=daily_jobs.SHANGHAI)


def test_a_scheduler_down_for_two_days_catches_up_both_days_in_order(probe):
    daily_jobs.run(probe, dt.date(2026, 12, 1))
    # The scheduler was down on 2 and 3 December; its first tick on the 4th, after 08:30:
    daily_jobs.catch_up(now=shanghai(dt.date(2026, 12, 4), 9))
    assert [dt.date(2026, 12, 1), dt.date(2026, 12, 2), dt.date(2026, 12, 3), dt.date(2026, 12, 4)] == RAN


def test_a_date_runs_only_once_its_time_of_day_has_passed(probe):
    daily_jobs.run(probe, dt.date(2026, 12, 3))
    daily_jobs.catch_up(now=shanghai(dt.date(2026, 12, 4), 8, 29))
    assert [dt.date(2026, 12, 3)] == RAN
    daily_jobs.catch_up(now=shanghai(dt.date(2026, 12, 4), 8, 30))
    assert [dt.date(2026, 12, 3), dt.date(2026, 12, 4)] == RAN


def test_running_a_finished_date_again_does_nothing_unless_forced(probe):
    day = dt.date(2026, 12, 4)
    assert daily_jobs.run(probe, day).ran
    again = daily_jobs.run(probe, day)
    assert not again.ran and "已完成" in again.note
    assert [day] == RAN
    assert daily_jobs.run(probe, day, force=True).ran
    assert DailyJobRun.objects.get(job="tests.probe", business_date=day).runs == 2


def test_a_failed_date_is_recorded_and_retried_by_the_next_tick(probe):
    def fail(day: dt.date) -> int:
        raise RuntimeError("数据库暂时不可用")

    broken = daily_jobs.DailyJob(probe.name, probe.label, probe.at, fail)
    outcome = daily_jobs.run(broken, dt.date(2026, 12, 4))
    assert outcome.status == DailyJobRun.Status.FAILED
    assert "数据库暂时不可用" in DailyJobRun.objects.get(job="tests.probe").error
    daily_jobs.catch_up(now=shanghai(dt.date(2026, 12, 4), 10))
    assert [dt.date(2026, 12, 4)] == RAN
    assert DailyJobRun.objects.get(job="tests.probe").status == DailyJobRun.Status.FINISHED


def test_the_business_date_is_the_shanghai_date():
    with time_machine.travel(dt.datetime(2026, 12, 4, 23, 30, tzinfo=dt.UTC), tick=False):
        assert daily_jobs.business_today() == dt.date(2026, 12, 5)


def test_a_job_never_run_starts_today_rather_than_replaying_history(probe):
    daily_jobs.catch_up(now=shanghai(dt.date(2026, 12, 4), 9))
    assert [dt.date(2026, 12, 4)] == RAN


def test_the_command_lists_what_is_due_and_runs_a_date_with_progress(probe):
    out, err = StringIO(), StringIO()
    call_command("daily_jobs", "due", "--date", "2026-12-04", "--job", "tests.probe", stdout=out, stderr=err)
    assert "待处理：1 项" in out.getvalue() and RAN == []
    call_command("daily_jobs", "run", "--date", "2026-12-04", "--job", "tests.probe", stdout=out, stderr=err)
    call_command("daily_jobs", "run", "--date", "2026-12-04", "--job", "tests.probe", stdout=out, stderr=err)
    assert [dt.date(2026, 12, 4)] == RAN
    assert "该日期已完成，未重复运行" in out.getvalue()
    assert "每日任务" in err.getvalue()  # the progress bar
    status = StringIO()
    call_command("daily_jobs", "status", "--job", "tests.probe", stdout=status)
    assert "最近完成的日期：2026-12-04" in status.getvalue()
