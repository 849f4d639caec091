from decimal import Decimal

import pytest

from usefirst.core.errors import DomainError
from usefirst.finance.amounts import allocate, parse_amount, parse_percent


def test_it_accepts_an_amount_with_two_decimals():
    assert parse_amount("1234.50") == Decimal("1234.50")
    assert parse_amount("1,000") == Decimal("1000.00")


@pytest.mark.parametrize(
    ("value", "code"), [("0", "amount_not_positive"), ("-5.00", "amount_not_positive"), ("0.00", "amount_not_positive")]
)
def test_it_refuses_zero_and_negative_amounts(value, code):
    with pytest.raises(DomainError) as exc:
        parse_amount(value)
    assert exc.value.code == code


def test_it_refuses_an_over_precise_amount_instead_of_rounding_it():
    with pytest.raises(DomainError) as exc:
        parse_amount("100.005")
    assert exc.value.code == "amount_too_precise"
    assert "两位小数" in exc.value.detail


@pytest.mark.parametrize("value", ["abc", "NaN", "Infinity", ""])
def test_it_refuses_what_is_not_an_amount(value):
    with pytest.raises(DomainError):
        parse_amount(value)


def test_it_refuses_a_float_because_it_is_not_exact():
    with pytest.raises(DomainError) as exc:
        parse_amount(0.1)
    assert exc.value.code == "amount_not_exact"


def test_percentages_allow_two_decimals_between_0_and_100():
    assert parse_percent("69.99") == Decimal("69.99")
    for bad in ("100.01", "-1", "70.001"):
        with pytest.raises(DomainError):
            parse_percent(bad)


def test_a_pro_rata_allocation_sums_exactly_to_the_fen():
    parts = allocate(Decimal("100.00"), [("a", Decimal("1")), ("b", Decimal("1")), ("c", Decimal("1"))])
    assert sum(parts.values()) == Decimal("100.00")
    # the extra fen goes to the first key: deterministic
    assert parts == {"a": Decimal("33.34"), "b": Decimal("33.33"), "c": Decimal("33.33")}


def test_the_allocation_rounds_half_up_and_removes_an_excess_fen_deterministically():
    # 0.05 split 50/50: each exact half is 0.025 → 0.03 half up; sum 0.06, one fen too many.
    parts = allocate(Decimal("0.05"), [("a", Decimal("50")), ("b", Decimal("50"))])
    assert parts == {"a": Decimal("0.02"), "b": Decimal("0.03")} or parts == {"a": Decimal("0.03"), "b": Decimal("0.02")}
    assert allocate(Decimal("0.05"), [("a", Decimal("50")), ("b", Decimal("50"))]) == parts
    assert sum(parts.values()) == Decimal("0.05")


def test_a_negative_total_is_the_mirror_image_of_the_positive_one():
    weights = [("x", Decimal("33.33")), ("y", Decimal("33.33")), ("z", Decimal("33.34"))]
    plus = allocate(Decimal("1000.01"), weights)
    minus = allocate(Decimal("-1000.01"), weights)
    assert all(plus[k] == -minus[k] for k in plus)


@pytest.mark.parametrize("cents", [1, 2, 7, 99, 100, 12345, 99999999])
def test_allocations_always_sum_exactly(cents):
    total = Decimal(cents) / 100
    weights = [(i, Decimal(w)) for i, w in enumerate(["12.5", "37.5", "0.01", "49.99"])]
    parts = allocate(total, weights)
    assert sum(parts.values()) == total
    assert all(v == v.quantize(Decimal("0.01")) for v in parts.values())
