"""The workflow and the limits of rule 3, each refusal with its stable code and nothing changed."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from usefirst.core.errors import DomainError
from usefirst.notifications.models import Notification
from usefirst.recognition import services
from usefirst.recognition.models import (
    ApplicationEvent,
    ApplicationStatus,
    EligibilityNotice,
    MisconductStatus,
    QuotaChange,
    Recognition,
    RecognitionPerson,
    RecognitionYear,
)
from usefirst.recognition.tasks import notify_achievement_if_eligible

from .builders import in_notice_ended, make_achievement, make_person, pay_later_licence, receive

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 3, 2)


def funded(unit, owner, enterprise, amount="500000.00", **kwargs):
    achievement = make_achievement(unit, **kwargs)
    licence = pay_later_licence(achievement, licensee=enterprise, created_by=owner)
    receipt = receive(licence, amount, on=DAY, actor=owner)
    return achievement, licence, receipt


def to_notice(achievement, owner, reviewer):
    application = services.application_create(actor=owner, achievement=achievement)
    services.application_recommend(actor=owner, application=application, opinion="同意推荐")
    services.application_select(actor=reviewer, application=application, key_technology_confirmed=True, opinion="择优入选")
    return in_notice_ended(application)


def recognised(achievement, owner, reviewer):
    return services.application_recognise(actor=reviewer, application=to_notice(achievement, owner, reviewer))


def refused(code, call):
    with pytest.raises(DomainError) as info:
        call()
    assert info.value.code == code
    return info.value


def test_an_application_goes_from_draft_through_notice_to_recognition(unit, owner, enterprise, reviewer, outsider):
    achievement, _licence, _ = funded(unit, owner, enterprise)
    application = services.application_create(actor=owner, achievement=achievement)
    assert application.status == ApplicationStatus.DRAFT
    assert application.amount_received == Decimal("500000.00")
    assert application.eligibility["eligible"] is True
    services.application_recommend(actor=owner, application=application, opinion="经审核同意推荐")
    application.refresh_from_db()
    assert application.recommended_by == unit
    with time_machine.travel(dt.datetime(2026, 11, 25, 10, tzinfo=dt.UTC), tick=False):
        services.application_select(actor=reviewer, application=application, key_technology_confirmed=True)
        application.refresh_from_db()
        assert application.status == ApplicationStatus.PUBLIC_NOTICE
        assert application.notice_end == dt.date(2026, 12, 2)
        objection = services.objection_submit(actor=outsider, application=application, contact_name="张三", text="到账金额存疑")
        refused("recognition_notice_running", lambda: services.application_recognise(actor=reviewer, application=application))
    with time_machine.travel(dt.datetime(2026, 12, 3, 10, tzinfo=dt.UTC), tick=False):
        refused(
            "recognition_objections_unanswered", lambda: services.application_recognise(actor=reviewer, application=application)
        )
        services.objection_answer(actor=reviewer, objection=objection, answer="经核实到账凭证无误", upheld=False)
        recognition = services.application_recognise(actor=reviewer, application=application)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.RECOGNISED
    assert recognition.number == "GDXY-2026-0001"
    assert RecognitionYear.objects.get(year=2026).used == 1
    assert [e.to_status for e in ApplicationEvent.objects.filter(subject=application).order_by("pk")] == [
        "draft",
        "recommended",
        "public_notice",
        "recognised",
    ]
    assert Notification.objects.filter(recipient=owner, kind="recognition.recognised").exists()


def test_the_superior_department_may_recommend(unit_with_superior, owner, enterprise, superior_staff):
    achievement, *_ = funded(unit_with_superior, owner, enterprise)
    application = services.application_create(actor=owner, achievement=achievement)
    services.application_recommend(actor=superior_staff, application=application, opinion="主管部门推荐")
    application.refresh_from_db()
    assert application.recommended_by == unit_with_superior.superior_department


def test_a_department_that_is_not_the_superior_is_refused(unit_with_superior, owner, enterprise, other_department_staff):
    achievement, *_ = funded(unit_with_superior, owner, enterprise)
    application = services.application_create(actor=owner, achievement=achievement)
    refused(
        "recognition_not_superior_department",
        lambda: services.application_recommend(actor=other_department_staff, application=application, opinion="推荐"),
    )
    application.refresh_from_db()
    assert application.status == ApplicationStatus.DRAFT
    assert application.recommended_by is None


def test_someone_not_a_provincial_reviewer_cannot_recognise(unit, owner, enterprise, reviewer, superior_staff):
    achievement, *_ = funded(unit, owner, enterprise)
    application = to_notice(achievement, owner, reviewer)
    for actor in (owner, superior_staff):
        refused(
            "recognition_not_provincial_reviewer",
            lambda a=actor: services.application_recognise(actor=a, application=application),
        )
    application.refresh_from_db()
    assert application.status == ApplicationStatus.PUBLIC_NOTICE
    assert not Recognition.objects.exists()


def test_the_200th_is_recognised_and_the_201st_refused(unit, owner, enterprise, reviewer):
    services.quota_for_year(2026)
    RecognitionYear.objects.filter(year=2026).update(used=199)
    first, *_ = funded(unit, owner, enterprise)
    second, *_ = funded(unit, owner, enterprise)
    a1, a2 = to_notice(first, owner, reviewer), to_notice(second, owner, reviewer)
    services.application_recognise(actor=reviewer, application=a1)
    assert RecognitionYear.objects.get(year=2026).used == 200
    refused("recognition_quota_exhausted", lambda: services.application_recognise(actor=reviewer, application=a2))
    a2.refresh_from_db()
    assert a2.status == ApplicationStatus.PUBLIC_NOTICE
    assert RecognitionYear.objects.get(year=2026).used == 200
    assert Recognition.objects.count() == 1
    assert not RecognitionPerson.objects.filter(recognition__application=a2).exists()


def test_a_provincial_admin_raises_the_cap_with_a_reason(unit, owner, enterprise, reviewer, provincial_admin):
    services.quota_for_year(2026)
    RecognitionYear.objects.filter(year=2026).update(used=200)
    achievement, *_ = funded(unit, owner, enterprise)
    application = to_notice(achievement, owner, reviewer)
    refused("recognition_quota_exhausted", lambda: services.application_recognise(actor=reviewer, application=application))
    refused(
        "recognition_not_provincial_admin",
        lambda: services.quota_raise(actor=reviewer, year=2026, new_cap=210, reason="重大成果较多"),
    )
    refused(
        "recognition_reason_required", lambda: services.quota_raise(actor=provincial_admin, year=2026, new_cap=210, reason=" ")
    )
    refused(
        "recognition_cap_not_raised", lambda: services.quota_raise(actor=provincial_admin, year=2026, new_cap=200, reason="不变")
    )
    services.quota_raise(actor=provincial_admin, year=2026, new_cap=210, reason="本年度重大成果较多，经厅务会研究")
    change = QuotaChange.objects.get()
    assert (change.old_cap, change.new_cap, change.reason) == (200, 210, "本年度重大成果较多，经厅务会研究")
    services.application_recognise(actor=reviewer, application=application)
    assert RecognitionYear.objects.get(year=2026).used == 201


def test_one_recognised_project_per_inventor_per_year(unit, owner, enterprise, reviewer):
    shared = make_person("陈强")
    first, *_ = funded(unit, owner, enterprise, persons=[make_person("甲"), shared])
    second, *_ = funded(unit, owner, enterprise, persons=[shared, make_person("乙")])
    a1, a2 = to_notice(first, owner, reviewer), to_notice(second, owner, reviewer)
    services.application_recognise(actor=reviewer, application=a1)
    refused("recognition_person_already_recognised", lambda: services.application_recognise(actor=reviewer, application=a2))
    assert RecognitionYear.objects.get(year=2026).used == 1
    a2.refresh_from_db()
    assert a2.status == ApplicationStatus.PUBLIC_NOTICE


def test_leader_only_setting_counts_only_project_leaders(unit, owner, enterprise, reviewer, set_parameter):
    set_parameter("recognition_inventor_scope", "leader_only")
    shared = make_person("陈强")
    first, *_ = funded(unit, owner, enterprise, persons=[make_person("甲"), shared], leader=0)
    second, *_ = funded(unit, owner, enterprise, persons=[make_person("乙"), shared], leader=0)
    third, *_ = funded(unit, owner, enterprise, persons=[shared], leader=0)
    services.application_recognise(actor=reviewer, application=to_notice(first, owner, reviewer))
    services.application_recognise(
        actor=reviewer, application=to_notice(second, owner, reviewer)
    )  # shared is no leader in either
    services.application_recognise(actor=reviewer, application=to_notice(third, owner, reviewer))  # shared leads only here
    fourth, *_ = funded(unit, owner, enterprise, persons=[shared], leader=0)
    refused("recognition_person_already_recognised", lambda: services.application_create(actor=owner, achievement=fourth))


def test_the_same_achievement_is_never_recognised_twice(unit, owner, enterprise, reviewer):
    achievement, *_ = funded(unit, owner, enterprise)
    recognised(achievement, owner, reviewer)
    refused("recognition_already_recognised", lambda: services.application_create(actor=owner, achievement=achievement))


def test_receipts_reversed_below_500000_before_recognition_are_refused(unit, owner, enterprise, reviewer):
    achievement, licence, receipt = funded(unit, owner, enterprise)
    application = to_notice(achievement, owner, reviewer)
    receive(licence, "-0.01", on=DAY, actor=owner, reverses=receipt)
    refused("recognition_below_threshold", lambda: services.application_recognise(actor=reviewer, application=application))
    application.refresh_from_db()
    assert application.status == ApplicationStatus.PUBLIC_NOTICE
    assert not RecognitionYear.objects.filter(used__gt=0).exists()


def test_a_reversal_after_recognition_flags_it_for_review(unit, owner, enterprise, reviewer, django_capture_on_commit_callbacks):
    achievement, licence, receipt = funded(unit, owner, enterprise, amount="600000.00")
    recognition = recognised(achievement, owner, reviewer)
    receive(licence, "-50000.00", on=DAY, actor=owner, reverses=receipt)
    assert services.check_reversals() == 0  # 550,000.00 still reaches the threshold
    with django_capture_on_commit_callbacks(execute=True):
        receive(licence, "-50000.01", on=DAY, actor=owner, reverses=receipt)  # the finance signal rechecks
    recognition.refresh_from_db()
    assert recognition.review_flagged_at is not None
    assert "499,999.99 元" in recognition.review_flag and "50 万元" in recognition.review_flag
    assert Notification.objects.filter(recipient=reviewer, kind="recognition.flag").count() == 1
    assert services.check_reversals() == 0  # flagged once


def test_revocation_keeps_the_slot_by_default_and_returns_it_when_set(unit, owner, enterprise, reviewer, set_parameter):
    first, *_ = funded(unit, owner, enterprise)
    r1 = recognised(first, owner, reviewer)
    refused("recognition_reason_required", lambda: services.recognition_revoke(actor=reviewer, recognition=r1, reason=""))
    services.recognition_revoke(actor=reviewer, recognition=r1, reason="材料造假")
    assert RecognitionYear.objects.get(year=2026).used == 1
    assert not RecognitionPerson.objects.exists()
    set_parameter("recognition_revocation_returns_slot", True)
    second, *_ = funded(unit, owner, enterprise)
    r2 = recognised(second, owner, reviewer)
    assert RecognitionYear.objects.get(year=2026).used == 2
    services.recognition_revoke(actor=reviewer, recognition=r2, reason="异议成立")
    assert RecognitionYear.objects.get(year=2026).used == 1
    assert r2.application.events.order_by("pk").last().to_status == "revoked"


def test_the_unit_is_told_once_when_an_achievement_becomes_eligible(unit, owner, enterprise, django_capture_on_commit_callbacks):
    achievement = make_achievement(unit)
    licence = pay_later_licence(achievement, licensee=enterprise, created_by=owner)
    with django_capture_on_commit_callbacks(execute=True):
        receive(licence, "499999.99", on=DAY, actor=owner)
    assert not Notification.objects.filter(kind="recognition.eligible").exists()
    with django_capture_on_commit_callbacks(execute=True):
        receive(licence, "0.01", on=DAY, actor=owner)
    notice = Notification.objects.get(recipient=owner, kind="recognition.eligible")
    assert f"/recognition/apply/{achievement.pk}/" in notice.url
    assert EligibilityNotice.objects.filter(achievement=achievement).count() == 1
    assert notify_achievement_if_eligible(achievement) is False


def test_an_active_misconduct_record_refuses_applications_until_its_appeal_is_upheld(unit, owner, enterprise, reviewer):
    achievement, *_ = funded(unit, owner, enterprise)
    refused(
        "recognition_not_provincial_reviewer",
        lambda: services.misconduct_record(actor=owner, organisation=unit, period_start=DAY, period_end=DAY, reason="x"),
    )
    record = services.misconduct_record(
        actor=reviewer,
        organisation=unit,
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2027, 12, 31),
        reason="认定材料弄虚作假",
        referral="省纪委监委",
    )
    assert Notification.objects.filter(recipient=owner, kind="recognition.misconduct_recorded").exists()
    refused("recognition_misconduct_in_force", lambda: services.application_create(actor=owner, achievement=achievement))
    services.misconduct_appeal(actor=owner, record=record, text="已整改")
    refused("misconduct_not_subject", lambda: services.misconduct_appeal(actor=reviewer, record=record, text="x"))
    # An appealed record stays in force until the appeal is decided.
    refused("recognition_misconduct_in_force", lambda: services.application_create(actor=owner, achievement=achievement))
    services.misconduct_decide_appeal(actor=reviewer, record=record, withdraw=True, answer="申诉成立")
    record.refresh_from_db()
    assert record.status == MisconductStatus.WITHDRAWN
    assert services.application_create(actor=owner, achievement=achievement).status == "draft"


def _shanghai_noon(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, 4, tzinfo=dt.UTC)  # 12:00 in Asia/Shanghai


def test_a_misconduct_record_refuses_recognition_on_its_last_day_and_not_the_day_after(unit, owner, enterprise, reviewer):
    achievement, *_ = funded(unit, owner, enterprise)
    inventor = achievement.inventors.order_by("position").last().person
    services.misconduct_record(
        actor=reviewer, person=inventor, period_start=dt.date(2026, 1, 1), period_end=dt.date(2026, 6, 30), reason="数据造假"
    )
    with time_machine.travel(_shanghai_noon(dt.date(2026, 6, 30)), tick=False):
        error = refused(
            "recognition_misconduct_in_force", lambda: services.application_create(actor=owner, achievement=achievement)
        )
        assert inventor.full_name in error.detail and "2026-06-30" in error.detail
    with time_machine.travel(_shanghai_noon(dt.date(2026, 7, 1)), tick=False):
        assert services.application_create(actor=owner, achievement=achievement).status == ApplicationStatus.DRAFT


def test_a_record_on_the_unit_refuses_recommendation_of_an_application_drafted_before_it(unit, owner, enterprise, reviewer):
    achievement, *_ = funded(unit, owner, enterprise)
    application = services.application_create(actor=owner, achievement=achievement)
    services.misconduct_record(
        actor=reviewer, organisation=unit, period_start=dt.date(2026, 1, 1), period_end=dt.date(2030, 12, 31), reason="弄虚作假"
    )
    refused(
        "recognition_misconduct_in_force",
        lambda: services.application_recommend(actor=owner, application=application, opinion="同意推荐"),
    )
    application.refresh_from_db()
    assert application.status == ApplicationStatus.DRAFT


def test_with_the_leader_only_scope_a_record_on_another_inventor_does_not_refuse(
    unit, owner, enterprise, reviewer, provincial_admin
):
    from usefirst.policy.services import parameter_set

    achievement, *_ = funded(unit, owner, enterprise)
    not_leader = achievement.inventors.get(is_leader=False).person
    services.misconduct_record(
        actor=reviewer, person=not_leader, period_start=dt.date(2026, 1, 1), period_end=dt.date(2030, 12, 31), reason="数据造假"
    )
    refused("recognition_misconduct_in_force", lambda: services.application_create(actor=owner, achievement=achievement))
    parameter_set(
        actor=provincial_admin,
        key="recognition_misconduct_scope",
        value="leader_only",
        effective_from=dt.date(2026, 2, 1),
        reason="按项目负责人核查",
    )
    assert services.application_create(actor=owner, achievement=achievement).status == ApplicationStatus.DRAFT


def test_a_missing_reason_is_refused_under_its_field_name(provincial_admin):
    services.quota_for_year(2026)
    with pytest.raises(DomainError) as exc:
        services.quota_raise(actor=provincial_admin, year=2026, new_cap=210, reason=" ")
    assert exc.value.code == "recognition_reason_required"
    assert exc.value.field_errors == {"reason": ["请填写调整理由"]}


def test_a_reason_typed_on_two_lines_is_accepted(provincial_admin):
    services.quota_for_year(2026)
    services.quota_raise(actor=provincial_admin, year=2026, new_cap=210, reason="第一行：材料不全\r\n第二行：请补充证明")
    assert QuotaChange.objects.get().reason == "第一行：材料不全\n第二行：请补充证明"
