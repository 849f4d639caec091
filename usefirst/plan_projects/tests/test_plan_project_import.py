import datetime as dt

import pytest

from usefirst.accounts.models import OrganisationKind
from usefirst.catalog.choices import ProjectCategory
from usefirst.core.dates import today
from usefirst.core.errors import Forbidden
from usefirst.core.excel import ImportRowsInvalid
from usefirst.core.testing import make_org
from usefirst.plan_projects.models import ImportBatch, ImportOutcome, PlanProject
from usefirst.plan_projects.services import plan_projects_import

from .builders import plan_project_file, plan_project_row

pytestmark = pytest.mark.django_db


def test_a_good_file_imports_every_project_and_records_the_batch(provincial_reviewer, unit):
    rows = [plan_project_row("2021B0101010001", unit_credit_code=unit.credit_code), plan_project_row("2022A1515011234")]
    batch = plan_projects_import(actor=provincial_reviewer, file=plan_project_file(rows))
    assert (batch.outcome, batch.row_count, batch.created_count, batch.updated_count) == (ImportOutcome.IMPORTED, 2, 2, 0)
    assert len(batch.file_sha256) == 64
    project = PlanProject.objects.get(number="2021B0101010001")
    assert project.unit == unit
    assert project.city == unit.city
    assert project.category == ProjectCategory.KEY_TECHNOLOGY
    assert project.acceptance_date == dt.date(2023, 11, 25)
    assert project.provincial_funding is True
    assert project.first_batch == batch


def test_re_import_updates_a_project_instead_of_duplicating_it(provincial_reviewer):
    plan_projects_import(actor=provincial_reviewer, file=plan_project_file([plan_project_row("2021B0101010001")]))
    again = plan_project_row("2021B0101010001", title="项目名称已更正", acceptance_date="2024-01-10")
    batch = plan_projects_import(actor=provincial_reviewer, file=plan_project_file([again, plan_project_row("2021B0101010002")]))
    assert PlanProject.objects.filter(number="2021B0101010001").count() == 1
    project = PlanProject.objects.get(number="2021B0101010001")
    assert project.title == "项目名称已更正"
    assert project.acceptance_date == dt.date(2024, 1, 10)
    assert project.last_batch == batch
    assert project.first_batch != batch
    assert (batch.created_count, batch.updated_count) == (1, 1)
    assert batch.detail["updated"][0]["number"] == "2021B0101010001"


def test_an_acceptance_date_after_today_is_refused_because_rule_4_counts_from_it(provincial_reviewer):
    tomorrow = (today() + dt.timedelta(days=1)).isoformat()
    rows = [
        plan_project_row("2021B0101010001", acceptance_date=today().isoformat()),
        plan_project_row("F2", acceptance_date=tomorrow),
    ]
    with pytest.raises(ImportRowsInvalid) as exc:
        plan_projects_import(actor=provincial_reviewer, file=plan_project_file(rows))
    assert [(e.row, e.column) for e in exc.value.row_errors] == [(3, "验收日期")]
    assert exc.value.row_errors[0].message == f"验收日期 {tomorrow} 晚于今天；尚未验收的项目请留空"
    assert PlanProject.objects.count() == 0


def test_one_bad_row_imports_nothing_and_reports_that_row_and_column(provincial_reviewer):
    rows = [plan_project_row("2021B0101010001"), plan_project_row("2021B0101010002", category="重大专项"), plan_project_row("X3")]
    with pytest.raises(ImportRowsInvalid) as exc:
        plan_projects_import(actor=provincial_reviewer, file=plan_project_file(rows))
    assert [(e.row, e.column) for e in exc.value.row_errors] == [(3, "项目类别")]
    assert "科研攻关类" in exc.value.row_errors[0].message
    assert exc.value.status == 422
    assert PlanProject.objects.count() == 0
    refused = ImportBatch.objects.get()
    assert (refused.outcome, refused.error_count) == (ImportOutcome.REFUSED, 1)


def test_it_reports_a_bad_credit_code_a_bad_date_and_a_repeated_number(provincial_reviewer):
    rows = [
        plan_project_row("A1", unit_credit_code="91440101MA5C12345X"),
        plan_project_row("A2", acceptance_date="2023-02-30"),
        plan_project_row("A2"),
        plan_project_row("A4", provincial_funding=""),
    ]
    with pytest.raises(ImportRowsInvalid) as exc:
        plan_projects_import(actor=provincial_reviewer, file=plan_project_file(rows))
    found = {(e.row, e.column) for e in exc.value.row_errors}
    assert found == {(2, "承担单位统一社会信用代码"), (3, "验收日期"), (4, "项目编号"), (5, "省级财政科技资金支持")}


def test_a_city_department_imports_only_projects_of_its_citys_units(city_officer, unit):
    other_city_unit = make_org(OrganisationKind.UNIVERSITY, city="汕头市", county="金平区")
    rows = [
        plan_project_row("C1", unit_credit_code=unit.credit_code),
        plan_project_row("C2", unit_credit_code=other_city_unit.credit_code),
    ]
    with pytest.raises(ImportRowsInvalid) as exc:
        plan_projects_import(actor=city_officer, file=plan_project_file(rows))
    assert [(e.row, e.column) for e in exc.value.row_errors] == [(3, "承担单位统一社会信用代码")]
    batch = plan_projects_import(actor=city_officer, file=plan_project_file(rows[:1]))
    assert batch.created_count == 1


def test_enterprises_and_units_cannot_import_plan_projects(outsider, owner):
    for actor in (outsider, owner):
        with pytest.raises(Forbidden):
            plan_projects_import(actor=actor, file=plan_project_file([plan_project_row()]))
    assert PlanProject.objects.count() == 0
