"""Every page and API operation of recognition for each persona: anonymous, outsider, owner
unit, superior department, provincial reviewer."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.test import Client

from usefirst.recognition import services, sources
from usefirst.recognition.models import ApplicationStatus, MisconductRecord, Objection, Recognition, RecognitionApplication

from .builders import in_notice_ended, make_achievement

pytestmark = pytest.mark.django_db
PASSWORD = "correct-horse-battery"


@pytest.fixture(autouse=True)
def _funded(monkeypatch):
    """The money is not the subject here: every achievement has reached the threshold."""
    monkeypatch.setattr(
        sources, "received_for_achievement", lambda achievement, **kw: sources.Received(amount=Decimal("600000.00"))
    )


@pytest.fixture
def world(unit_with_superior, owner, superior_staff, reviewer, outsider):
    achievement = make_achievement(unit_with_superior)
    noticed = make_achievement(unit_with_superior)
    done = make_achievement(unit_with_superior)
    draft = services.application_create(actor=owner, achievement=achievement)

    def to_notice(a):
        app = services.application_create(actor=owner, achievement=a)
        services.application_recommend(actor=owner, application=app, opinion="同意")
        return services.application_select(actor=reviewer, application=app, key_technology_confirmed=True)

    in_notice = to_notice(noticed)
    objection = services.objection_submit(actor=outsider, application=in_notice, contact_name="张三", text="异议")
    recognition = services.application_recognise(actor=reviewer, application=in_notice_ended(to_notice(done)))
    record = services.misconduct_record(
        actor=reviewer,
        organisation=unit_with_superior,
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2027, 1, 1),
        reason="弄虚作假",
    )
    return {
        "achievement": achievement,
        "draft": draft,
        "notice": in_notice,
        "objection": objection,
        "recognition": recognition,
        "record": record,
    }


def client_for(user):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


PERSONAS = ["anonymous", "outsider", "owner", "superior_staff", "reviewer"]


@pytest.fixture
def personas(outsider, owner, superior_staff, reviewer):
    return {"anonymous": None, "outsider": outsider, "owner": owner, "superior_staff": superior_staff, "reviewer": reviewer}


# (url builder, expected status per persona); 302 = sent to log in
PAGES = [
    ("public list", lambda w: "/recognition/", dict.fromkeys(PERSONAS, 200)),
    ("public export", lambda w: "/recognition/export.xlsx", dict.fromkeys(PERSONAS, 200)),
    ("notice pdf", lambda w: f"/recognition/{w['recognition'].pk}/notice.pdf", dict.fromkeys(PERSONAS, 200)),
    ("public notices", lambda w: "/recognition/notices/", dict.fromkeys(PERSONAS, 200)),
    ("statistics", lambda w: "/recognition/statistics/?year=2026", dict.fromkeys(PERSONAS, 200)),
    ("statistics export", lambda w: "/recognition/statistics/export.xlsx?year=2026", dict.fromkeys(PERSONAS, 200)),
    (
        "applications",
        lambda w: "/recognition/applications/",
        {"anonymous": 302, "outsider": 200, "owner": 200, "superior_staff": 200, "reviewer": 200},
    ),
    (
        "apply",
        lambda w: f"/recognition/apply/{w['achievement'].pk}/",
        {"anonymous": 302, "outsider": 404, "owner": 200, "superior_staff": 404, "reviewer": 403},
    ),
    (
        "application detail",
        lambda w: f"/recognition/applications/{w['notice'].pk}/",
        {"anonymous": 302, "outsider": 404, "owner": 200, "superior_staff": 200, "reviewer": 200},
    ),
    (
        "quota",
        lambda w: "/recognition/quota/",
        {"anonymous": 302, "outsider": 403, "owner": 403, "superior_staff": 403, "reviewer": 200},
    ),
    (
        "misconduct list",
        lambda w: "/recognition/misconduct/",
        {"anonymous": 302, "outsider": 200, "owner": 200, "superior_staff": 200, "reviewer": 200},
    ),
    (
        "misconduct detail",
        lambda w: f"/recognition/misconduct/{w['record'].pk}/",
        # the superior department reviews the unit: it may open the record shown on the unit's pages
        {"anonymous": 302, "outsider": 404, "owner": 200, "superior_staff": 200, "reviewer": 200},
    ),
]


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(("name", "url", "expected"), PAGES, ids=[p[0] for p in PAGES])
def test_page_permission_matrix(world, personas, persona, name, url, expected):
    response = client_for(personas[persona]).get(url(world))
    assert response.status_code == expected[persona], f"{name} as {persona}"


def test_the_public_list_shows_the_recognition_text_and_the_pdf_is_a_pdf(world):
    client = Client()
    page = client.get("/recognition/").content.decode()
    assert world["recognition"].number in page
    assert "视同省级科技计划立项（无省财政经费支持）" in page
    pdf = client.get(f"/recognition/{world['recognition'].pk}/notice.pdf")
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")


def test_a_revoked_recognition_leaves_the_public_list(world, reviewer):
    services.recognition_revoke(actor=reviewer, recognition=world["recognition"], reason="撤销")
    assert Client().get(f"/recognition/{world['recognition'].pk}/notice.pdf").status_code == 404
    assert world["recognition"].number not in Client().get("/recognition/").content.decode()


def test_only_reviewers_see_misconduct_on_the_application_page(world, owner, superior_staff, reviewer):
    url = f"/recognition/applications/{world['notice'].pk}/"
    for user in (reviewer, superior_staff):
        page = client_for(user).get(url).content.decode()
        assert "有效科研失信记录" in page
        assert f"/recognition/misconduct/{world['record'].pk}/" in page
    page = client_for(owner).get(url).content.decode()
    assert "有效科研失信记录" not in page
    assert "1 条有效失信记录" not in page  # flags are for the reviewer


ACTIONS = ["recommend", "select", "reject", "recognise"]


@pytest.mark.parametrize("persona", ["outsider", "superior_staff", "owner"])
def test_provincial_actions_from_pages_are_refused_to_others(world, personas, persona):
    application = world["notice"]
    for action in ("select", "reject", "recognise"):
        response = client_for(personas[persona]).post(f"/recognition/applications/{application.pk}/{action}/", {"reason": "x"})
        assert response.status_code in (403, 404)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.PUBLIC_NOTICE


def withdraw_on_appeal(record, owner, reviewer):
    """A record in force refuses recommendation (test_workflow); these page tests start once the
    unit's appeal has been upheld."""
    services.misconduct_appeal(actor=owner, record=record, text="已整改")
    services.misconduct_decide_appeal(actor=reviewer, record=record, withdraw=True, answer="申诉成立")


