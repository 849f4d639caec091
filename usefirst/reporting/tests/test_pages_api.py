"""The pages and the API: who sees which report and case, the path through the pages (start →
edit → upload → submit → review), and bad input as a Chinese page or coded problem+json with
nothing saved."""

from __future__ import annotations

import pytest
from django.urls import reverse

from usefirst.reporting import services
from usefirst.reporting.choices import ReportStatus
from usefirst.reporting.models import AnnualReport

from .conftest import REQUIRED_TEXT, pdf

pytestmark = pytest.mark.django_db


def test_a_unit_files_its_report_through_the_pages(client, window, owner, unit, provincial_reviewer):
    client.force_login(owner)
    page = client.get(reverse("reporting:my_reports"))
    assert page.status_code == 200 and "开始填报" in page.content.decode()
    response = client.post(reverse("reporting:my_reports"), {"year": "2025"})
    report = AnnualReport.objects.get(organisation=unit, year=2025)
    assert response.url == reverse("reporting:report_detail", args=[report.pk])
    edit = reverse("reporting:report_edit", args=[report.pk])
    assert client.get(edit).status_code == 200
    bad = client.post(edit, {"work_summary": "开展了工作。", "transfer_amount": "1200000元"})
    assert bad.status_code == 400 and "应以万元为单位" in bad.content.decode()
    report.refresh_from_db()
    assert report.values.get("work_summary", "") == ""
    values = {"work_summary": "开展了成果转化工作。", "service_count": "1", "service_amount": "10", "transfer_amount": "0"}
    assert client.post(edit, values).status_code == 302
    client.post(reverse("reporting:report_upload", args=[report.pk]), {"cover_file": pdf(), "undertaking_file": pdf()})
    client.post(reverse("reporting:report_action", args=[report.pk, "submit"]))
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED
    detail = client.get(reverse("reporting:report_detail", args=[report.pk])).content.decode()
    assert "待主管部门审核" in detail and "submitted" not in detail
    client.force_login(provincial_reviewer)
    assert "待主管部门审核" in client.get(reverse("reporting:reports")).content.decode()
    client.post(reverse("reporting:report_action", args=[report.pk, "return"]), {"reason": "请补充附表"})
    report.refresh_from_db()
    assert report.status == ReportStatus.RETURNED
    export = client.get(reverse("reporting:report_export", args=[report.pk]))
    assert export.status_code == 200 and export["Content-Type"].startswith("application/vnd.openxmlformats")
    assert client.get(reverse("reporting:rollup") + "?year=2025").status_code == 200
    assert client.get(reverse("reporting:rollup_export") + "?year=2025").status_code == 200


def test_an_outsider_cannot_see_a_report(client, report, outsider):
    client.force_login(outsider)
    assert client.get(reverse("reporting:report_detail", args=[report.pk])).status_code == 404
    assert client.get(f"/api/v1/reporting/reports/{report.pk}").status_code == 404
    assert client.get(reverse("reporting:reports")).status_code == 403


def test_the_api_answers_bad_figures_with_coded_problems_and_saves_nothing(client, report, owner):
    client.force_login(owner)
    url = f"/api/v1/reporting/reports/{report.pk}/values"
    response = client.put(url, {"values": {"transfer_amount": "-1"}}, content_type="application/json")
    assert response.status_code == 400 and response["Content-Type"].startswith("application/problem+json")
    assert response.json()["code"] == "report_amount_negative"
    response = client.put(
        url, {"values": {"received_amount": "12"}, "units": {"received_amount": "万元"}}, content_type="application/json"
    )
    assert response.json()["code"] == "report_wrong_unit" and "应以元为单位" in response.json()["detail"]
    report.refresh_from_db()
    assert report.values["received_amount"] == "0"
    ok = client.put(url, {"values": {"received_amount": "1200.50"}}, content_type="application/json")
    assert ok.status_code == 200
    figures = {f["key"]: f for f in ok.json()["figures"]}
    assert figures["received_amount"]["value"] == "1200.5" and figures["received_amount"]["flagged"] is True


def test_the_api_refuses_a_second_report_for_the_year(client, report, owner):
    client.force_login(owner)
    response = client.post("/api/v1/reporting/reports", {"year": 2025}, content_type="application/json")
    assert response.status_code == 409 and response.json()["code"] == "report_exists"


