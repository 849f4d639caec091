import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from usefirst.core.excel import UploadRefused
from usefirst.plan_projects.models import PlanProject
from usefirst.plan_projects.selectors import auto_inclusion_due, counts_as_established, plan_project_by_number
from usefirst.plan_projects.services import plan_projects_import

from .builders import plan_project_file, plan_project_row

pytestmark = pytest.mark.django_db


def test_auto_inclusion_is_due_the_day_after_three_years_from_acceptance(provincial_reviewer):
    rows = [
        plan_project_row("K1", acceptance_date="2023-11-25"),
        plan_project_row("K2", acceptance_date="2023-11-25", category="其他类"),
        plan_project_row("K3", acceptance_date="2023-11-25", provincial_funding="否"),
        plan_project_row("K4", acceptance_date=""),
    ]
    plan_projects_import(actor=provincial_reviewer, file=plan_project_file(rows))
    assert auto_inclusion_due(on=dt.date(2026, 11, 25)) == []
    assert [p.number for p in auto_inclusion_due(on=dt.date(2026, 11, 26))] == ["K1"]


def test_research_funding_only_counts_as_established_only_when_the_setting_says_so(provincial_reviewer):
    plan_projects_import(
        actor=provincial_reviewer,
        file=plan_project_file([plan_project_row("R1", research_funding_only="是"), plan_project_row("R2")]),
    )
    assert counts_as_established(plan_project_by_number(" r1 ")) is False
    assert counts_as_established(plan_project_by_number("R2")) is True
    assert plan_project_by_number("nope") is None


def test_a_file_over_5_mb_is_refused_in_chinese_before_it_is_read(provincial_reviewer):
    big = SimpleUploadedFile("项目.xlsx", b"PK\x03\x04" + b"0" * (5 * 1024 * 1024 + 1))
    with pytest.raises(UploadRefused) as exc:
        plan_projects_import(actor=provincial_reviewer, file=big)
    assert exc.value.code == "file_too_large"
    assert "不能超过 5 MB" in exc.value.detail
    assert PlanProject.objects.count() == 0


def test_the_openapi_schema_lists_the_import_endpoints(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert {"/api/v1/plan-projects", "/api/v1/plan-projects/import", "/api/v1/imports/achievements"} <= set(paths)
