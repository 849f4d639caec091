from decimal import Decimal

import pytest

from usefirst.contracts.models import InventorGrant
from usefirst.core.errors import DomainError
from usefirst.finance.split import check_floor, split_cash, split_shares

FLOOR = Decimal("70.00")
STATUTORY = Decimal("50.00")


def floor(pct, mode="pay_later", grant=InventorGrant.NONE):
    return check_floor(inventor_pct=Decimal(pct), mode=mode, grant=grant, floor_pct=FLOOR, statutory_pct=STATUTORY)


def test_it_refuses_an_inventor_share_of_69_99_percent_under_pay_later():
    result = floor("69.99")
    assert not result.ok
    assert "70.00%" in result.refusal


def test_it_accepts_exactly_70_percent_because_the_floor_includes_the_figure():
    assert floor("70.00").ok


def test_the_floor_is_compared_as_decimal_never_as_text():
    # As text "100" < "70" and "9" > "70": only Decimal gets the boundary right.
    assert floor("100").ok and not floor("9").ok
    with pytest.raises(TypeError):
        check_floor(inventor_pct="69.99", mode="pay_later", grant=InventorGrant.NONE, floor_pct=FLOOR, statutory_pct=STATUTORY)


def test_it_allows_100_percent_for_the_inventors():
    assert floor("100").ok


@pytest.mark.parametrize("grant", [InventorGrant.OWNERSHIP, InventorGrant.LONG_TERM_USE])
def test_cooperate_later_with_ownership_or_long_term_use_has_the_70_percent_floor(grant):
    assert not floor("69.99", "cooperate_later", grant).ok
    assert floor("70", "cooperate_later", grant).ok


def test_cooperate_later_without_a_grant_follows_the_unit_rule_with_a_statutory_50_percent_warning():
    below = floor("40", "cooperate_later")
    assert below.ok and not below.applies
    assert "50.00%" in below.warning
    assert floor("50", "cooperate_later").warning == ""


def test_net_income_never_goes_below_zero_and_the_shortfall_is_carried():
    split = split_cash(
        received=Decimal("1000.00"),
        costs=Decimal("1500.00"),
        carried_in=Decimal("0"),
        inventor_pct=Decimal("70"),
        unit_pct=Decimal("20"),
        fund_pct=Decimal("10"),
        inventor_weights=[("a", Decimal("100"))],
    )
    assert split.net_income == 0
    assert split.carry_forward == Decimal("-500.00")


def test_a_cash_split_sums_exactly_to_the_fen_per_inventor():
    split = split_cash(
        received=Decimal("100000.01"),
        costs=Decimal("0.00"),
        carried_in=Decimal("0"),
        inventor_pct=Decimal("70"),
        unit_pct=Decimal("20"),
        fund_pct=Decimal("10"),
        inventor_weights=[("a", Decimal("33.33")), ("b", Decimal("33.33")), ("c", Decimal("33.34"))],
    )
    assert split.inventors_total + split.unit_amount + split.fund_amount == Decimal("100000.01")
    assert sum(split.per_inventor.values()) == split.inventors_total
    assert split.inventors_total == Decimal("70000.01")


def test_percentages_not_summing_to_100_are_refused():
    with pytest.raises(DomainError) as exc:
        split_cash(
            received=Decimal("1"),
            costs=Decimal("0"),
            carried_in=Decimal("0"),
            inventor_pct=Decimal("70"),
            unit_pct=Decimal("20"),
            fund_pct=Decimal("5"),
            inventor_weights=[("a", Decimal("1"))],
        )
    assert exc.value.code == "percentages_not_100"


def test_the_equity_variant_shares_percentages_exactly():
    inventors, unit, per = split_shares(
        total_pct=Decimal("20"), inventor_pct=Decimal("70"), inventor_weights=[("a", Decimal("1")), ("b", Decimal("2"))]
    )
    assert inventors == Decimal("14.0000") and unit == Decimal("6.0000")
    assert per == {"a": Decimal("4.6667"), "b": Decimal("9.3333")}
