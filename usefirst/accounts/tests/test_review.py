"""Review routing (who reviews which organisation) and the review transitions."""

from __future__ import annotations

import pytest
from django.urls import reverse

from usefirst.accounts.models import Membership, OrganisationEvent, OrganisationKind, OrganisationStatus, Sector
from usefirst.accounts.roles import reviewing_department
from usefirst.accounts.services.organisations import (
    organisation_approve,
    organisation_correct,
    organisation_reinstate,
    organisation_resubmit,
    organisation_return,
    organisation_suspend,
    review_queue,
)
from usefirst.core.errors import DomainError, Forbidden, IllegalTransition
from usefirst.core.testing import make_org, make_user

pytestmark = pytest.mark.django_db


def submitted(kind=OrganisationKind.UNIVERSITY, **extra):
    org = make_org(kind, **extra)
    org.status = OrganisationStatus.SUBMITTED
    org.reviewing_department = reviewing_department(org)
    org.save()
    return org


class TestRouting:
    def test_an_enterprise_is_reviewed_by_its_city_department(self, province, guangzhou_department):
        assert reviewing_department(make_org(OrganisationKind.ENTERPRISE, city="广州市", county="天河区")) == guangzhou_department

    def test_an_enterprise_in_a_city_without_a_department_on_the_platform_goes_to_the_province(self, province):
        assert reviewing_department(make_org(OrganisationKind.ENTERPRISE, city="云浮市", county="云城区")) == province

    def test_a_university_guided_by_the_education_department_is_reviewed_by_it(self, province, education_department):
        org = make_org(OrganisationKind.UNIVERSITY, sector=Sector.EDUCATION)
        assert reviewing_department(org) == education_department

    def test_a_unit_without_a_sector_is_reviewed_by_the_province(self, province, guangzhou_department):
        assert reviewing_department(make_org(OrganisationKind.RESEARCH_INSTITUTE)) == province

    @pytest.mark.parametrize(
        "kind",
        [
            OrganisationKind.AGENCY,
            OrganisationKind.INSURER,
            OrganisationKind.GUARANTOR,
            OrganisationKind.INCUBATOR,
            OrganisationKind.PROFESSIONAL_INSTITUTION,
            OrganisationKind.OTHER_UNIT,
            OrganisationKind.CITY_DEPARTMENT,
        ],
    )
    def test_service_organisations_and_city_departments_are_reviewed_by_the_province(self, province, guangzhou_department, kind):
        assert reviewing_department(make_org(kind)) == province

    def test_an_out_of_province_institute_is_reviewed_by_the_province(self, province):
        org = make_org(OrganisationKind.OUT_OF_PROVINCE_INSTITUTE, city="省外", county="北京市海淀区")
        assert reviewing_department(org) == province

    def test_a_sector_department_does_not_review_itself(self, province, education_department):
        assert reviewing_department(education_department) == province

    def test_the_province_reviews_nobody_for_itself(self, province):
        assert reviewing_department(province) is None

    def test_a_suspended_city_department_does_not_receive_reviews(self, province, guangzhou_department):
        guangzhou_department.status = OrganisationStatus.SUSPENDED
        guangzhou_department.save()
        assert reviewing_department(make_org(OrganisationKind.ENTERPRISE, city="广州市", county="天河区")) == province


class TestQueue:
    def test_each_department_sees_only_the_organisations_routed_to_it(
        self, province, provincial_reviewer, guangzhou_reviewer, education_reviewer
    ):
        company = submitted(OrganisationKind.ENTERPRISE, city="广州市", county="天河区")
        university = submitted(OrganisationKind.UNIVERSITY, sector=Sector.EDUCATION)
        agency = submitted(OrganisationKind.AGENCY)
        assert list(review_queue(guangzhou_reviewer)) == [company]
        assert list(review_queue(education_reviewer)) == [university]
        assert list(review_queue(provincial_reviewer)) == [agency]

    def test_an_enterprise_admin_has_no_queue(self, outsider, province):
        submitted(OrganisationKind.AGENCY)
        assert list(review_queue(outsider)) == []

    def test_the_queue_page_lists_submissions_for_the_reviewer_only(self, client, provincial_reviewer, outsider):
        agency = submitted(OrganisationKind.AGENCY, name="示例技术转移中心")
        client.force_login(provincial_reviewer)
        assert "示例技术转移中心" in client.get("/review/organisations/").content.decode()
        client.force_login(outsider)
        assert client.get("/review/organisations/").status_code == 403
        assert client.get(reverse("accounts_review:organisation", args=[agency.pk])).status_code == 404

    def test_nobody_reviews_their_own_organisation(self, guangzhou_department, guangzhou_reviewer):
        company = submitted(OrganisationKind.ENTERPRISE, city="广州市", county="天河区")
        Membership.objects.create(user=guangzhou_reviewer, organisation=company, role=Membership.Role.ADMIN)
        assert list(review_queue(guangzhou_reviewer)) == []
        with pytest.raises(Forbidden):
            organisation_approve(actor=guangzhou_reviewer, organisation=company)


