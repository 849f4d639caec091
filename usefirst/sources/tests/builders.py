"""Builders for recommendation tests: rows, a signed letter, an Excel file."""

from __future__ import annotations

import io
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from usefirst.sources.services import COLUMNS, RowInput


def patent(serial: int) -> str:
    """A valid Chinese patent application number (with its check character), ZL-prefixed as people write it."""
    from usefirst.core.identifiers import patent_check_char

    digits = f"2022100{serial:05d}"
    return f"ZL{digits}.{patent_check_char(digits)}"


PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


def letter(name: str = "推荐函.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def row(position: int = 1, **values: Any) -> RowInput:
    base: dict[str, Any] = {
        "title": "一种海水淡化膜材料",
        "owner_name": "华南测试大学",
        "outside": "否",
        "ip_kind": "发明专利",
        "ip_number": patent(1),
        "field": "0101",
        "maturity": "中试",
        "summary": "高通量低能耗的反渗透膜。",
        "scenario": "沿海工业园区的海水淡化与中水回用。",
        "consent": "是",
    }
    base.update(values)
    return RowInput(position=position, **base)


def workbook(rows: list[dict[str, Any]]) -> SimpleUploadedFile:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    headers = list(COLUMNS)
    sheet.append(headers)
    for values in rows:
        sheet.append([values.get(COLUMNS[h], "") for h in headers])
    data = io.BytesIO()
    book.save(data)
    return SimpleUploadedFile(
        "推荐.xlsx", data.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
