"""Issue 5, "done when", through the pages: an achievement whose receipts (recorded with the
finance services) reach 500,000.00 goes from the eligibility notice through recommendation,
the ranked provincial review, the decision and the public notice to recognition, the public
list and the PDF notice. And each "Bad input" case through the API, with its stable code and
nothing changed."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from decimal import Decimal

import pytest
import time_machine
from django.test import Client

from usefirst.accounts.models import Membership, OrganisationKind
from usefirst.core.testing import make_org, make_user
from usefirst.notifications.models import Notification
from usefirst.recognition import services
from usefirst.recognition.models import ApplicationStatus, Recognition, RecognitionApplication, RecognitionYear

from .builders import make_achievement, make_person, pay_later_licence

pytestmark = pytest.mark.django_db
TEXT = "视同省级科技计划立项（无省财政经费支持）"
MORNING = dt.datetime(2026, 3, 2, 2, 0, tzinfo=dt.UTC)  # 10:00 in Shanghai
_keys = iter(range(1, 10_000))


def client_for(user):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def record_receipt(contract, amount, *, actor, on=dt.date(2026, 3, 2)):
    from usefirst.finance.tests.helpers import record_confirmed

    n = next(_keys)
    receipt, created = record_confirmed(
        actor=actor,
        contract=contract,
        received_on=on,
        amount=amount,
        payer="韶关测试科技有限公司",
        voucher_number=f"PZ-WALK-{n:04d}",
        idempotency_key=f"walk-{n}",
    )
    assert created
    return receipt


def funded(unit, owner, enterprise, amounts, *, persons=None, title=None):
    achievement = make_achievement(unit, persons=persons, title=title)
    licence = pay_later_licence(achievement, licensee=enterprise, created_by=owner)
    receipts = [record_receipt(licence, amount, actor=owner) for amount in amounts]
    return achievement, licence, receipts


def pdf_text(content: bytes) -> str:
    from pypdf import PdfReader

    # pypdf reads fpdf2's two-byte CID text with NULs between the characters
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    return re.sub(r"\s+", "", text.replace("\x00", ""))


def test_an_achievement_goes_from_the_eligibility_notice_to_the_public_list_and_the_pdf_notice(
    unit, owner, enterprise, reviewer, province, django_capture_on_commit_callbacks
):
    other_unit = make_org(OrganisationKind.UNIVERSITY, name="岭南测试大学")
    other_owner = make_user(other_unit, role=Membership.Role.ADMIN)
    with time_machine.travel(MORNING, tick=False):
        # receipts through finance's service: 300,000.00 + 199,999.99 is one cent short, no notice yet
        with django_capture_on_commit_callbacks(execute=True):
            achievement, licence, _ = funded(unit, owner, enterprise, ["300000.00", "199999.99"], title="高效节能电机控制技术")
        assert not Notification.objects.filter(recipient=owner, kind="recognition.eligible").exists()
        with django_capture_on_commit_callbacks(execute=True):
            record_receipt(licence, "0.01", actor=owner)
        # a competitor with more money received, recommended in the same year
        rival, *_ = funded(other_unit, other_owner, enterprise, ["800000.00"], title="海洋牧场智能投喂系统")
        rival_application = services.application_create(actor=other_owner, achievement=rival)
        services.application_recommend(actor=other_owner, application=rival_application, opinion="同意推荐")

        unit_client, reviewer_client = client_for(owner), client_for(reviewer)
        # the unit is told, and the notice opens the pre-filled application
        notice = Notification.objects.get(recipient=owner, kind="recognition.eligible")
        assert "高效节能电机控制技术" in unit_client.get("/notifications/").content.decode()
        page = unit_client.get(notice.url).content.decode()
        assert "实际到账 500,000.00 元" in page
        assert "起草认定申请" in page
        assert "成果“高效节能电机控制技术”以先用后转方式实施转化，实际到账 500,000.00 元。" in page  # pre-filled
        response = unit_client.post(notice.url, {"statement": "先用后转许可实际到账已达 50 万元"})
        application = RecognitionApplication.objects.get(achievement=achievement)
        assert response.status_code == 302
        assert response["Location"] == f"/recognition/applications/{application.pk}/"
        assert application.status == ApplicationStatus.DRAFT
        assert application.amount_received == Decimal("500000.00")

        # the unit recommends
        unit_client.post(f"/recognition/applications/{application.pk}/recommend/", {"opinion": "经单位审核，同意推荐"})
        application.refresh_from_db()
        assert application.status == ApplicationStatus.RECOMMENDED

        # the provincial review sees the advisory ranking: the rival first (more money received)
        page = reviewer_client.get("/recognition/applications/?year=2026").content.decode()
        ranking = page[page.index("待审核项目参考排序") : page.index("</table>", page.index("待审核项目参考排序"))]
        assert ranking.index("海洋牧场智能投喂系统") < ranking.index("高效节能电机控制技术")
        assert "<td>2</td><td><a" in ranking and "高效节能电机控制技术" in ranking

        # the decision (择优): into public notice
        reviewer_client.post(
            f"/recognition/applications/{application.pk}/select/", {"key_technology": "yes", "opinion": "择优入选"}
        )
        application.refresh_from_db()
        assert application.status == ApplicationStatus.PUBLIC_NOTICE
        public = Client()
        page = public.get("/recognition/notices/").content.decode()
        assert "高效节能电机控制技术" in page
        assert f"公示期 {application.notice_start:%Y-%m-%d} 至 {application.notice_end:%Y-%m-%d}" in page
        # not recognised while the notice runs
        reviewer_client.post(f"/recognition/applications/{application.pk}/recognise/", {"checked": "yes"})
        application.refresh_from_db()
        assert application.status == ApplicationStatus.PUBLIC_NOTICE

    after_notice = dt.datetime.combine(application.notice_end + dt.timedelta(days=1), dt.time(2, 0), tzinfo=dt.UTC)
    with time_machine.travel(after_notice, tick=False):
        reviewer_client = client_for(reviewer)  # days later: a new session (sessions end after their timeouts)
        # without ticking the confirmation nothing happens, and the message names the project
        unconfirmed = reviewer_client.post(f"/recognition/applications/{application.pk}/recognise/", follow=True)
        assert "《高效节能电机控制技术》：认定前请勾选" in unconfirmed.content.decode()
        application.refresh_from_db()
        assert application.status == ApplicationStatus.PUBLIC_NOTICE
        response = reviewer_client.post(f"/recognition/applications/{application.pk}/recognise/", {"checked": "yes"})
        assert response.status_code == 302
        application.refresh_from_db()
        assert application.status == ApplicationStatus.RECOGNISED
        recognition = Recognition.objects.get(application=application)
        assert recognition.number == "GDXY-2026-0001"
        assert RecognitionYear.objects.get(year=2026).used == 1
        assert Notification.objects.filter(recipient=owner, kind="recognition.recognised").exists()

        public = Client()
        page = public.get("/recognition/").content.decode()
        assert "高效节能电机控制技术" in page
        assert recognition.number in page
        assert TEXT in page
        assert "海洋牧场智能投喂系统" not in page  # recommended, not recognised
        pdf = public.get(f"/recognition/{recognition.pk}/notice.pdf")
        assert pdf.status_code == 200
        assert pdf["Content-Type"] == "application/pdf"
        assert pdf.content.startswith(b"%PDF")
        text = pdf_text(pdf.content)
        assert TEXT in text
        assert recognition.number in text
        assert "高效节能电机控制技术" in text


# ---------------------------------------------------------------- bad input through the API


def api(user, path, body=None):
    return client_for(user).post(f"/api/v1{path}", data=json.dumps(body or {}), content_type="application/json")


def in_notice(achievement, owner, reviewer):
    application = services.application_create(actor=owner, achievement=achievement)
    services.application_recommend(actor=owner, application=application, opinion="同意推荐")
    services.application_select(actor=reviewer, application=application, key_technology_confirmed=True)
    RecognitionApplication.objects.filter(pk=application.pk).update(
        notice_start=dt.date(2026, 2, 1), notice_end=dt.date(2026, 2, 7)
    )
    return application


def refused(response, status, code):
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/problem+json")
    assert response.json()["code"] == code
    return response.json()


def unchanged(application, used=0, recognitions=0):
    application.refresh_from_db()
    assert application.status == ApplicationStatus.PUBLIC_NOTICE
    assert RecognitionYear.objects.filter(year=2026).first() is None or RecognitionYear.objects.get(year=2026).used == used
    assert Recognition.objects.count() == recognitions


@pytest.fixture
def today_in_2026():
    with time_machine.travel(MORNING, tick=False):
        yield


def test_api_refuses_a_recognition_past_the_years_quota(today_in_2026, unit, owner, enterprise, reviewer):
    achievement, *_ = funded(unit, owner, enterprise, ["500000.00"])
    application = in_notice(achievement, owner, reviewer)
    services.quota_for_year(2026)
    RecognitionYear.objects.filter(year=2026).update(used=200)
    body = refused(api(reviewer, f"/recognition/applications/{application.pk}/recognise"), 409, "recognition_quota_exhausted")
    assert "200" in body["detail"]
    unchanged(application, used=200)


def test_api_refuses_a_person_already_recognised_that_year(today_in_2026, unit, owner, enterprise, reviewer):
    shared = make_person("陈强")
    first, *_ = funded(unit, owner, enterprise, ["500000.00"], persons=[shared, make_person("甲")])
    second, *_ = funded(unit, owner, enterprise, ["500000.00"], persons=[make_person("乙"), shared])
    a1, a2 = in_notice(first, owner, reviewer), in_notice(second, owner, reviewer)
    assert api(reviewer, f"/recognition/applications/{a1.pk}/recognise").status_code == 201
    refused(api(reviewer, f"/recognition/applications/{a2.pk}/recognise"), 409, "recognition_person_already_recognised")
    unchanged(a2, used=1, recognitions=1)


def test_api_refuses_an_achievement_whose_receipts_were_reversed_below_500000(today_in_2026, unit, owner, enterprise, reviewer):
    from usefirst.finance import services as finance

    achievement, _licence, (receipt,) = funded(unit, owner, enterprise, ["500000.00"])
    application = in_notice(achievement, owner, reviewer)
    finance.receipt_reverse(actor=owner, original=receipt, reason="凭证金额录入有误", idempotency_key="rev-1", amount="0.01")
    body = refused(api(reviewer, f"/recognition/applications/{application.pk}/recognise"), 409, "recognition_below_threshold")
    assert "499,999.99 元" in body["detail"]
    unchanged(application)


def test_api_refuses_a_recognition_by_someone_not_a_provincial_reviewer(
    today_in_2026, unit_with_superior, owner, enterprise, reviewer, superior_staff
):
    achievement, *_ = funded(unit_with_superior, owner, enterprise, ["500000.00"])
    application = in_notice(achievement, owner, reviewer)
    for user in (owner, superior_staff):
        refused(api(user, f"/recognition/applications/{application.pk}/recognise"), 403, "recognition_not_provincial_reviewer")
    unchanged(application)


def test_api_refuses_a_recommendation_by_a_department_that_is_not_the_units_superior(
    today_in_2026, unit_with_superior, owner, enterprise, reviewer, other_department_staff
):
    achievement, *_ = funded(unit_with_superior, owner, enterprise, ["500000.00"])
    application = services.application_create(actor=owner, achievement=achievement)
    # another sector department, and the provincial department (which sees every application)
    for user in (other_department_staff, reviewer):
        refused(
            api(user, f"/recognition/applications/{application.pk}/recommend", {"opinion": "推荐"}),
            403,
            "recognition_not_superior_department",
        )
    application.refresh_from_db()
    assert application.status == ApplicationStatus.DRAFT
    assert application.recommended_by is None
    assert not application.events.exclude(to_status="draft").exists()
    # an application that does not exist is still just not found
    assert api(other_department_staff, "/recognition/applications/999999/recommend", {"opinion": "推荐"}).status_code == 404