class TestTransitions:
    def test_approval_activates_the_organisation_with_an_event_row(self, client, provincial_reviewer):
        agency = submitted(OrganisationKind.AGENCY)
        client.force_login(provincial_reviewer)
        response = client.post(reverse("accounts_review:organisation", args=[agency.pk]), {"action": "approve"})
        assert response.status_code == 302
        agency.refresh_from_db()
        assert agency.status == OrganisationStatus.ACTIVE
        event = OrganisationEvent.objects.get(subject=agency)
        assert (event.actor, event.from_status, event.to_status) == (provincial_reviewer, "submitted", "active")

    def test_another_department_cannot_approve(self, guangzhou_reviewer, province):
        agency = submitted(OrganisationKind.AGENCY)
        with pytest.raises(Forbidden):
            organisation_approve(actor=guangzhou_reviewer, organisation=agency)

    def test_reasons_typed_on_two_lines_are_accepted(self, provincial_reviewer):
        agency = submitted(OrganisationKind.AGENCY)
        organisation_return(actor=provincial_reviewer, organisation=agency, reasons="第一行：材料不全\r\n第二行：请补充证明")
        assert agency.events.last().reason == "第一行：材料不全\n第二行：请补充证明"

    def test_returning_needs_reasons_and_the_applicant_corrects_and_resubmits(self, provincial_reviewer):
        agency = submitted(OrganisationKind.AGENCY)
        applicant = make_user(agency, role=Membership.Role.ADMIN)
        with pytest.raises(DomainError):
            organisation_return(actor=provincial_reviewer, organisation=agency, reasons=" ")
        organisation_return(actor=provincial_reviewer, organisation=agency, reasons="营业执照不清晰")
        agency.refresh_from_db()
        assert agency.status == OrganisationStatus.RETURNED
        organisation_correct(actor=applicant, organisation=agency, legal_representative="赵六")
        organisation_resubmit(actor=applicant, organisation=agency)
        agency.refresh_from_db()
        assert agency.status == OrganisationStatus.SUBMITTED and agency.legal_representative == "赵六"
        assert list(agency.events.values_list("to_status", flat=True)) == ["returned", "submitted"]
        assert agency.events.get(to_status="returned").reason == "营业执照不清晰"

    def test_the_returned_applicant_sees_the_reasons_on_the_correction_page(self, client, provincial_reviewer):
        agency = submitted(OrganisationKind.AGENCY)
        applicant = make_user(agency, role=Membership.Role.ADMIN)
        organisation_return(actor=provincial_reviewer, organisation=agency, reasons="请补充<法定代表人>信息")
        client.force_login(applicant)
        assert "查看退回理由并修改" in client.get(reverse("accounts:workspace")).content.decode()
        html = client.get(reverse("accounts:organisation_edit")).content.decode()
        assert "请补充&lt;法定代表人&gt;信息" in html

    def test_an_active_organisation_cannot_be_approved_again(self, provincial_reviewer):
        agency = submitted(OrganisationKind.AGENCY)
        organisation_approve(actor=provincial_reviewer, organisation=agency)
        with pytest.raises(IllegalTransition):
            organisation_approve(actor=provincial_reviewer, organisation=agency)

    def test_only_a_provincial_admin_suspends_and_reinstates(self, provincial_admin, provincial_reviewer, enterprise):
        with pytest.raises(Forbidden):
            organisation_suspend(actor=provincial_reviewer, organisation=enterprise, reason="虚假材料")
        organisation_suspend(actor=provincial_admin, organisation=enterprise, reason="虚假材料")
        enterprise.refresh_from_db()
        assert enterprise.status == OrganisationStatus.SUSPENDED
        organisation_reinstate(actor=provincial_admin, organisation=enterprise)
        enterprise.refresh_from_db()
        assert enterprise.status == OrganisationStatus.ACTIVE
        assert list(enterprise.events.values_list("to_status", flat=True)) == ["suspended", "active"]

    def test_suspension_needs_a_reason(self, provincial_admin, enterprise):
        with pytest.raises(DomainError):
            organisation_suspend(actor=provincial_admin, organisation=enterprise, reason="")


