"""The payment-mode simulator's arithmetic, pure: no database, every figure a Decimal.

For one proposed deal it lays out, year by year over the licence term, what the enterprise pays
(= what the unit receives) under six ways of paying, for each of the enterprise's revenue
scenarios (low, expected, high):

- 一次性支付 (lump_sum): the price at signing (year 0);
- 分期支付 (installment): the price in equal yearly parts at the end of years 1…N (the parts
  split to the fen by `finance.amounts.allocate`, so they sum exactly);
- 延期支付 (deferred): the price at the end of year D;
- 收益提成 (royalty): a rate on each year's revenue;
- 里程碑支付 (milestone): stated amounts at the end of the years the milestones are expected;
- 入门费 + 提成 (entry_royalty): an entry fee at signing plus a (lower) rate on revenue.

Conventions, stated on the page: year 0 is signing; other payments fall at the end of their year;
revenue in year t is the scenario's first-year revenue grown by g % a year, rounded half up to the
fen each year. Present value = Σ CFₜ / (1 + r)ᵗ, computed at full Decimal precision and rounded
half up to the fen once, at the end.

The inventors' share is the policy's floor (rule 1: `inventor_share_floor`, 70 % in force,
passed in by the caller from `policy.selectors.share_pct`) of what the unit receives each year,
rounded half up to the fen, the rest to the unit, so inventors + unit = cash in exactly. It is the floor on the
gross receipts: taxes, fees and conversion costs, which the unit deducts before distributing
(finance.split.net_income), are not simulated.

Risk is a simple expected-loss figure, not an insurer's quote: uninsured, the unit expects to
lose the stated default probability of the present value of everything due after signing;
insured, it pays a premium of the stated rate on the sum due after signing and the insurer
bears the loss (no deductible, full cover). A quote from a published product is on the
contract's 保险与担保 page (usefirst.risk.quoting), which needs the contract's own facts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal, InvalidOperation, localcontext
from typing import Any

from usefirst.core.dates import add_months, today
from usefirst.core.errors import DomainError
from usefirst.core.money import CENT, HUNDRED, MAX_AMOUNT, to_cny
from usefirst.finance.amounts import allocate

ZERO = Decimal("0.00")
MAX_TERM_YEARS = 30
SCENARIOS: dict[str, str] = {"low": "低收入情景", "expected": "预期收入情景", "high": "高收入情景"}
MODES: dict[str, str] = {
    "lump_sum": "一次性支付",
    "installment": "分期支付",
    "deferred": "延期支付",
    "royalty": "收益提成支付",
    "milestone": "里程碑支付",
    "entry_royalty": "入门费 + 收益提成",
}


@dataclass(frozen=True)
class Milestone:
    name: str
    year: int
    amount: Decimal


@dataclass(frozen=True)
class Deal:
    price: Decimal  # the licence fee of the fixed modes (lump sum, installments, deferred, milestones)
    term_years: int
    discount_rate: Decimal  # percent a year
    revenues: Mapping[str, Decimal]  # first-year revenue per scenario
    growth: Decimal = Decimal("0")  # percent a year
    royalty_rate: Decimal = Decimal("0")  # percent of revenue (royalty mode)
    entry_fee: Decimal = ZERO
    entry_royalty_rate: Decimal = Decimal("0")  # percent of revenue (entry fee + royalty mode)
    deferred_years: int = 1
    milestones: tuple[Milestone, ...] = ()
    inventor_floor: Decimal = Decimal("70.00")  # percent (rule 1)
    default_probability: Decimal = Decimal("0")  # percent
    premium_rate: Decimal = Decimal("0")  # percent of the sum insured
    start: dt.date | None = None  # signing day, for the dates of a pre-filled payment plan


@dataclass
class Outcome:
    """One mode under one scenario."""

    mode: str
    scenario: str
    flows: list[Decimal]  # year 0 … N: the enterprise's cash out = the unit's cash in
    total: Decimal
    pv: Decimal
    inventors: list[Decimal]
    inventors_total: Decimal
    inventors_pv: Decimal
    unit_total: Decimal
    unit_pv: Decimal
    at_risk: Decimal  # what falls due after signing
    at_risk_pv: Decimal
    expected_loss: Decimal  # uninsured
    premium: Decimal  # insured

    @property
    def mode_label(self) -> str:
        return MODES[self.mode]

    @property
    def scenario_label(self) -> str:
        return SCENARIOS[self.scenario]


@dataclass
class Result:
    deal: Deal
    revenues: dict[str, list[Decimal]]  # scenario → revenue of years 1…N
    outcomes: list[Outcome] = field(default_factory=list)

    def of(self, mode: str, scenario: str) -> Outcome:
        return next(o for o in self.outcomes if o.mode == mode and o.scenario == scenario)

    @property
    def years(self) -> list[int]:
        return list(range(self.deal.term_years + 1))


# ---------------------------------------------------------------- arithmetic


def present_value(flows: Sequence[Decimal], rate_pct: Decimal) -> Decimal:
    """Σ flows[t] / (1 + r)ᵗ, t from 0, at 40 significant digits, rounded half up to the fen once."""
    with localcontext() as ctx:
        ctx.prec = 40
        factor = Decimal(1) + rate_pct / HUNDRED
        total = sum((Decimal(cf) / factor**t for t, cf in enumerate(flows)), Decimal(0))
    return total.quantize(CENT, rounding=ROUND_HALF_UP)


def yearly_revenue(first: Decimal, growth_pct: Decimal, years: int) -> list[Decimal]:
    """Revenue of years 1…N: the first year's, grown by g % a year, each year rounded to the fen."""
    with localcontext() as ctx:
        ctx.prec = 40
        factor = Decimal(1) + growth_pct / HUNDRED
        return [to_cny(first * factor**t) for t in range(years)]


