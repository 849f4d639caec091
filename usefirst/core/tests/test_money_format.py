"""One way to write an amount: 1,234,567.89 元 (two places, half up), 万元 where the policy
counts in 万元 (the 50 万元 recognition threshold)."""

from decimal import Decimal

import pytest
from django.template import Context, Template

from usefirst.core.money import format_cny, format_cny_range, format_wan


@pytest.mark.parametrize(
    ("amount", "shown"),
    [
        (Decimal("1234567.89"), "1,234,567.89 元"),
        (Decimal("4351000"), "4,351,000.00 元"),
        (Decimal("0"), "0.00 元"),
        (Decimal("-870.2"), "-870.20 元"),
        (Decimal("0.125"), "0.13 元"),  # half up, not to even
        (Decimal("2.675"), "2.68 元"),
        (Decimal("-0.125"), "-0.13 元"),
        ("1000", "1,000.00 元"),
    ],
)
def test_an_amount_is_written_with_grouped_thousands_two_places_and_yuan(amount, shown):
    assert format_cny(amount) == shown


@pytest.mark.parametrize(
    ("amount", "shown"),
    [
        (Decimal("500000.00"), "50 万元"),
        (Decimal("125000"), "12.5 万元"),
        (Decimal("1234567.89"), "123.46 万元"),
        (Decimal("12345678900"), "1,234,567.89 万元"),
        (Decimal("50"), "0.01 万元"),  # half up to the hundred yuan
        (Decimal("0"), "0 万元"),
    ],
)
def test_an_amount_in_wan_yuan_reads_as_the_policy_writes_it(amount, shown):
    assert format_wan(amount) == shown


def test_a_range_names_both_ends_and_an_open_end_reads_unlimited():
    assert format_cny_range(Decimal("300000"), Decimal("600000")) == "300,000.00 元 至 600,000.00 元"
    assert format_cny_range(None, Decimal("600000")) == "不限 至 600,000.00 元"
    assert format_cny_range(None, None) == "不限"


def test_templates_write_amounts_with_the_same_functions():
    template = Template("{% load money %}{{ a|cny }}|{{ t|wan }}|{{ lo|cny_range:hi }}|{{ none|cny }}")
    shown = template.render(
        Context({"a": Decimal("870200"), "t": Decimal("500000"), "lo": Decimal("1"), "hi": None, "none": None})
    )
    assert shown == "870,200.00 元|50 万元|1.00 元 至 不限|—"


def test_a_float_is_refused_rather_than_written():
    with pytest.raises(TypeError):
        format_cny(0.1)  # type: ignore[arg-type]
