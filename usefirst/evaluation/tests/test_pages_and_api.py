"""The pages and endpoints as each person meets them: the 专业机构 builds the scheme, an agency sees
its own breakdown and rank (and nobody else's), the public sees the excellent list, and the API
answers refusals as coded problem+json."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine

from usefirst.accounts.models import Membership
from usefirst.core.testing import make_user
from usefirst.evaluation import services
from usefirst.evaluation.choices import EvaluationStatus
from usefirst.evaluation.models import Evaluation
from usefirst.evaluation.services import IndicatorData, SchemeData

from .builders import agency, institution_user, signed_contract

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def evaluator(db):
    return institution_user()


@pytest.fixture
def published(evaluator, provincial_reviewer, unit, owner, enterprise):
    """A 2026 agency evaluation, published, with two agencies."""
    top, other = agency("卓越技术转移中心"), agency("普通技术转移中心")
    with time_machine.travel(dt.datetime(2026, 5, 1, 9, tzinfo=SHANGHAI), tick=False):
        signed_contract(unit=unit, enterprise=enterprise, user=owner, facilitator=top)
    evaluation = services.evaluation_create(
        actor=evaluator,
        data=SchemeData(kind="agency", year=2026, name="2026年度服务机构评价", excellent_share=Decimal("50")),
    )
    services.indicator_add(
        actor=evaluator, evaluation=evaluation, data=IndicatorData(name="", source="agency.conversions", weight="100")
    )
    services.evaluation_compute(actor=evaluator, evaluation=evaluation)
    with time_machine.travel(dt.datetime(2026, 12, 1, 9, tzinfo=SHANGHAI), tick=False):
        services.evaluation_start_publicity(actor=provincial_reviewer, evaluation=evaluation)
    with time_machine.travel(dt.datetime(2026, 12, 9, 9, tzinfo=SHANGHAI), tick=False):
        services.evaluation_publish(actor=provincial_reviewer, evaluation=evaluation)
    return evaluation, top, other


def test_an_agency_sees_its_own_breakdown_and_rank_but_not_another_agencys(client, published):
    evaluation, top, other = published
    client.force_login(make_user(top, role=Membership.Role.ADMIN))
    mine = client.get("/evaluation/mine/")
    assert mine.status_code == 200
    result = evaluation.results.get(organisation=top)
    page = client.get(f"/evaluation/results/{result.pk}/")
    text = page.content.decode()
    assert page.status_code == 200
    assert "第 1 名（共 2 家）" in text
    assert "促成“先用后转”转化项数" in text
    assert "1.20 项" in text
    assert "优秀" in text
    someone_else = evaluation.results.get(organisation=other)
    assert client.get(f"/evaluation/results/{someone_else.pk}/").status_code == 404


def test_the_public_sees_the_published_excellent_list_with_its_year_and_scheme(client, published):
    text = client.get("/evaluation/excellent/").content.decode()
    assert "2026 年度优秀技术转移转化服务机构名单" in text
    assert "卓越技术转移中心" in text
    assert "普通技术转移中心" not in text
    assert "2026年度服务机构评价（第 1 版）" in text
    api = client.get("/api/v1/evaluation/excellent").json()
    assert api[0]["organisations"][0]["name"] == "卓越技术转移中心"


def test_the_results_export_as_excel(client, published, evaluator):
    evaluation, _, _ = published
    client.force_login(evaluator)
    response = client.get(f"/evaluation/{evaluation.pk}/export.xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")


def test_the_professional_institution_builds_a_scheme_on_the_pages(client, evaluator):
    client.force_login(evaluator)
    response = client.post(
        "/evaluation/new/",
        {
            "kind": "unit",
            "year": "2026",
            "name": "2026年度成果单位量化评价",
            "regional_multiplier": "1.20",
            "excellent_share": "20",
            "pass_score": "40",
            "objection_days": "7",
        },
    )
    evaluation = Evaluation.objects.get()
    assert response.status_code == 302
    client.post(
        f"/evaluation/{evaluation.pk}/indicators/",
        {"source": "unit.transaction_amount", "weight": "99.99", "normalisation": "min_max", "name": "", "direction": ""},
    )
    page = client.post(f"/evaluation/{evaluation.pk}/act/compute/", follow=True)
    assert "各指标权重之和须恰好为 100%" in page.content.decode()
    evaluation.refresh_from_db()
    assert evaluation.status == EvaluationStatus.DRAFT


def test_the_api_answers_a_bad_scheme_with_coded_problem_json(client, evaluator):
    client.force_login(evaluator)
    created = client.post(
        "/api/v1/evaluation/evaluations",
        {"kind": "agency", "year": 2026, "name": "API 方案"},
        content_type="application/json",
    )
    assert created.status_code == 201
    pk = created.json()["id"]
    unknown = client.post(
        f"/api/v1/evaluation/evaluations/{pk}/indicators",
        {"source": "agency.no_such_thing", "weight": "100"},
        content_type="application/json",
    )
    assert unknown.status_code == 422
    assert unknown["Content-Type"].startswith("application/problem+json")
    assert unknown.json()["code"] == "evaluation_unknown_source"
    client.post(
        f"/api/v1/evaluation/evaluations/{pk}/indicators",
        {"source": "agency.conversions", "weight": "99.99"},
        content_type="application/json",
    )
    refused = client.post(f"/api/v1/evaluation/evaluations/{pk}/compute")
    assert refused.status_code == 409
    assert refused.json()["code"] == "evaluation_weights_not_100"


def test_an_outsider_may_not_create_a_scheme(client, outsider):
    client.force_login(outsider)
    assert client.get("/evaluation/new/").status_code == 403
    response = client.post(
        "/api/v1/evaluation/evaluations", {"kind": "agency", "year": 2026, "name": "越权方案"}, content_type="application/json"
    )
    assert response.status_code == 403
    assert Evaluation.objects.count() == 0
