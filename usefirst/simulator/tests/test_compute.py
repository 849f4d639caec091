"""The simulator's arithmetic on known figures: present values, the inventors' share at exactly
the floor, and the refusals of bad input."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from usefirst.core.errors import DomainError
from usefirst.simulator import compute

D = Decimal
TODAY = dt.date(2026, 6, 15)
BASE = {
    "price": "300000.00",
    "term_years": "5",
    "discount_rate": "8",
    "revenue_low": "1000000",
    "revenue_expected": "3000000",
    "revenue_high": "6000000",
    "royalty_rate": "3",
    "entry_fee": "50000",
    "entry_royalty_rate": "2",
    "default_probability": "10",
    "premium_rate": "2",
}


def _deal(**changes):
    return compute.parse_deal({**BASE, **changes}, inventor_floor=D("70.00"), today=TODAY)


def test_present_value_of_known_figures():
    assert compute.present_value([D(0), D("100000.00")], D(10)) == D("90909.09")
    # Three yearly 100,000.00 at 10 %: 90,909.0909 + 82,644.6281 + 75,131.4801 = 248,685.1991…
    assert compute.present_value([D(0), D("100000"), D("100000"), D("100000")], D(10)) == D("248685.20")
    assert compute.present_value([D("100000.00")], D(10)) == D("100000.00")  # at signing: not discounted
    assert compute.present_value([D(0), D(0), D("121000.00")], D(10)) == D("100000.00")
    assert compute.present_value([D(0), D("100000.00")], D(0)) == D("100000.00")


def test_each_mode_on_the_expected_scenario():
    result = compute.simulate(_deal())
    expected = {mode: result.of(mode, "expected") for mode in compute.MODES}
    assert expected["lump_sum"].flows == [D("300000.00")] + [D("0.00")] * 5
    assert expected["installment"].flows == [D("0.00")] + [D("60000.00")] * 5
    assert expected["installment"].pv == D("239562.60")
    assert expected["deferred"].flows[5] == D("300000.00") and expected["deferred"].pv == D("204174.96")
    assert expected["royalty"].flows[1:] == [D("90000.00")] * 5 and expected["royalty"].total == D("450000.00")
    assert expected["milestone"].flows == [D(0), D("90000.00"), D(0), D("120000.00"), D(0), D("90000.00")]
    assert expected["entry_royalty"].flows[0] == D("50000.00") and expected["entry_royalty"].flows[1] == D("60000.00")
    # The low scenario changes only the revenue-based modes.
    assert result.of("royalty", "low").total == D("150000.00")
    assert result.of("installment", "low").total == D("300000.00")


def test_installments_that_do_not_divide_evenly_still_sum_to_the_price():
    result = compute.simulate(_deal(price="100000.00", term_years="3"))
    flows = result.of("installment", "expected").flows
    assert sum(flows) == D("100000.00") and flows[1:] == [D("33333.34"), D("33333.33"), D("33333.33")]


def test_the_inventors_get_exactly_the_seventy_percent_floor_and_the_parts_sum_to_the_cash_in():
    result = compute.simulate(_deal())
    lump = result.of("lump_sum", "expected")
    assert lump.inventors_total == D("210000.00") and lump.unit_total == D("90000.00")
    for outcome in result.outcomes:
        assert outcome.inventors_total + outcome.unit_total == outcome.total
        for cash, inventors in zip(outcome.flows, outcome.inventors, strict=True):
            assert inventors == (cash * D("0.70")).quantize(D("0.01"))
    # An odd fen is rounded half up to the inventors: 0.70 × 0.05 = 0.035 → 0.04.
    assert compute.inventors_share(D("0.05"), D("70.00")) == (D("0.04"), D("0.01"))


def test_the_floor_is_whatever_the_policy_has_in_force():
    deal = compute.parse_deal(BASE, inventor_floor=D("75.00"), today=TODAY)
    assert compute.simulate(deal).of("lump_sum", "expected").inventors_total == D("225000.00")


def test_insured_and_uninsured_risk():
    result = compute.simulate(_deal())
    installments = result.of("installment", "expected")
    assert installments.at_risk == D("300000.00")
    assert installments.expected_loss == D("23956.26")  # 10 % of the 239,562.60 present value
    assert installments.premium == D("6000.00")  # 2 % of the 300,000.00 due after signing
    lump = result.of("lump_sum", "expected")
    assert (lump.at_risk, lump.expected_loss, lump.premium) == (D("0.00"), D("0.00"), D("0.00"))


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"revenue_low": "-1"}, "revenue_low", "不能为负数"),
        ({"discount_rate": "100.01"}, "discount_rate", "应在 0% 到 100% 之间"),
        ({"discount_rate": "150"}, "discount_rate", "应在 0% 到 100% 之间"),
        ({"term_years": "0"}, "term_years", "应在 1 到 30 之间"),
        ({"term_years": ""}, "term_years", "请填写许可期限（年）"),
        ({"price": "0"}, "price", "必须大于零"),
        ({"price": "100.001"}, "price", "最多保留两位小数"),
        ({"royalty_rate": "abc"}, "royalty_rate", "不是有效的数字"),
        ({"revenue_low": "5000000"}, "revenue_expected", "低收入 ≤ 预期收入 ≤ 高收入"),
        ({"deferred_years": "6"}, "deferred_years", "应在 1 到 5 之间"),
        ({"milestones": "中试完成 9 100000"}, "milestones", "年份应在 1 到 5 之间"),
        ({"milestones": "中试完成"}, "milestones", "名称 第几年 金额"),
    ],
)
def test_it_refuses_bad_input_naming_the_field(changes, field, message):
    with pytest.raises(DomainError) as refused:
        _deal(**changes)
    assert refused.value.code == "simulator_invalid"
    assert any(message in m for m in refused.value.field_errors[field]), refused.value.field_errors


def test_floats_are_refused():
    with pytest.raises(DomainError):
        compute.parse_deal({**BASE, "price": 300000.5}, inventor_floor=D("70.00"), today=TODAY)


def test_the_chosen_mode_fills_the_payment_plan_form():
    deal = _deal(start="2026-07-01")
    assert compute.plan_fields(deal, "installment")["installments"].splitlines()[0] == "2027-07-01 60000.00"
    assert compute.plan_fields(deal, "deferred") == {"deferred_date": "2031-07-01", "deferred_amount": "300000.00"}
    royalty = compute.plan_fields(deal, "entry_royalty")
    assert royalty["lump_sum_amount"] == "50000.00" and royalty["royalty_rate"] == "2"
    assert royalty["royalty_periods"] == "5" and royalty["royalty_period_months"] == "12"
    assert compute.plan_fields(deal, "milestone")["milestones"].splitlines() == [
        "小试验证完成 90000.00",
        "中试完成 120000.00",
        "量产达标 90000.00",
    ]
