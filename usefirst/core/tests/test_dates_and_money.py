import datetime as dt
from decimal import Decimal

import pytest

from usefirst.core.dates import add_months, period_end
from usefirst.core.money import percent_of, to_cny


def test_three_years_after_acceptance_on_2023_11_25_end_with_2026_11_25():
    assert period_end(dt.date(2023, 11, 25), years=3) == dt.date(2026, 11, 25)


def test_a_month_period_without_the_corresponding_day_ends_on_the_months_last_day():
    assert add_months(dt.date(2026, 1, 31), 1) == dt.date(2026, 2, 28)


def test_a_last_day_on_a_statutory_holiday_moves_to_the_next_working_day():
    # 2025-10-01 is National Day; the holiday runs to 10-08.
    assert period_end(dt.date(2024, 10, 1), years=1) == dt.date(2025, 10, 9)


def test_money_rounds_half_up_not_bankers():
    assert to_cny("0.125") == Decimal("0.13")
    assert to_cny("2.675") == Decimal("2.68")


def test_money_refuses_floats():
    with pytest.raises(TypeError):
        to_cny(0.1)  # type: ignore[arg-type]


def test_a_term_of_months_ends_on_the_day_corresponding_to_the_day_before_it_begins():
    from usefirst.core.dates import term_last_day

    # 民法典 art. 201: counted from the day after the event, i.e. the term's first day.
    assert term_last_day(dt.date(2026, 3, 2), months=1) == dt.date(2026, 4, 1)
    # art. 202: no corresponding day (31 April) → the month's last day.
    assert term_last_day(dt.date(2026, 2, 1), months=3) == dt.date(2026, 4, 30)
    # art. 203: a last day on National Day moves to the next working day.
    assert term_last_day(dt.date(2026, 9, 2), months=1) == dt.date(2026, 10, 8)
    assert term_last_day(dt.date(2026, 12, 8), days=30) == dt.date(2027, 1, 6)


def test_a_share_reads_as_a_percent_to_the_cent():
    assert percent_of(Decimal("0.70")) == Decimal("70.00")
    assert percent_of(Decimal("0.12345")) == Decimal("12.35")
    assert Decimal("69.99") < percent_of(Decimal("0.70")) <= Decimal("70.00")
    with pytest.raises(TypeError):
        percent_of(0.7)  # type: ignore[arg-type]