def test_the_api_walks_a_case(client, provincial_reviewer, owner, unit):
    client.force_login(provincial_reviewer)
    created = client.post(
        "/api/v1/reporting/cases",
        {"unit_id": unit.pk, "title": "未按期填报年度数据", "finding": "截止日后仍未提交 2025 年度报告"},
        content_type="application/json",
    )
    assert created.status_code == 201
    pk = created.json()["id"]
    late = client.post(f"/api/v1/reporting/cases/{pk}/notify", {"plan_due": "2026-01-01"}, content_type="application/json")
    assert late.json()["code"] == "case_due_invalid"
    client.post(f"/api/v1/reporting/cases/{pk}/notify", {"plan_due": "2026-04-15"}, content_type="application/json")
    client.force_login(owner)
    plan = client.post(
        f"/api/v1/reporting/cases/{pk}/plan", {"plan": "本月内补报年度数据并明确专人负责。"}, content_type="application/json"
    )
    assert plan.json()["status"] == "plan_submitted" and plan.json()["status_display"] == "整改方案待核验"
    page = client.get(reverse("reporting:case_detail", args=[pk])).content.decode()
    assert "整改方案待核验" in page


def test_the_case_pages_open_for_the_province(client, provincial_reviewer, unit):
    client.force_login(provincial_reviewer)
    assert client.get(reverse("reporting:case_new")).status_code == 200
    response = client.post(
        reverse("reporting:case_new"), {"unit": unit.pk, "title": "问题", "finding": "", "severity": "general"}
    )
    assert response.status_code == 400 and "请填写发现的偏差及依据" in response.content.decode()
    case = services.case_open(actor=provincial_reviewer, unit=unit, title="问题", finding="偏差")
    assert client.get(reverse("reporting:cases")).status_code == 200
    assert "通知单位整改" in client.get(reverse("reporting:case_detail", args=[case.pk])).content.decode()


def test_the_workspace_lists_the_reports_to_review(client, ready, owner, provincial_reviewer):
    services.report_submit(actor=owner, report=ready)
    client.force_login(provincial_reviewer)
    page = client.get(reverse("accounts:workspace")).content.decode()
    assert "待审核的年度数据报告" in page


def test_the_province_countersigns_through_its_workspace_and_the_report_page(
    client, window, owner, unit, city_dept, city_reviewer, provincial_reviewer
):
    unit.reviewing_department = city_dept
    unit.save(update_fields=["reviewing_department"])
    report = services.report_start(actor=owner, organisation=unit, year=2025)
    services.report_update(actor=owner, report=report, values=REQUIRED_TEXT)
    services.report_upload(actor=owner, report=report, cover=pdf(), undertaking=pdf("承诺书.pdf"))
    services.report_submit(actor=owner, report=report)
    client.force_login(city_reviewer)
    detail = reverse("reporting:report_detail", args=[report.pk])
    client.post(reverse("reporting:report_action", args=[report.pk, "accept"]), {"reason": ""})
    assert 'id="countersign-title"' not in client.get(detail).content.decode()  # the city does not countersign
    client.force_login(provincial_reviewer)
    assert "待省厅复核的年度数据报告" in client.get(reverse("accounts:workspace")).content.decode()
    page = client.get(detail).content.decode()
    assert 'id="countersign-title"' in page and "复核退回" in page
    refused = client.post(reverse("reporting:report_action", args=[report.pk, "province_return"]), {"reason": ""})
    assert refused.status_code in (302, 400)
    assert AnnualReport.objects.get(pk=report.pk).status == ReportStatus.DEPARTMENT_ACCEPTED
    client.post(reverse("reporting:report_action", args=[report.pk, "countersign"]), {"reason": "复核通过"})
    assert AnnualReport.objects.get(pk=report.pk).status == ReportStatus.ACCEPTED
    rollup = client.get(reverse("reporting:rollup") + "?year=2025").content.decode()
    assert "计入 1 份" in rollup and "只计入经省科学技术厅复核通过的报告" in rollup


def test_the_api_countersign_refuses_a_department_with_a_coded_problem(client, window, owner, unit, city_dept, city_reviewer):
    unit.reviewing_department = city_dept
    unit.save(update_fields=["reviewing_department"])
    report = services.report_start(actor=owner, organisation=unit, year=2025)
    services.report_update(actor=owner, report=report, values=REQUIRED_TEXT)
    services.report_upload(actor=owner, report=report, cover=pdf(), undertaking=pdf("承诺书.pdf"))
    services.report_submit(actor=owner, report=report)
    client.force_login(city_reviewer)
    accepted = client.post(f"/api/v1/reporting/reports/{report.pk}/accept", {"reason": ""}, content_type="application/json")
    assert accepted.status_code == 200 and accepted.json()["status"] == "department_accepted"
    refused = client.post(f"/api/v1/reporting/reports/{report.pk}/countersign", {"reason": ""}, content_type="application/json")
    assert refused.status_code == 403 and refused.json()["code"] == "report_not_province"
