import io
import json
from urllib.parse import quote

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from usefirst.catalog.models import Achievement
from usefirst.plan_projects.models import PlanProject
from usefirst.plan_projects.services import plan_projects_import

from .builders import achievement_file, achievement_row, list_inventor, macro_workbook, plan_project_file, plan_project_row

pytestmark = pytest.mark.django_db
PROBLEM = "application/problem+json"


def problem_of(response):
    assert response["Content-Type"].startswith(PROBLEM), response["Content-Type"]
    return json.loads(response.content)


@pytest.fixture
def projects(provincial_reviewer, unit):
    rows = [
        plan_project_row("2021B0101010001", unit_credit_code=unit.credit_code),
        plan_project_row("2020B0101020002", category="其他类", acceptance_date="2020-06-30"),
    ]
    return plan_projects_import(actor=provincial_reviewer, file=plan_project_file(rows))


# ---------------------------------------------------------------- pages


def test_the_plan_project_list_filters_and_paginates_for_departments(client, provincial_reviewer, projects):
    client.force_login(provincial_reviewer)
    page = client.get(reverse("plan_projects:list"))
    assert page.status_code == 200
    assert "2021B0101010001" in page.content.decode()
    filtered = client.get(reverse("plan_projects:list"), {"category": "other", "year": "2020"}).content.decode()
    assert "2020B0101020002" in filtered
    assert "2021B0101010001" not in filtered
    bad = client.get(reverse("plan_projects:list"), {"category": "nonsense"}).content.decode()
    assert "取值无效" in bad
    past = client.get(reverse("plan_projects:list"), {"page": "9"}).content.decode()
    assert "页码超出范围" in past


def test_the_plan_project_list_is_for_departments_only(client, owner, outsider):
    for user in (owner, outsider):
        client.force_login(user)
        assert client.get(reverse("plan_projects:list")).status_code == 403


def test_anonymous_visitors_are_sent_to_the_login_page(client):
    for name in ("plan_projects:list", "plan_projects:import", "plan_projects:achievement_import", "plan_projects:batches"):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert reverse("accounts:login") in response["Location"]


def test_the_export_is_an_xlsx_with_a_chinese_file_name(client, provincial_reviewer, projects):
    client.force_login(provincial_reviewer)
    response = client.get(reverse("plan_projects:export"), {"category": "key_technology"})
    assert response.status_code == 200
    assert quote("省级科技计划项目") in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "项目编号"
    assert [r[0] for r in rows[1:]] == ["2021B0101010001"]


def test_the_batch_list_and_its_export(client, provincial_reviewer, projects):
    client.force_login(provincial_reviewer)
    assert projects.file_sha256[:8] in client.get(reverse("plan_projects:batches")).content.decode()
    response = client.get(reverse("plan_projects:batch_export"))
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[1][7] == projects.file_sha256


def test_the_templates_download_with_an_instructions_sheet(client, provincial_reviewer, owner):
    client.force_login(provincial_reviewer)
    book = load_workbook(io.BytesIO(client.get(reverse("plan_projects:template")).content))
    assert book.sheetnames[:2] == ["省级科技计划项目", "填写说明"]
    client.force_login(owner)
    book = load_workbook(io.BytesIO(client.get(reverse("plan_projects:achievement_template")).content))
    assert "技术领域代码" in book.sheetnames
    assert next(book["科技成果"].iter_rows(values_only=True))[0] == "成果名称*"


def test_the_import_page_shows_the_row_level_error_table(client, provincial_reviewer):
    client.force_login(provincial_reviewer)
    upload = plan_project_file([plan_project_row("A1"), plan_project_row("A2", leader_name="")])
    response = client.post(reverse("plan_projects:import"), {"file": upload})
    html = response.content.decode()
    assert response.status_code == 422
    assert "第 3 行" in html
    assert "项目负责人" in html
    assert PlanProject.objects.count() == 0


def test_the_import_page_refuses_a_macro_file_in_chinese(client, provincial_reviewer):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(provincial_reviewer)
    response = client.post(reverse("plan_projects:import"), {"file": SimpleUploadedFile("a.xlsx", macro_workbook())})
    assert "含宏" in response.content.decode() or "包含宏" in response.content.decode()


def test_a_good_upload_on_the_page_imports_and_goes_to_the_batches(client, provincial_reviewer):
    client.force_login(provincial_reviewer)
    response = client.post(reverse("plan_projects:import"), {"file": plan_project_file([plan_project_row("A1")])})
    assert response.status_code == 302
    assert PlanProject.objects.filter(number="A1").exists()


def test_enterprises_cannot_open_the_plan_project_import(client, outsider):
    client.force_login(outsider)
    assert client.get(reverse("plan_projects:import")).status_code == 403
    assert client.post(reverse("plan_projects:import"), {"file": plan_project_file([plan_project_row()])}).status_code == 403


def test_the_achievement_import_page_imports_drafts(client, owner, unit):
    list_inventor(unit, "张三", owner)
    list_inventor(unit, "李四", owner)
    client.force_login(owner)
    assert client.get(reverse("plan_projects:achievement_import")).status_code == 200
    response = client.post(
        reverse("plan_projects:achievement_import"), {"file": achievement_file([achievement_row()]), "organisation": unit.pk}
    )
    assert response.status_code == 302
    assert Achievement.objects.filter(owner=unit).count() == 1


