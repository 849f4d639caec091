"""Excel in and out: one form, many units' forms (row-level errors, all-or-nothing), the export of a
submission and the roll-up."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from usefirst.core.errors import DomainError
from usefirst.core.excel import ImportRowsInvalid
from usefirst.reporting import selectors, services
from usefirst.reporting.fields import fields_of
from usefirst.reporting.models import AnnualReport

pytestmark = pytest.mark.django_db


def xlsx(rows: list[list[object]], name: str = "填报.xlsx") -> SimpleUploadedFile:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


HEADER = ["字段编号", "项目", "单位", "填报值"]


def test_the_forms_template_imports_back_unchanged_and_a_filled_one_saves_every_value(report, owner):
    template = load_workbook(io.BytesIO(selectors.form_template(report)))
    assert [c.value for c in template.active[1]] == HEADER
    rows = [HEADER, ["transfer_count", "转让合同", "项", 4], ["transfer_amount", "转让合同金额", "万元", "120.5"]]
    updated = services.report_import(actor=owner, report=report, upload=xlsx(rows))
    assert updated.values["transfer_count"] == "4" and updated.values["transfer_amount"] == "120.5"
    assert updated.events.filter(event_type="import").count() == 1


def test_a_form_with_a_missing_column_is_refused_naming_it(report, owner):
    with pytest.raises(DomainError) as exc:
        services.report_import(
            actor=owner, report=report, upload=xlsx([["字段编号", "项目", "填报值"], ["transfer_count", "", 4]])
        )
    assert exc.value.code == "file_headers" and "单位" in exc.value.detail


def test_wrong_rows_are_reported_by_row_and_nothing_is_saved(report, owner):
    rows = [
        HEADER,
        ["transfer_count", "转让合同", "项", 4],  # good, but not saved: another row is wrong
        ["transfer_amount", "转让合同金额", "元", 1200000],  # the template says 万元
        ["received_amount", "当年实际到账金额", "元", -3],
        ["no_such_field", "", "", 1],
    ]
    with pytest.raises(ImportRowsInvalid) as exc:
        services.report_import(actor=owner, report=report, upload=xlsx(rows))
    problem = exc.value.as_problem()
    assert problem["code"] == "import_rows_invalid"
    assert [(e["row"], e["column"]) for e in problem["errors"]] == [(3, "填报值"), (4, "填报值"), (5, "字段编号")]
    assert "应以万元为单位" in problem["errors"][0]["message"]
    assert "不能为负数" in problem["errors"][1]["message"]
    report.refresh_from_db()
    assert report.values["transfer_count"] == "0"


def _batch_rows(unit, **values: object) -> list[list[object]]:
    specs = fields_of("unit")
    header = ["统一社会信用代码", "单位名称", *(s.heading for s in specs)]
    return [header, [unit.credit_code, unit.name, *(values.get(s.key, "") for s in specs)]]


def test_a_department_imports_many_units_forms(window, provincial_reviewer, unit):
    rows = _batch_rows(unit, work_summary="开展了成果转化工作。", transfer_count=2)
    done = services.reports_import_batch(actor=provincial_reviewer, year=2025, upload=xlsx(rows))
    assert [r.organisation for r in done] == [unit]
    assert done[0].values["transfer_count"] == "2" and done[0].status == "draft"


def test_one_wrong_row_of_many_imports_none(window, provincial_reviewer, unit, enterprise):
    from usefirst.accounts.models import OrganisationKind
    from usefirst.core.testing import make_org

    other = make_org(OrganisationKind.RESEARCH_INSTITUTE, name="测试研究院")
    other.reviewing_department = unit.reviewing_department
    other.save()
    rows = _batch_rows(unit, transfer_count=2)
    rows.append(_batch_rows(other, transfer_amount="-1")[1])
    rows.append(_batch_rows(enterprise, transfer_count=1)[1])
    with pytest.raises(ImportRowsInvalid) as exc:
        services.reports_import_batch(actor=provincial_reviewer, year=2025, upload=xlsx(rows))
    assert {e.row for e in exc.value.row_errors} == {3, 4}
    assert not AnnualReport.objects.exists()


def test_a_batch_import_never_overwrites_a_submitted_report(ready, owner, provincial_reviewer, unit):
    services.report_submit(actor=owner, report=ready)
    with pytest.raises(ImportRowsInvalid) as exc:
        services.reports_import_batch(actor=provincial_reviewer, year=2025, upload=xlsx(_batch_rows(unit, transfer_count=9)))
    assert "不能覆盖" in exc.value.row_errors[0].message


def test_a_batch_with_a_missing_column_is_refused(window, provincial_reviewer, unit):
    rows = _batch_rows(unit)
    rows[0] = rows[0][:-1]
    with pytest.raises(DomainError) as exc:
        services.reports_import_batch(actor=provincial_reviewer, year=2025, upload=xlsx([rows[0]]))
    assert exc.value.code == "file_headers"


def test_the_export_shows_each_figure_beside_the_platforms_and_the_annex_lists(ready, owner):
    book = load_workbook(io.BytesIO(selectors.report_workbook(ready)))
    assert book.sheetnames == ["年度数据", "科技成果转化清单", "典型科技成果清单", "技术开发、咨询、服务项目清单"]
    sheet = book["年度数据"]
    assert [c.value for c in sheet[1]] == list(selectors.FIGURE_HEADERS)
    keys = [row[1].value for row in sheet.iter_rows(min_row=2)]
    assert keys == [s.key for s in fields_of("unit")]


def test_the_rollup_totals_the_reports_the_province_countersigned(ready, owner, provincial_reviewer):
    services.report_update(actor=owner, report=ready, values={"transfer_count": "3"})
    services.report_submit(actor=owner, report=ready)
    assert selectors.rollup(provincial_reviewer, year=2025).totals["transfer_count"] == 0  # submitted: not counted
    services.report_accept(actor=provincial_reviewer, report=ready)
    data = selectors.rollup(provincial_reviewer, year=2025)
    assert data.totals["transfer_count"] == 3
    book = load_workbook(io.BytesIO(selectors.rollup_workbook(provincial_reviewer, year=2025)))
    assert book.sheetnames == ["单位年度报告汇总", "地市年度报告汇总"]
    last = list(book["单位年度报告汇总"].iter_rows(values_only=True))[-1]
    assert last[0] == "合计"
