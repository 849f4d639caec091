"""The daily jobs page, for the provincial administrators (the platform's operators): each job's
last finished date, missed dates, running and failed runs, and a confirmed button that runs a
date again through the same `daily_jobs.run` as `manage.py daily_jobs run --force`."""

import datetime as dt

import pytest
import time_machine
from django.contrib import admin
from django.urls import reverse

from usefirst.core import daily_jobs
from usefirst.core.admin import ReadOnlyModelAdmin
from usefirst.core.models import AuditEntry, DailyJobRun

pytestmark = pytest.mark.django_db

SH = daily_jobs.SHANGHAI
TODAY = dt.date(2026, 12, 5)
NOW = dt.datetime(2026, 12, 5, 10, 0, tzinfo=SH)
PAGE = reverse("core:daily_jobs")
SENT: list[dt.date] = []


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def probe():
    """A job of the tests' own that sends one thing per date at most, and reports its progress."""
    SENT.clear()

    def _due(day: dt.date) -> dict[str, list[str]]:
        return {"待发送的提醒": [] if day in SENT else [f"{day} 的提醒"]}

    @daily_jobs.daily_job("tests.reminders", "测试提醒", at=dt.time(8, 30), due=_due, labels={"count": "发送的提醒数"})
    def _reminders(day: dt.date) -> int:
        daily_jobs.progress(1, 1)
        if day in SENT:
            return 0
        SENT.append(day)
        return 1

    yield daily_jobs.job("tests.reminders")
    daily_jobs._REGISTRY.pop("tests.reminders", None)


def run_url(day: dt.date | str, name: str = "tests.reminders") -> str:
    return reverse("core:daily_job_run", args=[name]) + f"?business_date={day}"


@pytest.mark.parametrize("persona", ["provincial_reviewer", "owner", "outsider"])
def test_other_roles_get_the_chinese_403_and_cannot_run_a_date(client, request, probe, persona):
    client.force_login(request.getfixturevalue(persona))
    refused = client.get(PAGE)
    assert refused.status_code == 403
    assert "无权访问此页面" in refused.content.decode() and "省科技厅管理员" in refused.content.decode()
    posted = client.post(
        reverse("core:daily_job_run", args=["tests.reminders"]), {"business_date": "2026-12-04", "confirmed": "1"}
    )
    assert posted.status_code == 403
    assert SENT == [] and not DailyJobRun.objects.exists() and not AuditEntry.objects.exclude(action__startswith="auth.").exists()


def test_an_anonymous_visitor_is_sent_to_log_in(client):
    assert client.get(PAGE).status_code == 302


def test_the_workspace_links_the_page_for_the_provincial_administrator_only(client, provincial_admin, provincial_reviewer):
    client.force_login(provincial_admin)
    assert PAGE in client.get(reverse("accounts:workspace")).content.decode()
    client.force_login(provincial_reviewer)
    assert PAGE not in client.get(reverse("accounts:workspace")).content.decode()


def test_the_page_shows_last_date_missed_dates_a_failure_and_progress(client, provincial_admin, probe):
    daily_jobs.run(probe, dt.date(2026, 12, 2))
    DailyJobRun.objects.create(
        job=probe.name,
        business_date=dt.date(2026, 12, 3),
        status=DailyJobRun.Status.FAILED,
        error="RuntimeError('邮件服务器无响应')\nTraceback …",
    )
    DailyJobRun.objects.create(
        job=probe.name,
        business_date=dt.date(2026, 12, 5),
        status=DailyJobRun.Status.RUNNING,
        started_at=NOW - dt.timedelta(minutes=3),
        result={"progress": {"done": 120, "total": 480}},
    )
    client.force_login(provincial_admin)
    html = client.get(PAGE).content.decode()
    assert "测试提醒" in html and "2026-12-02" in html
    assert "发送的提醒数 1" in html  # the finished date's result, named
    assert run_url("2026-12-03") in html and run_url("2026-12-04") in html  # missed: failed and never run
    assert "RuntimeError(&#x27;邮件服务器无响应&#x27;)" in html
    assert "已处理 120 / 480" in html
    assert 'http-equiv="refresh"' in html  # something is running