def test_the_achievement_import_page_refuses_another_units_name(client, outsider, unit):
    client.force_login(outsider)
    response = client.post(
        reverse("plan_projects:achievement_import"), {"file": achievement_file([achievement_row()]), "organisation": unit.pk}
    )
    assert response.status_code == 403


# ---------------------------------------------------------------- API


def test_api_lists_plan_projects_for_departments(client, provincial_reviewer, projects):
    client.force_login(provincial_reviewer)
    body = client.get("/api/v1/plan-projects", {"category": "key_technology"}).json()
    assert body["count"] == 1
    assert body["items"][0]["number"] == "2021B0101010001"
    assert body["items"][0]["category_label"] == "科研攻关类"


def test_api_plan_projects_refuse_anonymous_and_non_departments(client, outsider):
    assert problem_of(client.get("/api/v1/plan-projects"))["code"] == "unauthenticated"
    client.force_login(outsider)
    response = client.get("/api/v1/plan-projects")
    assert response.status_code == 403
    assert problem_of(response)["code"] == "forbidden"


def test_api_imports_plan_projects(client, provincial_reviewer):
    client.force_login(provincial_reviewer)
    client.handler.enforce_csrf_checks = False
    response = client.post("/api/v1/plan-projects/import", {"file": plan_project_file([plan_project_row("A1")])})
    assert response.status_code == 201, response.content
    assert response.json()["created_count"] == 1


def test_api_enterprises_cannot_import_plan_projects(client, outsider):
    client.force_login(outsider)
    response = client.post("/api/v1/plan-projects/import", {"file": plan_project_file([plan_project_row("A1")])})
    assert response.status_code == 403
    assert problem_of(response)["detail"].startswith("只有")


def test_api_achievement_import_reports_bad_rows_as_problem_json(client, owner, unit):
    list_inventor(unit, "张三", owner)
    list_inventor(unit, "李四", owner)
    client.force_login(owner)
    upload = achievement_file([achievement_row(), achievement_row(patents="202310123456.5")])
    response = client.post("/api/v1/imports/achievements", {"file": upload})
    assert response.status_code == 422
    problem = problem_of(response)
    assert problem["code"] == "import_rows_invalid"
    assert problem["errors"] == [{"row": 3, "column": "专利申请号", "message": problem["errors"][0]["message"]}]
    assert "校验位" in problem["errors"][0]["message"]
    assert Achievement.objects.count() == 0
    good = client.post("/api/v1/imports/achievements", {"file": achievement_file([achievement_row()])})
    assert good.status_code == 201, good.content
    assert len(good.json()["achievement_ids"]) == 1


def test_api_achievement_import_refuses_anonymous_and_outsiders(client, outsider, unit):
    response = client.post("/api/v1/imports/achievements", {"file": achievement_file([achievement_row()])})
    assert response.status_code == 401
    client.force_login(outsider)
    response = client.post(
        "/api/v1/imports/achievements", {"file": achievement_file([achievement_row()]), "organisation": unit.pk}
    )
    assert response.status_code == 403


def test_api_refuses_a_csv_renamed_xlsx_in_chinese(client, owner):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(owner)
    response = client.post(
        "/api/v1/imports/achievements", {"file": SimpleUploadedFile("成果.xlsx", "成果名称,成果简介\n甲,乙\n".encode())}
    )
    assert response.status_code == 400
    problem = problem_of(response)
    assert problem["code"] == "file_not_xlsx"
    assert "CSV" in problem["detail"]


def test_a_large_file_is_queued_and_its_progress_page_and_api_status_follow_it(
    client, owner, unit, django_capture_on_commit_callbacks, monkeypatch
):
    from usefirst.plan_projects.imports import achievements

    monkeypatch.setattr(achievements, "SYNC_MAX_ROWS", 1)
    list_inventor(unit, "张三", owner)
    list_inventor(unit, "李四", owner)
    client.force_login(owner)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post("/api/v1/imports/achievements", {"file": achievement_file([achievement_row(), achievement_row()])})
    assert response.status_code == 202, response.content
    batch_id = response.json()["id"]
    status = client.get(f"/api/v1/imports/batches/{batch_id}").json()
    assert (status["outcome"], status["progress_percent"]) == ("queued", 0)
    page = client.get(reverse("plan_projects:batch_detail", args=[batch_id])).content.decode()
    assert "排队中" in page
    assert 'http-equiv="refresh"' in page
    with django_capture_on_commit_callbacks(execute=True):
        for callback in callbacks:
            callback()
    status = client.get(f"/api/v1/imports/batches/{batch_id}").json()
    assert (status["outcome"], status["created_count"], status["progress_percent"]) == ("imported", 2, 100)
    page = client.get(reverse("plan_projects:batch_detail", args=[batch_id])).content.decode()
    assert "已导入" in page
    assert 'http-equiv="refresh"' not in page


def test_another_organisations_batch_is_not_found(client, owner, outsider, unit):
    list_inventor(unit, "张三", owner)
    list_inventor(unit, "李四", owner)
    client.force_login(owner)
    batch_id = client.post("/api/v1/imports/achievements", {"file": achievement_file([achievement_row()])}).json()["id"]
    client.force_login(outsider)
    assert client.get(reverse("plan_projects:batch_detail", args=[batch_id])).status_code == 404
    assert problem_of(client.get(f"/api/v1/imports/batches/{batch_id}"))["code"] == "not_found"
