"""Quote arithmetic: which products fit a deal (bounds include the figure itself), the premium step
by step, rounded half up to the cent, and the premium subsidy with its caps."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from usefirst.accounts.models import OrganisationKind
from usefirst.risk import services
from usefirst.risk.models import Product, SubsidyRule
from usefirst.risk.quoting import DealFacts, quote, subsidise, why_not

from .builders import product_data

D = Decimal
ON = dt.date(2026, 12, 5)


def product(**overrides: Any) -> Product:
    return Product(**services.clean_product_data(product_data(**overrides)))


def deal(**overrides: Any) -> DealFacts:
    values: dict[str, Any] = {
        "mode": "pay_later",
        "amount": D("500000.00"),
        "amount_source": "合同金额",
        "trl": 5,
        "enterprise_size": "small",
        "region": "prd",
        "patents": 2,
    }
    values.update(overrides)
    return DealFacts(**values)


def rule(**overrides: Any) -> SubsidyRule:
    values: dict[str, Any] = {
        "name": "省科技保险保费补贴",
        "rate_percent": D("25"),
        "regional_rate_percent": D("35"),
        "annual_cap_per_firm": D("200000.00"),
        "stacked_cap_percent": D("50"),
        "product_types": [],
        "insured_kinds": [],
        "regions": [],
        "valid_from": dt.date(2026, 2, 1),
        "valid_until": dt.date(2031, 1, 31),
    }
    values.update(overrides)
    return SubsidyRule(**values)


@pytest.mark.parametrize(
    ("amount", "fits"),
    [("99999.99", False), ("100000.00", True), ("1000000.00", True), ("1000000.01", False)],
)
def test_the_contract_amount_range_includes_both_of_its_ends(amount, fits):
    reasons = why_not(product(), deal(amount=D(amount)))
    assert (reasons == []) is fits
    if not fits:
        assert "合同金额" in reasons[0]


@pytest.mark.parametrize(("trl", "fits"), [(3, False), (4, True), (9, True)])
def test_the_trl_range_includes_both_of_its_ends(trl, fits):
    assert (why_not(product(), deal(trl=trl)) == []) is fits


def test_a_product_that_does_not_fit_says_every_reason():
    reasons = why_not(
        product(modes=["cooperate_later"], enterprise_sizes=["micro"], regions=["east", "west", "north"]),
        deal(amount=None),
    )
    assert reasons == [
        "适用模式为先使用后合作，本合同为先使用后付费",
        "合同尚未约定金额，无法确定保险（担保）金额",
        "仅承保微型企业，被许可企业为小型企业",
        "仅承保粤东、粤西、粤北的企业，被许可企业位于珠三角",
    ]


def test_the_premium_is_shown_step_by_step_and_the_steps_add_up():
    q = quote(product(loading_trl_mid="1.10"), deal(), rules=[rule()], on=ON)
    assert [(s.label, s.formula, s.result) for s in q.steps] == [
        ("保险金额", "合同金额 500,000.00 元 × 80%", D("400000.00")),
        ("基础保费", "保险金额 400,000.00 元 × 费率 2%", D("8000.00")),
        ("技术成熟度系数", "× 1.10（成果 5 级，4–6 级）", D("8800.00")),
        ("模式系数", "× 1.00（先使用后付费）", D("8800.00")),
        ("履约记录系数", "× 1.00（暂无履约记录）", D("8800.00")),
        ("应缴保费", "共 8,800.00 元", D("8800.00")),
    ]
    assert (q.sum_insured, q.premium) == (D("400000.00"), D("8800.00"))
    assert q.subsidy is not None
    assert (q.subsidy.subsidy, q.subsidy.payable) == (D("2200.00"), D("6600.00"))
    assert q.deductible == "每次事故免赔额 2,000.00 元或损失金额的 10%，以高者为准"


def test_each_step_rounds_half_up_to_the_cent_not_to_even():
    # 100.20 × 2.5 % = 2.505: half up gives 2.51 (banker's rounding would give 2.50).
    q = quote(
        product(amount_min="", minimum_premium="0", sum_insured_percent="100", premium_rate="2.5"),
        deal(amount=D("100.20")),
        rules=[],
        on=ON,
    )
    assert q.steps[1].result == D("2.51")
    assert q.subsidy is None


def test_the_minimum_premium_applies_below_it():
    q = quote(product(minimum_premium="2000.00"), deal(amount=D("100000.00")), rules=[], on=ON)
    assert q.steps[1].result == D("1600.00")
    assert q.premium == D("2000.00")
    assert q.steps[-2].label == "保费（取最低保费）"


def test_loadings_by_mode_and_performance_record_multiply_in_turn():
    p = product(loading_cooperate_later="1.20", loading_record_poor="1.50")
    q = quote(p, deal(mode="cooperate_later", record="poor"), rules=[], on=ON)
    assert q.premium == D("14400.00")  # 8,000.00 × 1.00 × 1.20 × 1.50


def test_a_per_patent_premium_limits_the_cover_to_a_multiple_but_never_above_the_contract_amount():
    p = product(
        premium_method="per_patent",
        premium_rate="",
        base_premium="5000.00",
        per_patent_premium="2000.00",
        limit_multiple="20",
        product_type="patent_implementation_failure",
        covered_risks=["indicators_not_met"],
        insured_kind="enterprise",
    )
    q = quote(p, deal(amount=D("150000.00"), patents=3), rules=[], on=ON)
    assert q.premium == D("11000.00")
    assert [s.result for s in q.steps if s.label.startswith("赔偿限额")] == [D("220000.00"), D("150000.00")]
    assert q.sum_insured == D("150000.00")


@pytest.mark.parametrize(
    ("premium", "subsidy"),
    [("800000.00", "200000.00"), ("800004.00", "200000.00"), ("799996.00", "199999.00")],
)
def test_the_subsidy_stops_at_200000_a_firm_a_year(premium, subsidy):
    assert subsidise(rule(), D(premium), deal()).subsidy == D(subsidy)


def test_the_subsidy_counts_what_the_firm_already_had_this_year():
    assert subsidise(rule(), D("800000.00"), deal(subsidised_this_year=D("150000.00"))).subsidy == D("50000.00")
    assert subsidise(rule(), D("800000.00"), deal(subsidised_this_year=D("250000.00"))).subsidy == D("0.00")


@pytest.mark.parametrize(
    ("other", "subsidy", "payable"),
    [
        ("0.00", "2500.00", "7500.00"),
        ("2500.00", "2500.00", "7500.00"),
        ("2500.01", "2499.99", "7500.01"),
        ("6000.00", "0.00", "10000.00"),
    ],
)
def test_all_public_subsidies_together_stop_at_half_the_premium(other, subsidy, payable):
    result = subsidise(rule(), D("10000.00"), deal(other_subsidies=D(other)))
    assert (result.subsidy, result.payable) == (D(subsidy), D(payable))


def test_east_west_and_north_guangdong_get_the_higher_rate():
    result = subsidise(rule(), D("10000.00"), deal(region="north"))
    assert result.subsidy == D("3500.00")
    assert "粤北" in result.steps[0].formula


def test_a_subsidy_rule_applies_only_to_its_product_types_insured_and_dates():
    only_guarantees = rule(product_types=["performance_guarantee"])
    assert quote(product(), deal(), rules=[only_guarantees], on=ON).subsidy is None
    only_enterprises = rule(insured_kinds=["enterprise"])
    assert quote(product(), deal(), rules=[only_enterprises], on=ON).subsidy is None
    assert quote(product(), deal(), rules=[rule()], on=dt.date(2031, 2, 1)).subsidy is None


def test_guarantor_words_are_used_for_a_guarantee():
    p = product(product_type="performance_guarantee")
    p.provider_id = None
    q = quote(p, deal(), rules=[], on=ON)
    assert q.steps[0].label == "担保金额" and q.steps[1].label == "基础担保费"
    assert OrganisationKind.GUARANTOR == "guarantor"