def inventors_share(amount: Decimal, floor_pct: Decimal) -> tuple[Decimal, Decimal]:
    """(inventors, unit) of one amount: the floor's share of it rounded half up to the fen, the rest
    to the unit, so the two sum to the amount exactly."""
    inventors = to_cny(amount * floor_pct / HUNDRED)
    return inventors, amount - inventors


def schedule(deal: Deal, mode: str, revenue: Sequence[Decimal]) -> list[Decimal]:
    """Cash flows of years 0…N under one mode (revenue: years 1…N)."""
    n = deal.term_years
    flows = [ZERO] * (n + 1)
    if mode == "lump_sum":
        flows[0] = deal.price
    elif mode == "installment":
        parts = allocate(deal.price, [(t, Decimal(1)) for t in range(1, n + 1)])
        for t, amount in parts.items():
            flows[t] = amount
    elif mode == "deferred":
        flows[deal.deferred_years] = deal.price
    elif mode == "royalty":
        for t in range(1, n + 1):
            flows[t] = to_cny(revenue[t - 1] * deal.royalty_rate / HUNDRED)
    elif mode == "milestone":
        for m in milestones_of(deal):
            flows[m.year] += m.amount
    elif mode == "entry_royalty":
        flows[0] = deal.entry_fee
        for t in range(1, n + 1):
            flows[t] = to_cny(revenue[t - 1] * deal.entry_royalty_rate / HUNDRED)
    else:
        raise ValueError(mode)
    return flows


