"""Rectification cases (整改): who opens them, the plan's deadline and reminders, verification,
the returned plan, and the referral of a serious case to the misconduct record."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from usefirst.accounts.models import Membership, OrganisationKind
from usefirst.core.errors import DomainError, Forbidden, IllegalTransition
from usefirst.core.testing import make_org, make_user
from usefirst.notifications.models import Notification
from usefirst.recognition.models import MisconductRecord
from usefirst.reporting import services
from usefirst.reporting.choices import CaseStatus
from usefirst.reporting.models import CaseEvent, ReportReminder

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(provincial_reviewer, unit):
    return services.case_open(
        actor=provincial_reviewer,
        unit=unit,
        title="年度报告转让金额与平台不符",
        finding="2025 年度报告填报转让合同金额 500 万元，平台登记 120 万元。",
        severity="serious",
    )


def test_a_case_goes_from_found_to_closed_with_an_event_for_each_decision(case, owner, provincial_reviewer):
    assert case.status == CaseStatus.FOUND and case.number.startswith("ZG2026")
    services.case_notify(actor=provincial_reviewer, case=case, plan_due="2026-04-15")
    assert Notification.objects.filter(recipient=owner, kind="reporting.case_notified").exists()
    services.case_submit_plan(actor=owner, case=case, plan="重新核对全部技术合同，更正年度报告并建立复核制度。")
    services.case_return_plan(actor=provincial_reviewer, case=case, reason="未写明责任人和完成时限")
    case.refresh_from_db()
    assert case.status == CaseStatus.PLAN_RETURNED
    services.case_submit_plan(actor=owner, case=case, plan="科技处处长负责，4 月 30 日前完成核对并更正年度报告。")
    closed = services.case_close(actor=provincial_reviewer, case=case, verification="已核对更正，同意销号")
    assert closed.status == CaseStatus.CLOSED
    assert list(CaseEvent.objects.filter(subject=case).order_by("pk").values_list("event_type", flat=True)) == [
        "open",
        "notify",
        "submit_plan",
        "return_plan",
        "submit_plan",
        "close",
    ]


def test_the_plan_deadline_must_be_after_today(case, provincial_reviewer):
    with pytest.raises(DomainError) as exc:
        services.case_notify(actor=provincial_reviewer, case=case, plan_due="2026-03-16")
    assert exc.value.code == "case_due_invalid"
    case.refresh_from_db()
    assert case.status == CaseStatus.FOUND


def test_only_the_unit_submits_its_plan_and_only_the_opener_verifies(case, owner, provincial_reviewer, outsider):
    services.case_notify(actor=provincial_reviewer, case=case, plan_due="2026-04-15")
    with pytest.raises(Forbidden) as exc:
        services.case_submit_plan(actor=outsider, case=case, plan="外单位代为提交的整改方案内容。")
    assert exc.value.code == "not_case_unit"
    services.case_submit_plan(actor=owner, case=case, plan="科技处处长负责，4 月 30 日前完成核对。")
    with pytest.raises(Forbidden) as exc:
        services.case_close(actor=owner, case=case, verification="自己销号")
    assert exc.value.code == "not_case_department"


def test_a_plan_cannot_be_submitted_before_the_unit_is_notified(case, owner):
    with pytest.raises(IllegalTransition):
        services.case_submit_plan(actor=owner, case=case, plan="尚未通知就提交的整改方案内容。")


def test_a_city_opens_cases_only_against_units_in_its_city(city_reviewer, unit):
    far = make_org(OrganisationKind.UNIVERSITY, name="汕头测试学院", city="汕头市", county="金平区")
    with pytest.raises(Forbidden) as exc:
        services.case_open(actor=city_reviewer, unit=far, title="问题", finding="发现的偏差")
    assert exc.value.code == "case_not_opener"
    opened = services.case_open(
        actor=city_reviewer, unit=unit, title="引导资金未按规定设立", finding="未设立成果转化引导资金台账"
    )
    assert opened.opened_by_org.kind == OrganisationKind.CITY_DEPARTMENT


def test_a_unit_cannot_open_a_case(owner, unit):
    other = make_org(OrganisationKind.UNIVERSITY)
    with pytest.raises(Forbidden):
        services.case_open(actor=owner, unit=other, title="问题", finding="发现的偏差")


def test_a_serious_case_is_referred_once_to_the_misconduct_record(case, provincial_reviewer, unit):
    referred = services.case_refer(
        actor=provincial_reviewer, case=case, period_start="2026-03-16", period_end="2027-03-15", reason="虚报转化数据"
    )
    record = MisconductRecord.objects.get(pk=referred.misconduct_id)
    assert record.subject_organisation == unit and case.number in record.reason
    assert CaseEvent.objects.filter(subject=case, event_type="refer").count() == 1
    with pytest.raises(DomainError) as exc:
        services.case_refer(
            actor=provincial_reviewer, case=referred, period_start="2026-03-16", period_end="2027-03-15", reason="再次移交"
        )
    assert exc.value.code == "case_already_referred"
    assert MisconductRecord.objects.count() == 1


def test_a_general_case_is_not_referred(provincial_reviewer, unit):
    general = services.case_open(actor=provincial_reviewer, unit=unit, title="问题", finding="一般偏差", severity="general")
    with pytest.raises(DomainError) as exc:
        services.case_refer(
            actor=provincial_reviewer, case=general, period_start="2026-03-16", period_end="2027-03-15", reason="虚报"
        )
    assert exc.value.code == "case_not_serious"


def test_a_city_cannot_refer_to_the_misconduct_record(city_reviewer, unit):
    serious = services.case_open(actor=city_reviewer, unit=unit, title="问题", finding="严重偏差", severity="serious")
    with pytest.raises(Forbidden):
        services.case_refer(actor=city_reviewer, case=serious, period_start="2026-03-16", period_end="2027-03-15", reason="虚报")
    assert not MisconductRecord.objects.exists()


# ---------------------------------------------------------------- reminders


def test_the_plan_is_reminded_three_days_before_and_the_day_after_its_deadline_once_each(case, owner, provincial_reviewer):
    services.case_notify(actor=provincial_reviewer, case=case, plan_due="2026-04-15")
    assert services.send_reminders(dt.date(2026, 4, 11))["cases"] == 0
    assert services.send_reminders(dt.date(2026, 4, 12))["cases"] == 1
    assert services.send_reminders(dt.date(2026, 4, 12))["cases"] == 0  # a re-run sends nothing twice
    assert services.send_reminders(dt.date(2026, 4, 15))["cases"] == 0
    assert services.send_reminders(dt.date(2026, 4, 16))["cases"] == 1
    assert Notification.objects.filter(recipient=owner, kind="reporting.case_reminder").count() == 2
    assert Notification.objects.filter(recipient=provincial_reviewer, kind="reporting.case_reminder").count() == 1


def test_units_not_yet_submitted_are_reminded_before_the_deadline_and_the_day_after(window, owner, unit):
    assert services.send_reminders(dt.date(2026, 3, 23))["reports"] == 0
    assert services.send_reminders(dt.date(2026, 3, 24))["reports"] == 1  # 7 days before
    assert services.send_reminders(dt.date(2026, 3, 24))["reports"] == 0
    assert services.send_reminders(dt.date(2026, 4, 1))["reports"] == 1  # the day after
    assert services.send_reminders(dt.date(2026, 4, 2))["reports"] == 0
    assert ReportReminder.objects.filter(organisation=unit).count() == 2


def test_a_submitted_report_is_not_reminded(ready, owner, unit):
    services.report_submit(actor=owner, report=ready)
    assert services.send_reminders(dt.date(2026, 3, 24))["reports"] == 0


def test_the_reminder_job_is_declared():
    from usefirst.core.daily_jobs import job

    assert job("reporting.reminders").label.startswith("年度数据填报")


def test_a_different_membership_cannot_see_the_case(case):
    stranger = make_user(make_org(OrganisationKind.UNIVERSITY), role=Membership.Role.ADMIN)
    from usefirst.reporting import selectors

    assert not selectors.cases_for(stranger).exists()
    with time_machine.travel(dt.datetime(2026, 3, 17, 2, 0, tzinfo=dt.UTC)):
        assert selectors.cases_for(stranger).count() == 0
