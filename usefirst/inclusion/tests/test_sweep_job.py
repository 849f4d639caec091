"""The daily sweep (rule 4): a due project is put on the platform once, as an `auto_included`
achievement for its unit to complete (or linked to the unit's own), the unit and its department
are told, and missed Asia/Shanghai dates are caught up."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from usefirst.catalog.choices import AchievementStatus, RestrictionReason
from usefirst.catalog.models import Achievement
from usefirst.catalog.tests.factories import make_achievement
from usefirst.core import daily_jobs
from usefirst.core.models import DailyJobRun
from usefirst.inclusion.models import AutoInclusion
from usefirst.inclusion.services import sweep_due, sweep_include
from usefirst.notifications.models import Notification

from .builders import make_project

pytestmark = pytest.mark.django_db
D = dt.date
SHANGHAI = ZoneInfo("Asia/Shanghai")
JOB = "inclusion.sweep"


def test_the_job_is_declared_once_and_previews_what_it_would_include(provincial_reviewer, unit):
    assert JOB in daily_jobs.jobs()
    make_project(provincial_reviewer, unit, number="K-DUE")
    assert sweep_due(D(2026, 11, 25)) == {"验收满三年未转化，将自动纳入": [], "承担单位尚未注册，暂不能纳入": []}
    assert sweep_due(D(2026, 11, 26))["验收满三年未转化，将自动纳入"] == ["K-DUE 高效低成本固态电池关键材料研究"]
    assert AutoInclusion.objects.count() == 0  # a preview changes nothing


def test_a_due_project_becomes_an_auto_included_achievement_and_unit_and_department_are_told(provincial_reviewer, unit, owner):
    project = make_project(provincial_reviewer, unit, number="K1")
    assert sweep_include(D(2026, 11, 25)) == {"included": 0, "linked": 0, "awaiting_unit": 0}
    assert sweep_include(D(2026, 11, 26)) == {"included": 1, "linked": 0, "awaiting_unit": 0}
    inclusion = AutoInclusion.objects.get(project=project)
    assert (inclusion.due_on, inclusion.included_on) == (D(2026, 11, 26), D(2026, 11, 26))
    achievement = inclusion.achievement
    assert achievement.status == AchievementStatus.AUTO_INCLUDED
    assert achievement.owner == unit and achievement.plan_project_number == "K1"
    assert achievement.events.get().event_type == "auto_include"
    assert Notification.objects.get(recipient=owner, kind="inclusion.auto_included").url.endswith(f"/{achievement.pk}/")
    assert Notification.objects.filter(recipient=provincial_reviewer, kind="inclusion.auto_included_unit").exists()


def test_the_units_own_achievement_for_the_project_is_linked_rather_than_duplicated(provincial_reviewer, unit, owner):
    own = make_achievement(unit, owner, plan_project_number="K2", plan_project_category="key_technology")
    project = make_project(provincial_reviewer, unit, number="K2")
    assert sweep_include(D(2026, 12, 1))["linked"] == 1
    assert AutoInclusion.objects.get(project=project).achievement == own
    assert Achievement.objects.filter(plan_project_number="K2").count() == 1


def test_a_restricted_or_unregistered_project_is_not_included(provincial_reviewer, unit, owner):
    make_achievement(
        unit, owner, plan_project_number="K3", plan_project_category="key_technology", restriction=RestrictionReason.DEFENCE
    )
    make_project(provincial_reviewer, unit, number="K3")
    make_project(provincial_reviewer, None, number="K4")
    assert sweep_include(D(2026, 12, 1)) == {"included": 0, "linked": 0, "awaiting_unit": 1}
    assert AutoInclusion.objects.count() == 0


def test_running_a_date_again_includes_and_notifies_nothing_twice(provincial_reviewer, unit, owner):
    make_project(provincial_reviewer, unit)
    job = daily_jobs.job(JOB)
    first = daily_jobs.run(job, D(2026, 11, 26))
    assert first.result == {"included": 1, "linked": 0, "awaiting_unit": 0}
    again = daily_jobs.run(job, D(2026, 11, 26))
    assert not again.ran
    forced = daily_jobs.run(job, D(2026, 11, 26), force=True)
    assert forced.result == {"included": 0, "linked": 0, "awaiting_unit": 0}
    later = daily_jobs.run(job, D(2026, 11, 27))
    assert later.result["included"] == 0
    assert AutoInclusion.objects.count() == 1 and Achievement.objects.count() == 1
    assert Notification.objects.filter(recipient=owner, kind="inclusion.auto_included").count() == 1


def test_missed_shanghai_dates_are_caught_up_and_the_due_day_is_kept(provincial_reviewer, unit):
    project = make_project(provincial_reviewer, unit)  # due 2026-11-26
    DailyJobRun.objects.create(
        job=JOB,
        business_date=D(2026, 11, 24),
        status=DailyJobRun.Status.FINISHED,
        started_at=dt.datetime(2026, 11, 23, 16, 30, tzinfo=dt.UTC),
    )
    # The scheduler was down from the 25th; it comes back at 00:40 Shanghai on the 28th,
    # which is still the 27th in UTC.
    now = dt.datetime(2026, 11, 28, 0, 40, tzinfo=SHANGHAI)
    owed = [day for job, day in daily_jobs.pending(now) if job.name == JOB]
    assert owed == [D(2026, 11, 25), D(2026, 11, 26), D(2026, 11, 27), D(2026, 11, 28)]
    outcomes = [o for o in daily_jobs.catch_up(now) if o.job == JOB]
    assert [o.result["included"] for o in outcomes] == [0, 1, 0, 0]
    inclusion = AutoInclusion.objects.get(project=project)
    assert (inclusion.due_on, inclusion.included_on) == (D(2026, 11, 26), D(2026, 11, 26))


def test_a_date_missed_entirely_is_included_by_the_next_run_with_its_due_day_recorded(provincial_reviewer, unit):
    project = make_project(provincial_reviewer, unit)
    sweep_include(D(2026, 12, 3))
    inclusion = AutoInclusion.objects.get(project=project)
    assert (inclusion.due_on, inclusion.included_on) == (D(2026, 11, 26), D(2026, 12, 3))


def test_the_unit_opens_edits_and_is_told_what_to_complete_before_submitting(client, provincial_reviewer, unit, owner):
    from usefirst.catalog.services.achievements import achievement_submit
    from usefirst.core.errors import DomainError

    project = make_project(provincial_reviewer, unit, number="K9")
    sweep_include(D(2026, 11, 26))
    achievement = AutoInclusion.objects.get(project=project).achievement
    client.force_login(owner)
    detail = client.get(f"/achievements/{achievement.pk}/")
    assert detail.status_code == 200 and "自动纳入待完善" in detail.content.decode()
    assert client.get(f"/workspace/achievements/{achievement.pk}/edit/").status_code == 200
    assert "验收满三年未转化，自动纳入" in client.get(f"/achievements/{achievement.pk}/history/").content.decode()
    with pytest.raises(DomainError) as exc:  # the placeholder record is checked like any draft
        achievement_submit(actor=owner, achievement=achievement)
    assert "请至少选择一种转化方式" in str(exc.value.field_errors)


def test_the_operator_previews_a_dates_sweep_with_the_daily_jobs_command(provincial_reviewer, unit):
    import io

    from django.core.management import call_command

    make_project(provincial_reviewer, unit, number="K-OP")
    out = io.StringIO()
    call_command("daily_jobs", "due", "--date", "2026-11-26", "--job", JOB, stdout=out, stderr=io.StringIO())
    assert "K-OP" in out.getvalue() and "验收满三年未转化，将自动纳入" in out.getvalue()
    assert AutoInclusion.objects.count() == 0
