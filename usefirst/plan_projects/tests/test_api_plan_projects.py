"""Provincial plan projects through the open API: filters, one project, and the JSON
create-or-update that goes through the same checks, scope and import batch as the Excel file."""

from __future__ import annotations

import pytest

from usefirst.accounts.models import OrganisationKind
from usefirst.catalog.tests.factories import bearer_for
from usefirst.core.testing import make_credit_code, make_org, make_user
from usefirst.plan_projects.models import ImportBatch, ImportKind, ImportOutcome, PlanProject
from usefirst.plan_projects.services import plan_projects_import

from .builders import plan_project_file, plan_project_row

pytestmark = pytest.mark.django_db
PROBLEM = "application/problem+json"


def call(client, method, path, user, body=None):
    headers = bearer_for(user)
    if method == "get":
        return client.get(path, body or {}, headers=headers)
    return getattr(client, method)(path, body or {}, content_type="application/json", headers=headers)


def assert_problem(response, status, code):
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith(PROBLEM)
    assert response.json()["code"] == code and response.json()["detail"]
    assert response.json()["status"] == status  # the body says what the status line says
    return response.json()


def project_body(**overrides):
    body = {
        "title": "高效低成本固态电池关键材料研究",
        "category": "key_technology",
        "unit_credit_code": make_credit_code(),
        "unit_name": "华南测试大学",
        "leader_name": "张三",
        "acceptance_date": "2023-11-25",
        "provincial_funding": True,
    }
    body.update(overrides)
    return body


@pytest.fixture
def projects(provincial_reviewer, unit):
    """Three projects: the unit's accepted key project (广州), an accepted other project of an
    unregistered unit in 2020 (韶关), and an unaccepted project without provincial funding."""
    rows = [
        plan_project_row("2021B0101010001", unit_credit_code=unit.credit_code),
        plan_project_row("2020B0101020002", category="其他类", acceptance_date="2020-06-30", city="韶关市"),
        plan_project_row("2024B0101030003", acceptance_date=None, provincial_funding="否", city="韶关市"),
    ]
    return plan_projects_import(actor=provincial_reviewer, file=plan_project_file(rows))


def numbers(response):
    assert response.status_code == 200, response.content
    return sorted(item["number"] for item in response.json()["items"])


def test_the_list_filters_by_year_unit_city_and_status(client, provincial_reviewer, unit, projects):
    def listed(**query):
        return numbers(call(client, "get", "/api/v1/plan-projects", provincial_reviewer, query))

    assert listed() == ["2020B0101020002", "2021B0101010001", "2024B0101030003"]
    assert listed(year=2020) == ["2020B0101020002"]
    assert listed(unit_id=unit.pk) == ["2021B0101010001"]
    assert listed(unit=unit.credit_code) == ["2021B0101010001"]
    assert listed(city="韶关市") == ["2020B0101020002", "2024B0101030003"]
    assert listed(accepted="false") == ["2024B0101030003"]
    assert listed(registered="true") == ["2021B0101010001"]
    assert listed(provincial_funding="true", city="韶关市") == ["2020B0101020002"]
    page = call(client, "get", "/api/v1/plan-projects", provincial_reviewer, {"page_size": 2}).json()
    assert (page["count"], page["num_pages"], len(page["items"])) == (3, 2, 2)


@pytest.mark.parametrize(
    ("query", "status", "code"),
    [
        ({"category": "nonsense"}, 400, "invalid_filter"),
        ({"year": 1800}, 400, "invalid_filter"),
        ({"city": "纽约市"}, 400, "invalid_filter"),
        ({"accepted": "maybe"}, 422, "validation_failed"),
        ({"page": 9}, 404, "page_out_of_range"),
    ],
)
def test_a_bad_filter_is_a_coded_problem(client, provincial_reviewer, projects, query, status, code):
    assert_problem(call(client, "get", "/api/v1/plan-projects", provincial_reviewer, query), status, code)