def test_the_superior_department_recommends_from_the_page(world, superior_staff, owner, reviewer):
    withdraw_on_appeal(world["record"], owner, reviewer)
    draft = world["draft"]
    response = client_for(superior_staff).post(f"/recognition/applications/{draft.pk}/recommend/", {"opinion": "同意推荐"})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == ApplicationStatus.RECOMMENDED


def test_the_home_page_shows_the_project_in_public_notice_the_recognised_one_and_their_notices(world):
    from django.core.cache import cache

    from usefirst.core.selectors import HOME_CACHE_KEY

    cache.delete(HOME_CACHE_KEY)
    page = Client().get("/").content.decode()
    cache.delete(HOME_CACHE_KEY)
    notice, recognition = world["notice"], world["recognition"]
    in_notice = page.split('id="home-notice"')[1].split("</section>")[0]
    assert notice.achievement.title in in_notice and f"公示至 {notice.notice_end:%Y-%m-%d}" in in_notice
    recognised = page.split('id="home-recognised"')[1].split("</section>")[0]
    assert recognition.number in recognised and notice.achievement.title not in recognised
    notices = page.split('id="home-notices"')[1].split("</section>")[0]
    assert f"{notice.year}年度“先用后转”认定项目公示（1 项）" in notices
    assert f"{recognition.year}年度视同省级科技计划立项项目名单（1 项）" in notices


