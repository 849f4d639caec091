"""One rule for a reason a person must state (usefirst/core/text.py)."""

import pytest

from usefirst.core.errors import DomainError
from usefirst.core.text import stated_reason


@pytest.mark.parametrize("value", ["", "   ", "x", "。。。", "a b c", "不同意"])
def test_an_empty_or_token_reason_is_refused_naming_the_field(value):
    with pytest.raises(DomainError) as refused:
        stated_reason(value, field="reason", label="退回理由")
    assert refused.value.code == "reason_invalid"
    assert "退回理由" in refused.value.field_errors["reason"][0]


def test_four_meaningful_characters_are_a_reason_and_lines_are_kept():
    assert stated_reason("  材料不全\r\n请补充  ", field="reason", label="退回理由") == "材料不全\n请补充"
    assert stated_reason("材料不全", field="reason", label="退回理由") == "材料不全"


def test_a_reason_past_its_length_is_refused_with_the_count():
    with pytest.raises(DomainError) as refused:
        stated_reason("理" * 2001, field="reason", label="理由")
    assert "2001" in refused.value.detail
    assert stated_reason("理" * 2000, field="reason", label="理由")