def test_a_city_department_sees_only_its_city_and_opens_no_other(client, projects):
    shaoguan = make_org(OrganisationKind.CITY_DEPARTMENT, name="韶关市科学技术局", city="韶关市", county="浈江区")
    officer = make_user(shaoguan)
    assert numbers(call(client, "get", "/api/v1/plan-projects", officer)) == ["2020B0101020002", "2024B0101030003"]
    assert call(client, "get", "/api/v1/plan-projects/2020b0101020002", officer).json()["city"] == "韶关市"
    assert_problem(call(client, "get", "/api/v1/plan-projects/2021B0101010001", officer), 404, "not_found")


def test_units_and_enterprises_are_refused_as_on_the_page(client, owner, outsider, projects):
    for user in (owner, outsider):
        assert_problem(call(client, "get", "/api/v1/plan-projects/2021B0101010001", user), 403, "forbidden")
        assert_problem(call(client, "put", "/api/v1/plan-projects/X1", user, project_body()), 403, "forbidden")
    assert not PlanProject.objects.filter(number="X1").exists()


def test_the_department_creates_then_updates_a_project_each_write_a_batch(client, provincial_reviewer, unit):
    created = call(
        client, "put", "/api/v1/plan-projects/2025 b0101", provincial_reviewer, project_body(unit_credit_code=unit.credit_code)
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["number"] == "2025B0101" and body["unit_id"] == unit.pk and body["category_label"] == "科研攻关类"
    batch = ImportBatch.objects.get(pk=body["batch_id"])
    assert (batch.kind, batch.outcome, batch.created_count, batch.actor) == (
        ImportKind.PLAN_PROJECTS,
        ImportOutcome.IMPORTED,
        1,
        provincial_reviewer,
    )
    updated = call(
        client,
        "put",
        "/api/v1/plan-projects/2025B0101",
        provincial_reviewer,
        project_body(unit_credit_code=unit.credit_code, category="其他类", acceptance_date=None),
    )
    assert updated.status_code == 200, updated.content
    assert updated.json()["category"] == "other" and updated.json()["acceptance_date"] is None
    assert ImportBatch.objects.get(pk=updated.json()["batch_id"]).detail["updated"] == [
        {"number": "2025B0101", "fields": ["category", "acceptance_date"]}
    ]
    assert PlanProject.objects.count() == 1


def test_bad_project_data_names_the_fields_and_nothing_is_written(client, provincial_reviewer):
    response = call(
        client,
        "put",
        "/api/v1/plan-projects/2025B0102",
        provincial_reviewer,
        project_body(unit_credit_code="91440000XXXXXXXXXX", category="重大专项", city="纽约市"),
    )
    problem = assert_problem(response, 400, "validation_failed")
    assert set(problem["errors"]) == {"unit_credit_code", "category", "city"}
    assert not PlanProject.objects.exists()
    assert ImportBatch.objects.get().outcome == ImportOutcome.REFUSED  # the refused write is on record


def test_a_city_department_may_not_write_another_citys_unit(client, city_officer, unit):
    shaoguan_unit = make_org(OrganisationKind.UNIVERSITY, city="韶关市", county="浈江区")
    refused = call(
        client, "put", "/api/v1/plan-projects/2025B0103", city_officer, project_body(unit_credit_code=shaoguan_unit.credit_code)
    )
    assert "unit_credit_code" in assert_problem(refused, 400, "validation_failed")["errors"]
    allowed = call(
        client, "put", "/api/v1/plan-projects/2025B0103", city_officer, project_body(unit_credit_code=unit.credit_code)
    )
    assert allowed.status_code == 201, allowed.content


def test_the_schema_lists_the_plan_project_paths(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert "科研攻关类" in str(paths["/api/v1/plan-projects"]["get"]["parameters"])
    for method in ("get", "put"):
        summary = paths["/api/v1/plan-projects/{number}"][method]["summary"]
        assert any("\u4e00" <= ch <= "\u9fff" for ch in summary)
