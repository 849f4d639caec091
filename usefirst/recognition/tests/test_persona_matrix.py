"""Every recognition page, action and API operation for each persona: the applicant unit (its
admin and staff), its superior department, the city department of its city, the provincial
department's reviewers and administrators, an enterprise that licensed the achievement, an
outsider and an anonymous visitor.

Rules (usefirst.recognition.policies): the unit drafts; the unit or its superior department
recommends; only the provincial department selects, rejects, recognises and revokes, and only
its administrators raise the yearly quota. The city department has no part in recognition:
an application does not exist for it. The public sees the list, the notices and statistics.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from usefirst.recognition import services, sources
from usefirst.tests.factories import AchievementFactory, ContractFactory
from usefirst.tests.matrix import (
    DENIED,
    DONE,
    HIDDEN,
    LOGIN,
    OK,
    PARTY_PERSONAS,
    Row,
    differences,
    expect,
    parties,
)

from .builders import in_notice_ended

pytestmark = pytest.mark.django_db

UNIT = ("licensor_admin", "licensor_staff")
PROVINCIAL = ("provincial_staff", "provincial_admin")


def who(default, **by_persona):
    return expect(default, **by_persona)


# An application: the unit, its superior department and the province see it; no one else.
SEES = who(HIDDEN, anonymous=LOGIN, licensor_admin=OK, licensor_staff=OK, department=OK, provincial_staff=OK, provincial_admin=OK)


def sees(**overrides):
    return {**SEES, **overrides}


def provincial_only(success, **overrides):
    """A provincial decision: refused with a reason to those who see the application."""
    return sees(**dict.fromkeys((*UNIT, "department"), DENIED), provincial_staff=success, provincial_admin=success, **overrides)


ROWS = [
    # ---------------------------------------------------------------- public pages
    Row("public list", "get", lambda w: "/recognition/", who(OK)),
    Row("public notices", "get", lambda w: "/recognition/notices/", who(OK)),
    Row("statistics", "get", lambda w: "/recognition/statistics/?year=2026", who(OK)),
    Row("notice pdf", "get", lambda w: f"/recognition/{w['recognition'].pk}/notice.pdf", who(OK)),
    # ---------------------------------------------------------------- pages
    Row("applications", "get", lambda w: "/recognition/applications/", who(OK, anonymous=LOGIN)),
    Row(
        "apply",
        "get",
        lambda w: f"/recognition/apply/{w['eligible'].pk}/",
        # the achievement is published, so everyone sees it; only its unit applies
        who(DENIED, anonymous=LOGIN, licensor_admin=OK, licensor_staff=OK),
    ),
    Row("application (draft)", "get", lambda w: f"/recognition/applications/{w['draft'].pk}/", sees()),
    Row("application (in notice)", "get", lambda w: f"/recognition/applications/{w['notice'].pk}/", sees()),
    Row("quota", "get", lambda w: "/recognition/quota/", who(DENIED, anonymous=LOGIN, provincial_staff=OK, provincial_admin=OK)),
    # ---------------------------------------------------------------- actions
    Row(
        "recommend",
        "post",
        lambda w: f"/recognition/applications/{w['draft'].pk}/recommend/",
        # the unit and its superior department recommend; the province reviews instead; another
        # department is told the rule (not the superior department) rather than "not found"
        sees(
            licensor_admin=DONE,
            licensor_staff=DONE,
            department=DONE,
            city=DENIED,
            provincial_staff=DENIED,
            provincial_admin=DENIED,
        ),
        data={"opinion": "同意推荐"},
    ),
    Row(
        "select for notice",
        "post",
        lambda w: f"/recognition/applications/{w['recommended'].pk}/select/",
        provincial_only(DONE),
        data={"key_technology": "yes", "opinion": "同意"},
    ),
    Row(
        "reject",
        "post",
        lambda w: f"/recognition/applications/{w['recommended'].pk}/reject/",
        provincial_only(DONE),
        data={"reason": "转化收益证明材料不足"},
    ),
    Row(
        "recognise",
        "post",
        lambda w: f"/recognition/applications/{w['notice_over'].pk}/recognise/",
        provincial_only(DONE),
        data={"checked": "yes"},
    ),
    Row(
        "revoke",
        "post",
        lambda w: f"/recognition/applications/{w['recognition'].application_id}/revoke/",
        provincial_only(DONE),
        data={"reason": "材料造假"},
    ),
    Row(
        "object during the notice",
        "post",
        lambda w: f"/recognition/notices/{w['notice'].pk}/objections/",
        who(DONE, anonymous=LOGIN),
        data={"contact_name": "张三", "text": "该成果的完成人名单有误"},
    ),
    Row(
        "answer an objection",
        "post",
        lambda w: f"/recognition/objections/{w['objection'].pk}/answer/",
        # the objector sees the objection but may not answer it; it does not exist for others
        who(HIDDEN, anonymous=LOGIN, outsider=DENIED, provincial_staff=DONE, provincial_admin=DONE),
        data={"answer": "经核实，异议不成立"},
    ),
    # ---------------------------------------------------------------- API
    Row("api applications", "get", lambda w: "/api/v1/recognition/applications", who(OK, anonymous=LOGIN), api=True),
    Row("api application", "get", lambda w: f"/api/v1/recognition/applications/{w['draft'].pk}", sees(), api=True),
    Row(
        "api eligibility",
        "get",
        lambda w: f"/api/v1/recognition/eligibility/{w['eligible'].pk}",
        who(DENIED, anonymous=LOGIN, licensor_admin=OK, licensor_staff=OK),
        api=True,
    ),
    Row(
        "api recommend",
        "post",
        lambda w: f"/api/v1/recognition/applications/{w['draft'].pk}/recommend",
        sees(licensor_admin=OK, licensor_staff=OK, department=OK, city=DENIED, provincial_staff=DENIED, provincial_admin=DENIED),
        data={"opinion": "同意推荐"},
        api=True,
    ),
    Row(
        "api select",
        "post",
        lambda w: f"/api/v1/recognition/applications/{w['recommended'].pk}/select",
        provincial_only(OK),
        data={"key_technology_confirmed": True, "opinion": "同意"},
        api=True,
    ),
    Row(
        "api quota",
        "get",
        lambda w: "/api/v1/recognition/quota/2026",
        who(DENIED, anonymous=LOGIN, provincial_staff=OK, provincial_admin=OK),
        api=True,
    ),
    Row(
        "api raise the quota",
        "post",
        lambda w: "/api/v1/recognition/quota/2026",
        who(DENIED, anonymous=LOGIN, provincial_admin=OK),
        data={"cap": 300, "reason": "年度名额调整"},
        api=True,
    ),
]


@pytest.fixture(autouse=True)
def _funded(monkeypatch):
    """The money is not the subject here: every achievement has reached the threshold (the
    contract is real, so the mode and basis contract are the platform's own)."""
    monkeypatch.setattr(
        sources, "received_for_achievement", lambda achievement, **kw: sources.Received(amount=Decimal("600000.00"))
    )


@pytest.fixture
def world(province):
    world = parties(province, unit_city="韶关市", unit_county="浈江区")
    unit, enterprise = world["licensor"], world["licensee"]
    users = world["users"]
    owner, reviewer = users["licensor_admin"], users["provincial_staff"]

    def achievement(title):
        made = AchievementFactory(unit=unit, actor=owner, title=title)
        ContractFactory(licensor=unit, licensee=enterprise, actor=owner, achievements=[(made, "100")])
        return made

    def recommended(title):
        application = services.application_create(actor=owner, achievement=achievement(title))
        return services.application_recommend(actor=owner, application=application, opinion="同意")

    def in_notice(title):
        return services.application_select(actor=reviewer, application=recommended(title), key_technology_confirmed=True)

    world["eligible"] = achievement("尚未申请的成果")
    world["draft"] = services.application_create(actor=owner, achievement=achievement("草稿申请的成果"))
    world["recommended"] = recommended("已推荐的成果")
    world["notice"] = in_notice("公示中的成果")
    world["objection"] = services.objection_submit(
        actor=users["outsider"], application=world["notice"], contact_name="李四", text="异议"
    )
    world["notice_over"] = in_notice_ended(in_notice("公示期满的成果"))
    world["recognition"] = services.application_recognise(actor=reviewer, application=in_notice_ended(in_notice("已认定的成果")))
    return world


def test_every_persona_gets_what_the_recognition_matrix_states(world):
    found = differences(ROWS, world, PARTY_PERSONAS)
    assert not found, "\n" + "\n".join(found)
