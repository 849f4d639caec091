"""Distribution arithmetic (docs/domain.md, rules 1 and 7), pure: no database.

Net income = amount received in the period − declared costs, carried adjustments included,
never below zero (a shortfall is carried to the next distribution). It is split between the
inventors, the unit and the unit's guidance fund by percentages that sum to 100; the
inventors' part is split per inventor by their weights. Every part is exact to the fen,
half up, and the parts sum exactly.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from usefirst.catalog.choices import Mode
from usefirst.contracts.models import InventorGrant  # the contract's terms (rule 1)
from usefirst.core.errors import DomainError

from .amounts import CENT, HUNDRED, allocate

PERCENT_QUANTUM = Decimal("0.0001")  # equity and ownership shares: percent with 4 decimals


@dataclass(frozen=True)
class FloorCheck:
    applies: bool  # the 70 % floor binds (refusal below it)
    floor: Decimal  # percent
    statutory: Decimal  # percent (warning only)
    ok: bool
    warning: str = ""
    refusal: str = ""


def floor_applies(*, mode: str, grant: str) -> bool:
    """Whether the floor binds: under pay_later, or under cooperate_later with ownership or a
    long-term use right granted to the inventors (rule 1)."""
    return mode == Mode.PAY_LATER or (
        mode == Mode.COOPERATE_LATER and grant in (InventorGrant.OWNERSHIP, InventorGrant.LONG_TERM_USE)
    )


def check_floor(*, inventor_pct: Decimal, mode: str, grant: str, floor_pct: Decimal, statutory_pct: Decimal) -> FloorCheck:
    """Rule 1. `floor_pct` and `statutory_pct` are percents to the cent (70.00, 50.00), read from
    the policy parameters by `policy.selectors.share_pct`; every figure is compared as Decimal, and
    "不低于" includes the figure itself, so exactly 70.00 % passes and 69.99 % is refused."""
    if not all(isinstance(v, Decimal) for v in (inventor_pct, floor_pct, statutory_pct)):
        raise TypeError("the floor is compared on Decimal percentages only")
    floor = floor_pct.quantize(CENT)
    statutory = statutory_pct.quantize(CENT)
    if floor_applies(mode=mode, grant=grant):
        if inventor_pct < floor:
            return FloorCheck(
                True,
                floor,
                statutory,
                False,
                refusal=f"成果完成人所得比例 {inventor_pct}% 低于规则下限 {floor}%（先使用后付费，或先使用后合作且赋予所有权/长期使用权时不得低于 {floor}%）",
            )
        return FloorCheck(True, floor, statutory, True)
    if inventor_pct < statutory:
        return FloorCheck(
            False,
            floor,
            statutory,
            True,
            warning=f"成果完成人所得比例 {inventor_pct}% 低于《促进科技成果转化法》第四十五条的法定默认比例 {statutory}%，请确认单位规定允许",
        )
    return FloorCheck(False, floor, statutory, True)


def check_percentages(*, inventor_pct: Decimal, unit_pct: Decimal, fund_pct: Decimal) -> None:
    total = inventor_pct + unit_pct + fund_pct
    if total != HUNDRED:
        raise DomainError(f"成果完成人、单位与引导资金的比例之和应为 100%，现为 {total}%", code="percentages_not_100")


@dataclass
class Split[K: Hashable]:
    net_income: Decimal
    carry_forward: Decimal  # negative net income carried to the next distribution (≤ 0)
    inventors_total: Decimal
    unit_amount: Decimal
    fund_amount: Decimal
    per_inventor: dict[K, Decimal] = field(default_factory=dict)


def net_income(*, received: Decimal, costs: Decimal, carried_in: Decimal) -> tuple[Decimal, Decimal]:
    """(net income ≥ 0, shortfall carried forward ≤ 0)."""
    raw = received + carried_in - costs
    return (raw, Decimal(0)) if raw >= 0 else (Decimal(0), raw)


def split_cash[K: Hashable](
    *,
    received: Decimal,
    costs: Decimal,
    carried_in: Decimal,
    inventor_pct: Decimal,
    unit_pct: Decimal,
    fund_pct: Decimal,
    inventor_weights: Sequence[tuple[K, Decimal]],
) -> Split[K]:
    check_percentages(inventor_pct=inventor_pct, unit_pct=unit_pct, fund_pct=fund_pct)
    net, carry = net_income(received=received, costs=costs, carried_in=carried_in)
    if net == 0:
        zero = Decimal("0.00")
        return Split(zero, carry, zero, zero, zero, {k: zero for k, _ in inventor_weights})
    parts = allocate(net, [("inventors", inventor_pct), ("unit", unit_pct), ("fund", fund_pct)])
    per_inventor: dict[K, Decimal] = {}
    if parts["inventors"] and inventor_weights:
        per_inventor = allocate(parts["inventors"], inventor_weights)
    elif parts["inventors"]:
        raise DomainError("该成果没有登记成果完成人及其份额，无法分配", code="no_inventors")
    return Split(net, carry, parts["inventors"], parts["unit"], parts["fund"], per_inventor)


def split_shares[K: Hashable](
    *, total_pct: Decimal, inventor_pct: Decimal, inventor_weights: Sequence[tuple[K, Decimal]]
) -> tuple[Decimal, Decimal, dict[K, Decimal]]:
    """Equity (作价入股) or ownership variants: no cash. `total_pct` is the equity (or
    ownership) percentage being shared; returns (inventors', unit's, per inventor), in percent
    with 4 decimals, summing exactly."""
    if not Decimal(0) < total_pct <= HUNDRED:
        raise DomainError("股权或所有权比例应大于 0 且不超过 100%", code="percent_out_of_range")
    total = total_pct.quantize(PERCENT_QUANTUM)
    if total != total_pct:
        raise DomainError("股权或所有权比例最多保留四位小数", code="percent_invalid")
    parts = allocate(total, [("inventors", inventor_pct), ("unit", HUNDRED - inventor_pct)], quantum=PERCENT_QUANTUM)
    per = allocate(parts["inventors"], inventor_weights, quantum=PERCENT_QUANTUM) if parts["inventors"] else {}
    return parts["inventors"], parts["unit"], per