def milestones_of(deal: Deal) -> tuple[Milestone, ...]:
    """The deal's milestones, or by default the price in three parts (30 %, 40 %, 30 %) expected at
    the end of year 1, of the middle year and of the last year."""
    if deal.milestones:
        return deal.milestones
    n = deal.term_years
    parts = allocate(deal.price, [(0, Decimal(30)), (1, Decimal(40)), (2, Decimal(30))])
    years = (1, max(1, (n + 1) // 2), n)
    names = ("小试验证完成", "中试完成", "量产达标")
    return tuple(Milestone(names[i], years[i], parts[i]) for i in range(3))


def simulate(deal: Deal) -> Result:
    revenues = {key: yearly_revenue(first, deal.growth, deal.term_years) for key, first in deal.revenues.items()}
    result = Result(deal, revenues)
    for mode in MODES:
        for scenario, revenue in revenues.items():
            flows = schedule(deal, mode, revenue)
            split = [inventors_share(cf, deal.inventor_floor) for cf in flows]
            inventors = [i for i, _ in split]
            unit = [u for _, u in split]
            later = [ZERO, *flows[1:]]
            at_risk_pv = present_value(later, deal.discount_rate)
            at_risk = sum(later, ZERO)
            result.outcomes.append(
                Outcome(
                    mode=mode,
                    scenario=scenario,
                    flows=flows,
                    total=sum(flows, ZERO),
                    pv=present_value(flows, deal.discount_rate),
                    inventors=inventors,
                    inventors_total=sum(inventors, ZERO),
                    inventors_pv=present_value(inventors, deal.discount_rate),
                    unit_total=sum(unit, ZERO),
                    unit_pv=present_value(unit, deal.discount_rate),
                    at_risk=at_risk,
                    at_risk_pv=at_risk_pv,
                    expected_loss=to_cny(at_risk_pv * deal.default_probability / HUNDRED),
                    premium=to_cny(at_risk * deal.premium_rate / HUNDRED),
                )
            )
    return result


# ---------------------------------------------------------------- the payment plan it pre-fills


def plan_fields(deal: Deal, mode: str) -> dict[str, str]:
    """The fields of finance's payment-plan form (finance/templates/finance/plan_form.html) that
    this mode fills in, dated from the signing day: passed as the form's query string."""
    start = deal.start or today()
    n = deal.term_years

    def year_end(t: int) -> str:
        return add_months(start, 12 * t).isoformat()

    royalty = {
        "royalty_base": "net_sales",
        "royalty_start": start.isoformat(),
        "royalty_periods": str(n),
        "royalty_period_months": "12",
        "royalty_report_days": "15",
        "royalty_payment_days": "30",
    }
    if mode == "lump_sum":
        return {"lump_sum_date": start.isoformat(), "lump_sum_amount": str(deal.price)}
    if mode == "installment":
        flows = schedule(deal, mode, [ZERO] * n)
        return {"installments": "\n".join(f"{year_end(t)} {flows[t]}" for t in range(1, n + 1))}
    if mode == "deferred":
        return {"deferred_date": year_end(deal.deferred_years), "deferred_amount": str(deal.price)}
    if mode == "milestone":
        return {"milestones": "\n".join(f"{m.name} {m.amount}" for m in milestones_of(deal)), "milestone_payment_days": "30"}
    if mode == "royalty":
        return {**royalty, "royalty_rate": str(deal.royalty_rate)}
    if mode == "entry_royalty":
        fee = {"lump_sum_date": start.isoformat(), "lump_sum_amount": str(deal.entry_fee)} if deal.entry_fee else {}
        return {**fee, **royalty, "royalty_rate": str(deal.entry_royalty_rate)}
    raise ValueError(mode)


# ---------------------------------------------------------------- input


class _Errors:
    def __init__(self) -> None:
        self.fields: dict[str, list[str]] = {}

    def add(self, name: str, message: str) -> None:
        self.fields.setdefault(name, []).append(message)


def _decimal(data: Mapping[str, Any], name: str, label: str, errors: _Errors, *, default: str | None = None) -> Decimal | None:
    raw = data.get(name)
    if raw is None or str(raw).strip() == "":
        if default is not None:
            return Decimal(default)
        errors.add(name, f"请填写{label}")
        return None
    if isinstance(raw, float):
        errors.add(name, f"{label}必须以精确的十进制数提交")
        return None
    try:
        value = Decimal(str(raw).strip().replace(",", "").rstrip("%"))
    except (InvalidOperation, ValueError):
        errors.add(name, f"{label}“{raw}”不是有效的数字")
        return None
    if not value.is_finite():
        errors.add(name, f"{label}“{raw}”不是有效的数字")
        return None
    return value


def _amount(data: Mapping[str, Any], name: str, label: str, errors: _Errors, *, default: str | None = None) -> Decimal:
    value = _decimal(data, name, label, errors, default=default)
    if value is None:
        return ZERO
    if value < 0:
        errors.add(name, f"{label}不能为负数")
    elif value != value.quantize(CENT, rounding=ROUND_DOWN):
        errors.add(name, f"{label}最多保留两位小数（精确到分）")
    elif value > MAX_AMOUNT:
        errors.add(name, f"{label}超出上限")
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def _percent(
    data: Mapping[str, Any], name: str, label: str, errors: _Errors, *, default: str | None = None, lowest: str = "0"
) -> Decimal:
    value = _decimal(data, name, label, errors, default=default)
    if value is None:
        return Decimal(0)
    if value < Decimal(lowest) or value > HUNDRED:
        errors.add(name, f"{label}应在 {lowest}% 到 100% 之间")
    elif value != value.quantize(Decimal("0.0001"), rounding=ROUND_DOWN):
        errors.add(name, f"{label}最多保留四位小数")
    return value


def _integer(
    data: Mapping[str, Any], name: str, label: str, errors: _Errors, *, low: int, high: int, default: int | None = None
) -> int:
    raw = data.get(name)
    if raw is None or str(raw).strip() == "":
        if default is not None:
            return default
        errors.add(name, f"请填写{label}")
        return low
    try:
        value = int(str(raw).strip())
    except ValueError:
        errors.add(name, f"{label}应为整数")
        return low
    if not low <= value <= high:
        errors.add(name, f"{label}应在 {low} 到 {high} 之间")
        return low
    return value


def _milestones(text: object, term: int, errors: _Errors) -> tuple[Milestone, ...]:
    """Lines of “名称 第几年 金额”, e.g. “中试完成 2 150000”."""
    found = []
    for number, line in enumerate(str(text or "").splitlines(), start=1):
        parts = line.split()
        if not parts:
            continue
        if len(parts) < 3:
            errors.add("milestones", f"第{number}行应写作“名称 第几年 金额”，如“中试完成 2 150000”")
            continue
        name, year, amount = " ".join(parts[:-2]), parts[-2], parts[-1]
        inner = _Errors()
        year_value = _integer({"y": year}, "y", f"第{number}行的年份", inner, low=1, high=term)
        amount_value = _amount({"a": amount}, "a", f"第{number}行的金额", inner)
        if len(name) > 100:
            inner.add("n", f"第{number}行的名称不超过100字")
        for messages in inner.fields.values():
            for message in messages:
                errors.add("milestones", message)
        if not inner.fields:
            found.append(Milestone(name, year_value, amount_value))
    return tuple(found)


def parse_deal(data: Mapping[str, Any], *, inventor_floor: Decimal, today: dt.date) -> Deal:
    """The deal as a form or an API client gave it, every problem named at its field (code
    `simulator_invalid`); `inventor_floor` is the policy's floor in percent (70.00)."""
    errors = _Errors()
    price = _amount(data, "price", "许可费总额", errors)
    if "price" not in errors.fields and price == 0:
        errors.add("price", "许可费总额必须大于零")
    term = _integer(data, "term_years", "许可期限（年）", errors, low=1, high=MAX_TERM_YEARS)
    rate = _percent(data, "discount_rate", "折现率", errors)
    revenues = {key: _amount(data, f"revenue_{key}", f"{label}的首年收入", errors) for key, label in SCENARIOS.items()}
    if not errors.fields.keys() & {f"revenue_{k}" for k in SCENARIOS} and not (
        revenues["low"] <= revenues["expected"] <= revenues["high"]
    ):
        errors.add("revenue_expected", "收入情景应满足：低收入 ≤ 预期收入 ≤ 高收入")
    growth = _percent(data, "growth", "年收入增长率", errors, default="0", lowest="-100")
    royalty_rate = _percent(data, "royalty_rate", "提成比例", errors, default="0")
    entry_fee = _amount(data, "entry_fee", "入门费", errors, default="0")
    entry_royalty_rate = _percent(data, "entry_royalty_rate", "入门费方式的提成比例", errors, default="0")
    deferred = _integer(data, "deferred_years", "延期支付年数", errors, low=1, high=max(term, 1), default=term)
    milestones = _milestones(data.get("milestones"), term, errors)
    probability = _percent(data, "default_probability", "违约概率", errors, default="0")
    premium_rate = _percent(data, "premium_rate", "保险费率", errors, default="0")
    start_raw = str(data.get("start") or "").strip()
    start = today
    if start_raw:
        try:
            start = dt.date.fromisoformat(start_raw)
        except ValueError:
            errors.add("start", f"签约日期“{start_raw}”不是有效日期（如 2026-06-30）")
    if errors.fields:
        first = next(iter(errors.fields.values()))[0]
        raise DomainError(f"模拟条件有误：{first}", code="simulator_invalid", field_errors=errors.fields)
    return Deal(
        price=price,
        term_years=term,
        discount_rate=rate,
        revenues=revenues,
        growth=growth,
        royalty_rate=royalty_rate,
        entry_fee=entry_fee,
        entry_royalty_rate=entry_royalty_rate,
        deferred_years=deferred,
        milestones=milestones,
        inventor_floor=inventor_floor,
        default_probability=probability,
        premium_rate=premium_rate,
        start=start,
    )