def test_a_returned_applicant_corrects_the_form_and_it_goes_back_to_review(client, provincial_reviewer):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from .conftest import EXE_BYTES

    agency = submitted(OrganisationKind.AGENCY, name="待修改中心")
    applicant = make_user(agency, role=Membership.Role.ADMIN)
    organisation_return(actor=provincial_reviewer, organisation=agency, reasons="法定代表人填写有误")
    client.force_login(applicant)
    form = {
        "name": agency.name,
        "kind": agency.kind,
        "credit_code": agency.credit_code,
        "legal_representative": "周七",
        "city": agency.city,
        "county": agency.county,
        "enterprise_size": "",
        "sector": "",
        "superior_department": "",
        "superior_department_name": "",
    }
    bad = SimpleUploadedFile("licence.pdf", EXE_BYTES, content_type="application/pdf")
    response = client.post(reverse("accounts:organisation_edit"), {**form, "licence": bad})
    assert "仅接受 PDF、PNG 或 JPEG" in response.content.decode()
    agency.refresh_from_db()
    assert agency.status == OrganisationStatus.RETURNED and agency.legal_representative == "张三", "nothing half-saved"
    response = client.post(reverse("accounts:organisation_edit"), form)
    assert response.status_code == 302
    agency.refresh_from_db()
    assert agency.status == OrganisationStatus.SUBMITTED and agency.legal_representative == "周七"
    assert agency in review_queue(provincial_reviewer)


def test_a_registered_university_with_a_sector_is_routed_to_that_sector_department(
    education_reviewer, django_capture_on_commit_callbacks
):
    import re

    from django.core import mail

    from usefirst.accounts.services.organisations import organisation_register, organisation_verify_email

    from .conftest import service_kwargs

    with django_capture_on_commit_callbacks(execute=True):
        university = organisation_register(
            **service_kwargs(kind=OrganisationKind.UNIVERSITY, sector=Sector.EDUCATION, enterprise_size="", name="示例大学")
        )
    token = re.search(r"/accounts/verify/([^/\s]+)/", mail.outbox[-1].body).group(1)
    organisation_verify_email(token=token)
    university.refresh_from_db()
    assert university.reviewing_department.sector == Sector.EDUCATION
    assert list(review_queue(education_reviewer)) == [university]


def test_the_review_file_shows_the_history_in_words(client, provincial_reviewer):
    agency = submitted(OrganisationKind.AGENCY)
    organisation_return(actor=provincial_reviewer, organisation=agency, reasons="材料不全")
    client.force_login(provincial_reviewer)
    html = client.get(reverse("accounts_review:organisation", args=[agency.pk])).content.decode()
    assert "待审核 → 已退回" in html and "材料不全" in html


def test_the_provincial_admin_sees_every_organisation_in_the_directory_and_a_city_only_its_own(
    client, provincial_admin, guangzhou_reviewer, enterprise
):
    company = submitted(OrganisationKind.ENTERPRISE, city="广州市", county="天河区", name="广州某公司")
    organisation_approve(actor=guangzhou_reviewer, organisation=company)
    client.force_login(provincial_admin)
    html = client.get(reverse("accounts_review:queue") + "?status=active").content.decode()
    assert enterprise.name in html and "广州某公司" in html
    client.force_login(guangzhou_reviewer)
    html = client.get(reverse("accounts_review:queue") + "?status=all").content.decode()
    assert "广州某公司" in html and enterprise.name not in html
    assert client.get(reverse("accounts_review:queue") + "?status=bogus").status_code == 400
    assert client.get(reverse("accounts_review:queue") + "?status=all&page=9").status_code == 404


def test_a_department_exports_its_directory_as_excel_and_the_export_is_audited(client, guangzhou_reviewer, outsider):
    import io

    from openpyxl import load_workbook

    from usefirst.core.models import AuditEntry

    company = submitted(OrganisationKind.ENTERPRISE, city="广州市", county="天河区", name="导出测试公司")
    client.force_login(guangzhou_reviewer)
    response = client.get(reverse("accounts_review:export") + "?status=submitted")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "机构名称" and rows[1][0] == "导出测试公司" and rows[1][2] == company.credit_code
    assert len(rows) == 2
    assert AuditEntry.objects.filter(action="accounts.organisations_export", actor=guangzhou_reviewer).exists()
    client.force_login(outsider)
    assert client.get(reverse("accounts_review:export")).status_code == 403