def test_an_objection_from_the_notice_page_is_answered_by_the_reviewer(world, outsider, reviewer):
    notice = world["notice"]
    client_for(outsider).post(f"/recognition/notices/{notice.pk}/objections/", {"contact_name": "李四", "text": "另有异议"})
    objection = Objection.objects.filter(application=notice).order_by("-pk").first()
    assert objection.text == "另有异议"
    assert client_for(outsider).post(f"/recognition/objections/{objection.pk}/answer/", {"answer": "x"}).status_code == 403
    client_for(reviewer).post(f"/recognition/objections/{objection.pk}/answer/", {"answer": "不成立"})
    objection.refresh_from_db()
    assert objection.answered_at is not None


# ---------------------------------------------------------------- API


def api(user, method, path, body=None):
    client = client_for(user)
    call = getattr(client, method)
    if body is None:
        return call(f"/api/v1{path}")
    return call(f"/api/v1{path}", data=json.dumps(body), content_type="application/json")


@pytest.mark.parametrize("persona", PERSONAS)
def test_api_permission_matrix(world, personas, persona):
    user = personas[persona]
    expected = {
        ("get", "/recognition/recognitions"): dict.fromkeys(PERSONAS, 200),
        ("get", "/recognition/statistics?year=2026&dimension=region"): dict.fromkeys(PERSONAS, 200),
        ("get", f"/recognition/eligibility/{world['achievement'].pk}"): {
            "anonymous": 401,
            "outsider": 404,
            "owner": 200,
            "superior_staff": 404,
            "reviewer": 403,
        },
        ("get", "/recognition/applications"): {
            "anonymous": 401,
            "outsider": 200,
            "owner": 200,
            "superior_staff": 200,
            "reviewer": 200,
        },
        ("get", f"/recognition/applications/{world['notice'].pk}"): {
            "anonymous": 401,
            "outsider": 404,
            "owner": 200,
            "superior_staff": 200,
            "reviewer": 200,
        },
        ("get", "/recognition/quota/2026"): {
            "anonymous": 401,
            "outsider": 403,
            "owner": 403,
            "superior_staff": 403,
            "reviewer": 200,
        },
        ("get", "/recognition/misconduct"): {
            "anonymous": 401,
            "outsider": 200,
            "owner": 200,
            "superior_staff": 200,
            "reviewer": 200,
        },
    }
    for (method, path), statuses in expected.items():
        assert api(user, method, path).status_code == statuses[persona], f"{method} {path} as {persona}"


@pytest.mark.parametrize("persona", ["outsider", "owner", "superior_staff"])
def test_api_refusals_carry_stable_codes_and_change_nothing(world, personas, persona):
    user = personas[persona]
    notice = world["notice"]
    response = api(user, "post", f"/recognition/applications/{notice.pk}/recognise", {})
    assert response.status_code in (403, 404)
    if response.status_code == 403:
        assert response.json()["code"] == "recognition_not_provincial_reviewer"
    response = api(user, "post", "/recognition/quota/2026", {"cap": 300, "reason": "x"})
    assert response.status_code == 403
    assert response.json()["code"] == "recognition_not_provincial_admin"
    response = api(
        user,
        "post",
        "/recognition/misconduct",
        {"organisation_id": notice.unit_id, "period_start": "2026-01-01", "period_end": "2026-12-31", "reason": "x"},
    )
    assert response.status_code == 403
    assert Recognition.objects.count() == 1
    assert MisconductRecord.objects.count() == 1


def test_api_a_wrong_department_cannot_recommend(world, other_department_staff, monkeypatch):
    draft = world["draft"]
    # the department sees nothing else of the unit, but is told the rule it breaks
    response = api(other_department_staff, "post", f"/recognition/applications/{draft.pk}/recommend", {"opinion": "推荐"})
    assert response.status_code == 403
    assert response.json()["code"] == "recognition_not_superior_department"
    page = client_for(other_department_staff).post(f"/recognition/applications/{draft.pk}/recommend/", {"opinion": "推荐"})
    assert page.status_code == 403
    draft.refresh_from_db()
    assert draft.status == ApplicationStatus.DRAFT


