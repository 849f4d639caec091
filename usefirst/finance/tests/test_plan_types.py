import datetime as dt
from decimal import Decimal

import pytest

from usefirst.core.errors import DomainError
from usefirst.finance.plan_types import item_type, royalty_amounts


def test_a_due_date_on_a_statutory_holiday_moves_to_the_next_working_day():
    # 2026-10-01 is National Day; the holiday runs to 10-07 (working again on 10-09 per the 2026 table or 10-08).
    kind = item_type("lump_sum")
    terms = kind.clean({"date": "2026-10-01", "amount": "5000.00"})
    [line] = kind.expand(terms)
    assert line.stated_date == dt.date(2026, 10, 1)
    assert line.due_date > dt.date(2026, 10, 7)
    assert line.due_date == dt.date(2026, 10, 8)


def test_a_due_date_on_a_working_day_stays():
    kind = item_type("deferred")
    [line] = kind.expand(kind.clean({"date": "2026-12-01", "amount": "5000.00"}))
    assert line.due_date == dt.date(2026, 12, 1)


def test_installment_dates_out_of_order_are_refused():
    kind = item_type("installment")
    with pytest.raises(DomainError) as exc:
        kind.clean({"installments": [{"date": "2026-06-01", "amount": "1"}, {"date": "2026-05-01", "amount": "1"}]})
    assert exc.value.code == "dates_out_of_order"


def test_installments_refuse_over_precise_amounts():
    kind = item_type("installment")
    with pytest.raises(DomainError) as exc:
        kind.clean({"installments": [{"date": "2026-06-01", "amount": "1.001"}]})
    assert exc.value.code == "amount_too_precise"


def test_an_unknown_item_type_is_refused():
    with pytest.raises(DomainError):
        item_type("barter")


def test_milestones_wait_for_confirmation_before_they_have_a_date():
    kind = item_type("milestone")
    lines = kind.expand(
        kind.clean({"milestones": [{"name": "中试完成", "amount": "100000"}, {"name": "量产", "amount": "200000"}]})
    )
    assert [line.due_date for line in lines] == [None, None]
    assert [line.amount for line in lines] == [Decimal("100000.00"), Decimal("200000.00")]


def royalty(**extra):
    kind = item_type("royalty")
    return kind.clean({"base": "net_sales", "rate": "5", "start": "2027-01-01", "periods": 4, "period_months": 3, **extra})


def test_royalty_periods_are_quarters_with_report_and_payment_dates():
    lines = item_type("royalty").expand(royalty())
    assert len(lines) == 4
    assert lines[0].period_start == dt.date(2027, 1, 1)
    assert lines[0].period_end == dt.date(2027, 3, 31)
    assert lines[0].report_due >= dt.date(2027, 4, 15)
    assert lines[3].period_end == dt.date(2027, 12, 31)


def test_royalty_per_period_minimum_and_cap():
    terms = royalty(minimum="1000", minimum_scope="period", cap="3000", cap_scope="period")
    amounts = royalty_amounts(terms, [Decimal("10000"), Decimal("40000"), Decimal("100000"), None])
    assert amounts == [Decimal("1000.00"), Decimal("2000.00"), Decimal("3000.00"), None]


def test_royalty_cumulative_cap_stops_payments_once_reached():
    terms = royalty(cap="5000", cap_scope="cumulative")
    amounts = royalty_amounts(terms, [Decimal("60000")] * 4)  # 3,000 each uncapped
    assert amounts == [Decimal("3000.00"), Decimal("2000.00"), Decimal("0"), Decimal("0")]
    assert sum(a for a in amounts if a is not None) == Decimal("5000")


def test_royalty_cumulative_minimum_is_settled_in_the_last_period():
    terms = royalty(minimum="10000", minimum_scope="cumulative")
    partial = royalty_amounts(terms, [Decimal("20000"), Decimal("20000"), Decimal("20000"), None])
    assert partial[:3] == [Decimal("1000.00")] * 3
    full = royalty_amounts(terms, [Decimal("20000")] * 4)
    assert sum(a for a in full if a is not None) == Decimal("10000.00")
    assert full[-1] == Decimal("7000.00")


def test_royalty_minimum_above_cap_is_refused():
    with pytest.raises(DomainError) as exc:
        royalty(minimum="5000", minimum_scope="period", cap="1000", cap_scope="period")
    assert exc.value.code == "royalty_min_above_cap"


def test_royalty_on_a_loss_owes_nothing_but_the_minimum():
    terms = royalty(minimum="100", minimum_scope="period", base="profit")
    assert royalty_amounts(terms, [Decimal("-5000")])[0] == Decimal("100")
