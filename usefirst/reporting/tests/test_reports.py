"""Annual data reporting: pre-fill, figures and their bad input, the filing window and its
boundary, the tolerance and its edge, submission, review and the one-report-per-year rule."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from usefirst.contracts.models import ContractKind
from usefirst.core.errors import DomainError, Forbidden
from usefirst.notifications.models import Notification
from usefirst.reporting import rules, selectors, services
from usefirst.reporting.choices import ReportStatus
from usefirst.reporting.fields import field_map
from usefirst.reporting.models import AnnualReport, ReportEvent
from usefirst.tests.factories import ContractFactory, achievements_of

from .conftest import REQUIRED_TEXT, pdf

pytestmark = pytest.mark.django_db

SPECS = field_map("unit")


def test_starting_a_report_prefills_the_platform_figures_of_the_year(window, owner, unit, enterprise):
    ContractFactory(
        kind=ContractKind.TRANSFER,
        licensor=unit,
        licensee=enterprise,
        actor=owner,
        achievements=achievements_of(unit, owner),
        signed=True,
        signed_on=dt.date(2025, 5, 6),
    )
    report = services.report_start(actor=owner, organisation=unit, year=2025)
    assert report.values["transfer_count"] == "1"
    assert report.values["transfer_amount"] == "50"  # 500,000.00 元 in 万元
    assert report.platform["transfer_amount"] == "50"
    assert report.status == ReportStatus.DRAFT
    assert report.department == unit.reviewing_department
    rows = list(report.annex_rows.all())
    assert [r.annex for r in rows] == ["conversion"] and rows[0].amount == Decimal("50")
    assert ReportEvent.objects.filter(subject=report, event_type="create").count() == 1


def test_a_second_report_for_the_same_year_is_refused_and_the_first_is_unchanged(report, owner, unit):
    with pytest.raises(DomainError) as exc:
        services.report_start(actor=owner, organisation=unit, year=2025)
    assert exc.value.code == "report_exists" and exc.value.status == 409
    assert AnnualReport.objects.filter(organisation=unit, year=2025).count() == 1


def test_an_enterprise_files_no_annual_report(window, outsider, enterprise):
    with pytest.raises(Forbidden) as exc:
        services.report_start(actor=outsider, organisation=enterprise, year=2025)
    assert exc.value.code == "report_not_reporting_org"


def test_it_refuses_a_negative_amount_and_saves_nothing(report, owner):
    with pytest.raises(DomainError) as exc:
        services.report_update(actor=owner, report=report, values={"transfer_count": "2", "transfer_amount": "-5"})
    assert exc.value.code == "report_amount_negative"
    assert "不能为负数" in exc.value.detail
    report.refresh_from_db()
    assert report.values["transfer_count"] == "0"  # the good value of the same request is not saved either


@pytest.mark.parametrize(
    ("key", "raw", "expected"),
    [("transfer_amount", "125000元", "万元"), ("received_amount", "12.5万元", "元"), ("received_amount", "3万", "元")],
)
def test_it_refuses_a_figure_in_the_wrong_unit_and_names_the_expected_one(report, owner, key, raw, expected):
    with pytest.raises(DomainError) as exc:
        services.report_update(actor=owner, report=report, values={key: raw})
    assert exc.value.code == "report_wrong_unit"
    assert f"应以{expected}为单位" in exc.value.field_errors[key][0]


def test_a_unit_given_apart_from_the_number_is_checked_too(report, owner):
    with pytest.raises(DomainError) as exc:
        services.report_update(actor=owner, report=report, values={"transfer_amount": "12"}, units={"transfer_amount": "元"})
    assert exc.value.code == "report_wrong_unit"
    updated = services.report_update(actor=owner, report=report, values={"transfer_amount": "12万元"})
    assert updated.values["transfer_amount"] == "12"


def test_counts_are_whole_numbers_and_yuan_has_two_places(report, owner):
    with pytest.raises(DomainError) as exc:
        services.report_update(actor=owner, report=report, values={"transfer_count": "1.5"})
    assert exc.value.code == "report_value_invalid"
    with pytest.raises(DomainError):
        services.report_update(actor=owner, report=report, values={"received_amount": "1.005"})
    assert (
        services.report_update(actor=owner, report=report, values={"transfer_amount": "1.000001"}).values["transfer_amount"]
        == "1.000001"
    )


def test_submit_needs_the_cover_and_the_undertaking(report, owner):
    services.report_update(actor=owner, report=report, values={"work_summary": "开展了成果转化工作。"})
    with pytest.raises(DomainError) as exc:
        services.report_submit(actor=owner, report=report)
    assert exc.value.code == "report_attachments_missing"
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT


def test_submit_needs_every_required_field(report, owner):
    services.report_upload(actor=owner, report=report, cover=pdf(), undertaking=pdf())
    with pytest.raises(DomainError) as exc:
        services.report_submit(actor=owner, report=report)
    assert exc.value.code == "report_incomplete" and "年度科技成果转化工作开展情况" in exc.value.detail


def test_an_upload_that_is_not_a_document_is_refused(report, owner):
    from django.core.files.uploadedfile import SimpleUploadedFile

    with pytest.raises(DomainError) as exc:
        services.report_upload(actor=owner, report=report, cover=SimpleUploadedFile("a.pdf", b"MZ\x90\x00" + b"\0" * 64))
    assert exc.value.code == "report_attachment_invalid"
    report.refresh_from_db()
    assert not report.cover_file


def test_it_accepts_a_submission_on_the_deadline_day(ready, owner):
    with time_machine.travel(dt.datetime(2026, 3, 31, 15, 59, tzinfo=dt.UTC)):  # 23:59 on 03-31 in Shanghai
        moved = services.report_submit(actor=owner, report=ready)
    assert moved.status == ReportStatus.SUBMITTED


def test_it_refuses_a_submission_the_day_after_the_deadline(ready, owner):
    # 00:00 on 04-01 in Shanghai
    with time_machine.travel(dt.datetime(2026, 3, 31, 16, 0, tzinfo=dt.UTC)), pytest.raises(DomainError) as exc:
        services.report_submit(actor=owner, report=ready)
    assert exc.value.code == "report_after_deadline" and "2026-03-31" in exc.value.detail
    ready.refresh_from_db()
    assert ready.status == ReportStatus.DRAFT


def test_a_departments_extension_lets_a_late_report_in_up_to_its_last_day(ready, owner, provincial_reviewer):
    with time_machine.travel(dt.datetime(2026, 4, 2, 2, 0, tzinfo=dt.UTC)):
        services.report_extend(actor=provincial_reviewer, report=ready, until="2026-04-10", reason="系统故障，准予补报")
        assert services.report_submit(actor=owner, report=ready).status == ReportStatus.SUBMITTED
    assert ready.events.filter(event_type="extend").count() == 1


def test_an_extension_ends_on_its_last_day(ready, owner, provincial_reviewer):
    with time_machine.travel(dt.datetime(2026, 4, 2, 2, 0, tzinfo=dt.UTC)):
        services.report_extend(actor=provincial_reviewer, report=ready, until="2026-04-10", reason="准予补报")
    with time_machine.travel(dt.datetime(2026, 4, 11, 2, 0, tzinfo=dt.UTC)), pytest.raises(DomainError) as exc:
        services.report_submit(actor=owner, report=ready)
    assert exc.value.code == "report_after_deadline"


def test_only_the_supervising_department_extends(ready, owner):
    with pytest.raises(Forbidden):
        services.report_extend(actor=owner, report=ready, until="2026-04-10", reason="自己延期")


def test_the_department_returns_with_reasons_and_the_unit_submits_again(ready, owner, provincial_reviewer):
    services.report_submit(actor=owner, report=ready)
    with pytest.raises(DomainError) as exc:
        services.report_return(actor=provincial_reviewer, report=ready, reason="")
    assert exc.value.code == "reason_required"
    returned = services.report_return(actor=provincial_reviewer, report=ready, reason="转让金额与合同不符，请核对")
    assert returned.status == ReportStatus.RETURNED and returned.review_reason == "转让金额与合同不符，请核对"
    services.report_update(actor=owner, report=returned, values={"transfer_amount": "1"})
    services.report_submit(actor=owner, report=returned)
    accepted = services.report_accept(actor=provincial_reviewer, report=returned)
    assert accepted.status == ReportStatus.ACCEPTED
    assert list(accepted.events.values_list("event_type", flat=True).order_by("pk"))[-5:] == [
        "return",
        "edit",
        "submit",
        "accept",
        "countersign",  # the province is this unit's department: its acceptance is the countersign too
    ]


def test_the_unit_cannot_review_its_own_report(ready, owner):
    services.report_submit(actor=owner, report=ready)
    with pytest.raises(Forbidden) as exc:
        services.report_accept(actor=owner, report=ready)
    assert exc.value.code == "not_reviewing_department"


def test_an_accepted_report_cannot_be_edited(ready, owner, provincial_reviewer):
    services.report_submit(actor=owner, report=ready)
    services.report_accept(actor=provincial_reviewer, report=ready)
    with pytest.raises(DomainError) as exc:
        services.report_update(actor=owner, report=ready, values={"transfer_count": "3"})
    assert exc.value.code == "report_not_editable"


# ---------------------------------------------------------------- the tolerance


@pytest.mark.parametrize(
    ("reported", "flagged"),
    [("105", False), ("95", False), ("105.01", True), ("94.99", True), ("100", False)],
)
def test_a_figure_is_flagged_only_beyond_the_tolerance(settings, reported, flagged):
    settings.REPORTING_TOLERANCE_PERCENT = "5"
    assert rules.differs(reported, "100") is flagged


def test_with_no_platform_figure_any_reported_figure_above_zero_is_flagged_and_none_is_not():
    assert rules.differs("1", "0") is True
    assert rules.differs("0", "0") is False
    assert rules.differs("", "100") is False


def test_a_submitted_figure_beyond_the_tolerance_is_flagged_to_the_reviewer(ready, owner, settings):
    settings.REPORTING_TOLERANCE_PERCENT = "10"
    services.report_update(actor=owner, report=ready, values={"transfer_count": "2"})  # platform: 0
    moved = services.report_submit(actor=owner, report=ready)
    assert moved.flags == ["transfer_count"]
    event = moved.events.get(event_type="submit")
    assert event.payload == {"flags": ["transfer_count"]}


def test_the_filing_window_is_the_provinces(owner):
    with pytest.raises(Forbidden) as exc:
        services.window_set(actor=owner, year=2025, opens_on="2026-01-05", deadline="2026-03-31")
    assert exc.value.code == "report_window_forbidden"


def test_no_report_before_the_years_window_is_set(owner, unit):
    with pytest.raises(DomainError) as exc:
        services.report_start(actor=owner, organisation=unit, year=2025)
    assert exc.value.code == "report_window_not_open"


# ---------------------------------------------------------------- the province's countersign (复核)


@pytest.fixture
def city_report(window, owner, unit, city_dept, city_reviewer):
    """A unit whose supervising department is its city: unit → city → province."""
    unit.reviewing_department = city_dept
    unit.save(update_fields=["reviewing_department"])
    report = services.report_start(actor=owner, organisation=unit, year=2025)
    services.report_update(actor=owner, report=report, values=REQUIRED_TEXT)
    report = services.report_upload(actor=owner, report=report, cover=pdf(), undertaking=pdf("承诺书.pdf"))
    return services.report_submit(actor=owner, report=report)


def test_the_departments_acceptance_waits_for_the_provinces_countersign(city_report, city_reviewer, provincial_reviewer):
    accepted = services.report_accept(actor=city_reviewer, report=city_report, reason="数据齐全")
    assert accepted.status == ReportStatus.DEPARTMENT_ACCEPTED
    province_inbox = Notification.objects.filter(recipient=provincial_reviewer, kind="reporting.report_countersign_due")
    assert province_inbox.count() == 1
    assert selectors.rollup(provincial_reviewer, year=2025).reports == []  # not counted before the countersign
    assert selectors.rollup(provincial_reviewer, year=2025).not_counted == 1
    done = services.report_countersign(actor=provincial_reviewer, report=accepted, reason="复核通过")
    assert done.status == ReportStatus.ACCEPTED and done.countersigned_by == provincial_reviewer
    assert list(done.events.values_list("event_type", flat=True).order_by("pk"))[-2:] == ["accept", "countersign"]
    assert Notification.objects.filter(recipient=city_reviewer, kind="reporting.report_countersigned").count() == 1
    assert [r.pk for r in selectors.rollup(provincial_reviewer, year=2025).reports] == [done.pk]


def test_the_department_cannot_countersign_its_own_acceptance(city_report, city_reviewer, owner):
    accepted = services.report_accept(actor=city_reviewer, report=city_report)
    for actor in (city_reviewer, owner):
        with pytest.raises(Forbidden) as exc:
            services.report_countersign(actor=actor, report=accepted)
        assert exc.value.code == "report_not_province"


def test_the_province_cannot_countersign_a_report_its_department_has_not_accepted(city_report, provincial_reviewer):
    with pytest.raises(DomainError) as exc:
        services.report_countersign(actor=provincial_reviewer, report=city_report)
    assert exc.value.code == "illegal_transition"


def test_the_province_returns_with_reasons_and_the_unit_goes_through_its_department_again(
    city_report, city_reviewer, provincial_reviewer, owner
):
    accepted = services.report_accept(actor=city_reviewer, report=city_report)
    with pytest.raises(DomainError) as exc:
        services.report_province_return(actor=provincial_reviewer, report=accepted, reason="")
    assert exc.value.code == "reason_required"
    returned = services.report_province_return(actor=provincial_reviewer, report=accepted, reason="到账金额与附表不符")
    assert returned.status == ReportStatus.RETURNED and returned.countersign_reason == "到账金额与附表不符"
    assert Notification.objects.filter(recipient=owner, kind="reporting.report_returned").exists()
    assert Notification.objects.filter(recipient=city_reviewer, kind="reporting.report_province_returned").exists()
    again = services.report_submit(actor=owner, report=returned)
    assert again.status == ReportStatus.SUBMITTED  # back to the city first
    assert again.department == city_reviewer.memberships.get().organisation
