"""Builders for import tests: generated workbooks and listed inventors."""

from __future__ import annotations

import io
import zipfile
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from usefirst.accounts.models import Organisation, Person, UnitPerson, User
from usefirst.core.excel import write_xlsx
from usefirst.core.identifiers import resident_id_check_char
from usefirst.plan_projects import sources
from usefirst.plan_projects.imports import achievements

_n = iter(range(1, 10**6))


def xlsx_upload(headers: list[str], rows: list[list[Any]], name: str = "导入.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, write_xlsx(headers, rows), content_type="application/octet-stream")


def plan_project_row(number: str = "2021B0101010001", **overrides: Any) -> list[Any]:
    from usefirst.core.testing import make_credit_code

    values = {
        "number": number,
        "title": "高效低成本固态电池关键材料研究",
        "category": "科研攻关类",
        "unit_credit_code": make_credit_code(),
        "unit_name": "华南测试大学",
        "leader_name": "张三",
        "acceptance_date": "2023-11-25",
        "provincial_funding": "是",
        "research_funding_only": "否",
        "city": "广州市",
    }
    values.update(overrides)
    return [values[key] for key in sources.COLUMNS.values()]


def plan_project_file(rows: list[list[Any]], name: str = "项目.xlsx") -> SimpleUploadedFile:
    return xlsx_upload(list(sources.COLUMNS), rows, name)


def list_inventor(unit: Organisation, name: str, recorded_by: User) -> Person:
    serial = next(_n)
    first17 = f"11010519900101{serial:03d}"[:17]
    number = first17 + resident_id_check_char(first17)
    person = Person(full_name=name)
    person.set_id_number("mainland", number)
    person.save()
    now = timezone.now()
    UnitPerson.objects.create(
        unit=unit, person=person, notice_given_at=now, consent_at=now, consent_method="书面同意书", recorded_by=recorded_by
    )
    return person


def achievement_row(**overrides: Any) -> list[Any]:
    values = {
        "title": "一种高效低成本的固态电解质",
        "summary": "本成果提出一种固态电解质及其制备方法。",
        "problem_solved": "",
        "advantages": "",
        "field": "0101",
        "discipline": "材料科学与工程",
        "keywords": "固态电池；电解质",
        "trl": 6,
        "offers_pay_later": "是",
        "offers_cooperate_later": "否",
        "offers_open_licence": "否",
        "free_use_months": 12,
        "indicative_terms": "",
        "patents": "202310123456.6",
        "inventors": "张三:60;李四:40",
        "plan_project_number": "",
        "plan_project_category": "",
        "acceptance_date": "",
        "provincial_funding": "否",
        "restriction": "不涉及",
        "owner_credit_code": "",
    }
    values.update(overrides)
    return [values[key] for key in achievements.COLUMNS.values()]


def achievement_file(rows: list[list[Any]], name: str = "成果.xlsx") -> SimpleUploadedFile:
    return xlsx_upload(list(achievements.COLUMNS), rows, name)


def macro_workbook() -> bytes:
    """An .xlsx-shaped zip whose content types declare a macro-enabled workbook."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.ms-excel.sheet.macroEnabled.main+xml"/></Types>',
        )
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/vbaProject.bin", b"\x00" * 16)
    return buffer.getvalue()
