"""The shared field rules (usefirst/core/text.py, money.py, dates.py): one rule per kind of input."""

import datetime as dt
from decimal import Decimal

import pytest

from usefirst.core.dates import parse_date
from usefirst.core.errors import DomainError
from usefirst.core.money import parse_amount
from usefirst.core.text import ReasonField, clean_reason, clean_text, clean_title

TWO_LINES = "第一行：材料不全\r\n第二行：请补充证明"


def test_a_reason_typed_on_two_lines_is_kept_on_two_lines():
    assert clean_reason(TWO_LINES) == "第一行：材料不全\n第二行：请补充证明"
    assert ReasonField().clean(TWO_LINES) == TWO_LINES


def test_an_empty_reason_is_refused_under_its_field_name_with_its_code():
    with pytest.raises(DomainError) as refused:
        clean_reason("  ", field="reasons", label="退回理由")
    assert refused.value.code == "reason_required"
    assert refused.value.field_errors == {"reasons": ["请填写退回理由"]}


@pytest.mark.parametrize("value", ["理由\x00", "理由\x1b[31m"])
def test_control_characters_are_refused_in_every_text(value):
    with pytest.raises(DomainError) as refused:
        clean_reason(value)
    assert "控制字符" in refused.value.field_errors["reason"][0]


def test_a_title_stays_on_one_line():
    assert clean_title("  成果标题 ") == "成果标题"
    with pytest.raises(DomainError) as refused:
        clean_title("成果\n标题")
    assert list(refused.value.field_errors) == ["title"]


def test_a_text_past_its_length_is_refused_with_the_count():
    with pytest.raises(DomainError) as refused:
        clean_text("字" * 201, field="payer", label="付款方", max_chars=200)
    assert "201" in refused.value.detail and list(refused.value.field_errors) == ["payer"]


def test_an_amount_is_exact_cny_two_places_and_positive():
    assert parse_amount("1,234.5") == Decimal("1234.50")
    for value, code in (("0", "amount_not_positive"), ("-1", "amount_not_positive"), ("1.005", "amount_too_precise")):
        with pytest.raises(DomainError) as refused:
            parse_amount(value)
        assert refused.value.code == code


def test_a_date_is_read_or_refused_under_its_field_name():
    assert parse_date("2026-03-02", label="到账日期") == dt.date(2026, 3, 2)
    with pytest.raises(DomainError) as refused:
        parse_date("2026-02-30", label="到账日期", field="received_on")
    assert refused.value.code == "date_invalid" and list(refused.value.field_errors) == ["received_on"]