def test_the_button_runs_a_date_again_after_confirmation_and_sends_nothing_twice(
    client, provincial_admin, probe, django_capture_on_commit_callbacks
):
    client.force_login(provincial_admin)
    confirm = client.get(run_url("2026-12-04"))
    assert confirm.status_code == 200
    assert "待发送的提醒：1 项" in confirm.content.decode() and "该日期尚未运行" in confirm.content.decode()
    url = reverse("core:daily_job_run", args=[probe.name])
    unconfirmed = client.post(url, {"business_date": "2026-12-04"})
    assert unconfirmed.status_code == 400 and "请勾选确认后再运行" in unconfirmed.content.decode()
    assert SENT == [] and not AuditEntry.objects.exclude(action__startswith="auth.").exists()
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(url, {"business_date": "2026-12-04", "confirmed": "1"})
    assert done.status_code == 302
    assert [dt.date(2026, 12, 4)] == SENT
    row = DailyJobRun.objects.get(job=probe.name, business_date=dt.date(2026, 12, 4))
    assert row.status == DailyJobRun.Status.FINISHED and row.result == {"count": 1}
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"business_date": "2026-12-04", "confirmed": "1"})
    row.refresh_from_db()
    assert row.runs == 2 and row.result == {"count": 0} and [dt.date(2026, 12, 4)] == SENT
    assert AuditEntry.objects.filter(action="daily_job.run_requested", actor=provincial_admin).count() == 2
    assert "已提交后台运行" in client.get(PAGE).content.decode()


@pytest.mark.parametrize(
    ("day", "message"),
    [("2026-12-06", "业务日期须在"), ("2026-10-01", "业务日期须在"), ("12/04/2026", "业务日期“12/04/2026”无效")],
)
def test_a_date_outside_the_window_is_refused_with_a_chinese_message(client, provincial_admin, probe, day, message):
    client.force_login(provincial_admin)
    refused = client.post(reverse("core:daily_job_run", args=[probe.name]), {"business_date": day, "confirmed": "1"})
    assert refused.status_code == 400 and message in refused.content.decode()
    assert f'value="{day}"' in refused.content.decode()  # what was typed is kept
    assert not DailyJobRun.objects.exists()


def test_todays_date_before_the_jobs_time_is_refused(client, provincial_admin, probe):
    client.force_login(provincial_admin)
    with time_machine.travel(dt.datetime(2026, 12, 5, 8, 0, tzinfo=SH), tick=False):
        refused = client.post(reverse("core:daily_job_run", args=[probe.name]), {"business_date": "2026-12-05", "confirmed": "1"})
    assert refused.status_code == 400 and "运行时间还未到" in refused.content.decode()


def test_a_date_already_running_is_not_started_twice(client, provincial_admin, probe):
    DailyJobRun.objects.create(
        job=probe.name, business_date=dt.date(2026, 12, 4), status=DailyJobRun.Status.RUNNING, started_at=NOW
    )
    client.force_login(provincial_admin)
    refused = client.post(reverse("core:daily_job_run", args=[probe.name]), {"business_date": "2026-12-04", "confirmed": "1"})
    assert refused.status_code == 400 and "正在运行" in refused.content.decode()


def test_the_status_command_and_the_page_read_the_same_overview(probe):
    daily_jobs.run(probe, dt.date(2026, 12, 4))
    [state] = [s for s in daily_jobs.overview() if s.job.name == probe.name]
    assert state.last_finished == dt.date(2026, 12, 4) and state.owed == [TODAY] and state.missed == []


def test_the_run_records_are_in_the_read_only_admin(client, probe):
    from usefirst.accounts.models import User

    assert isinstance(admin.site.get_model_admin(DailyJobRun), ReadOnlyModelAdmin)
    daily_jobs.run(probe, dt.date(2026, 12, 4))
    root = User.objects.create_superuser("root@example.com", "correct-horse-battery", full_name="平台运维")
    client.force_login(root)
    assert "tests.reminders" in client.get("/admin/core/dailyjobrun/").content.decode()


def test_a_request_the_worker_has_not_started_shows_as_waiting(client, provincial_admin, probe):
    client.force_login(provincial_admin)
    client.post(reverse("core:daily_job_run", args=[probe.name]), {"business_date": "2026-12-04", "confirmed": "1"})
    html = client.get(PAGE).content.decode()  # the worker is busy: the task has not started
    assert "已提交，等待后台运行：</strong>2026-12-04" in html and 'http-equiv="refresh"' in html
    with time_machine.travel(NOW + dt.timedelta(minutes=1), tick=False):
        daily_jobs.run(probe, dt.date(2026, 12, 4), force=True)
        assert "等待后台运行" not in client.get(PAGE).content.decode()