def test_api_walks_the_workflow(world, owner, reviewer):
    withdraw_on_appeal(world["record"], owner, reviewer)
    response = api(owner, "post", f"/recognition/applications/{world['draft'].pk}/recommend", {"opinion": "同意"})
    assert response.status_code == 200
    assert response.json()["status"] == "recommended"
    response = api(reviewer, "post", f"/recognition/applications/{world['draft'].pk}/select", {"key_technology_confirmed": True})
    assert response.json()["status"] == "public_notice"
    response = api(reviewer, "post", f"/recognition/applications/{world['draft'].pk}/recognise", {})
    assert response.status_code == 409
    assert response.json()["code"] == "recognition_notice_running"
    assert RecognitionApplication.objects.get(pk=world["draft"].pk).status == ApplicationStatus.PUBLIC_NOTICE


def test_an_eligible_achievement_waits_on_the_units_workspace_and_list_until_it_applies(world, owner, outsider, reviewer):
    from usefirst.recognition.models import EligibilityNotice

    eligible = make_achievement(world["achievement"].owner, title="可申请认定的成果")
    EligibilityNotice.objects.create(achievement=eligible, year=services.batch_year(), amount=Decimal("600000.00"))
    # an achievement with an open application is not offered again, although it was noticed too
    EligibilityNotice.objects.create(achievement=world["achievement"], year=services.batch_year(), amount=Decimal("600000.00"))
    owner_client = client_for(owner)

    workspace = owner_client.get("/accounts/workspace/").content.decode()
    assert '<span class="todo-count">1</span>' in workspace.split("可申请认定的成果")[0].rsplit("<li", 1)[-1]
    listing = owner_client.get("/recognition/applications/").content.decode()
    assert f'href="/recognition/apply/{eligible.pk}/"' in listing
    assert f'href="/recognition/apply/{world["achievement"].pk}/"' not in listing
    for other in (outsider, reviewer):
        assert f"/recognition/apply/{eligible.pk}/" not in client_for(other).get("/recognition/applications/").content.decode()

    # (the unit's misconduct record in `world` would refuse the page's draft: written directly here)
    RecognitionApplication.objects.create(achievement=eligible, unit=eligible.owner, year=services.batch_year(), mode="pay_later")
    assert f"/recognition/apply/{eligible.pk}/" not in owner_client.get("/recognition/applications/").content.decode()


def test_an_achievement_not_recognised_this_year_is_not_offered_again_until_the_next_batch(world, owner, reviewer):
    from usefirst.recognition.models import EligibilityNotice

    rejected = make_achievement(world["achievement"].owner, title="本年度未予认定的成果")
    year = services.batch_year()
    EligibilityNotice.objects.create(achievement=rejected, year=year, amount=Decimal("600000.00"))
    RecognitionApplication.objects.create(
        achievement=rejected, unit=rejected.owner, year=year, mode="pay_later", status=ApplicationStatus.REJECTED
    )
    assert f"/recognition/apply/{rejected.pk}/" not in client_for(owner).get("/recognition/applications/").content.decode()
    EligibilityNotice.objects.create(achievement=rejected, year=year + 1, amount=Decimal("600000.00"))
    from usefirst.recognition import selectors

    assert [n.achievement for n in selectors.eligible_to_apply(owner, year=year + 1)] == [rejected]


def test_the_provincial_queue_shows_the_days_a_recommended_application_has_waited(unit_with_superior, owner, reviewer):
    from zoneinfo import ZoneInfo

    import time_machine

    shanghai = ZoneInfo("Asia/Shanghai")
    with time_machine.travel(dt.datetime(2026, 12, 1, 23, 30, tzinfo=shanghai), tick=False):
        application = services.application_create(
            actor=owner, achievement=make_achievement(unit_with_superior, title="等待省级审核")
        )
        services.application_recommend(actor=owner, application=application, opinion="同意推荐")
    with time_machine.travel(dt.datetime(2026, 12, 4, 8, 0, tzinfo=shanghai), tick=False):
        page = client_for(reviewer).get("/recognition/applications/?year=2026&status=recommended").content.decode()
    row = page.rsplit("等待省级审核</a>", 1)[1].split("</tr>", 1)[0]  # the queue, below the ranking
    assert "<td>3 天</td>" in row  # 1 December (Shanghai) to 4 December, although 23:30 is 15:30 UTC
