"""The recognition notice reads like a printed notice: Chinese line breaking (no line starts
with closing punctuation or ends with opening punctuation), long names wrapped inside the
page, the amount in the platform's one money format."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from usefirst.accounts.models import Organisation
from usefirst.catalog.models import Achievement
from usefirst.contracts.tests.pdf_reading import page_chars, page_lines, page_size, page_texts
from usefirst.core.money import format_cny
from usefirst.core.typesetting import NO_LINE_END, NO_LINE_START
from usefirst.recognition.documents import notice_pdf
from usefirst.recognition.models import Recognition


def notice(title: str, unit: str) -> bytes:
    recognition = Recognition(
        achievement=Achievement(title=title),
        unit=Organisation(name=unit),
        year=2026,
        number="RD2026-0001",
        mode=Recognition._meta.get_field("mode").choices[0][0],
        amount_received=Decimal("1234567.89"),
        recognised_at=dt.datetime(2026, 11, 30, 2, 0, tzinfo=dt.UTC),
    )
    return notice_pdf(recognition)


def test_the_notice_breaks_lines_by_the_rules_of_printed_chinese_and_keeps_long_names_on_the_page(db):
    for n in range(0, 12, 3):
        data = notice("一种" + "高效" * n + "（改进型）“低功耗”芯片，及其制备方法：【实施例】", "广东省" + "测试" * 50 + "研究院")
        lines = page_lines(data)
        assert [line for line in lines[1:] if line[0] in NO_LINE_START] == []
        assert [line for line in lines if line[-1] in NO_LINE_END] == []
        width, _ = page_size(data)
        assert all(c.left >= 0 and c.right <= width for page in page_chars(data) for c in page)
    text = "".join(page_texts(data, with_signatures=False))
    assert format_cny(Decimal("1234567.89")) in text.replace("\r\n", "")
    assert text.rstrip().endswith("广东省科学技术厅\r\n2026年11月30日")
