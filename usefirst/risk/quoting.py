"""Quotes: which products fit a deal, and what each costs, with the arithmetic shown step by step
(docs/domain.md, rule 8). Everything here is pure: it reads a product (a version), the deal's facts
and the subsidy rules, and returns what a person reads. Every step is rounded half up to the cent
(`core.money.to_cny`) and the next step starts from the rounded figure, so the steps shown add up
exactly to the premium charged.

Eligibility bounds include the figure itself (以上/以下 include it, 民法典 art. 1259): a product
for contracts of 100,000.00 to 1,000,000.00 fits a contract of exactly 100,000.00 or 1,000,000.00.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from usefirst.catalog.choices import Mode
from usefirst.core.money import HUNDRED, format_cny, to_cny
from usefirst.core.regions import Region

from .choices import CostHead, CoveredRisk, InsuredKind, PerformanceRecord, PremiumMethod, ProductType
from .models import Product, SubsidyRule

ZERO = Decimal("0.00")
SUPPORTED_REGIONS = (Region.EAST, Region.WEST, Region.NORTH)
SIZE_LABELS = {"large": "大型", "medium": "中型", "small": "小型", "micro": "微型"}


@dataclass(frozen=True)
class DealFacts:
    """What a quote needs to know about the deal (read from the contract and its payment plan)."""

    mode: str
    amount: Decimal | None  # the contract amount; None while nothing is agreed
    amount_source: str  # where the amount was read: “合同金额”, “付款计划合计”
    trl: int | None
    enterprise_size: str
    region: str
    field_codes: tuple[str, ...] = ()
    patents: int = 0
    free_use_days: int | None = None
    record: str = PerformanceRecord.NONE
    other_subsidies: Decimal = ZERO  # other public subsidies of the same premium
    subsidised_this_year: Decimal = ZERO  # premium subsidies the firm already had this year


@dataclass(frozen=True)
class Step:
    label: str
    formula: str
    result: Decimal


@dataclass
class SubsidyQuote:
    rule: SubsidyRule
    subsidy: Decimal
    payable: Decimal
    steps: list[Step] = field(default_factory=list)


@dataclass
class Quote:
    product: Product
    sum_insured: Decimal
    premium: Decimal
    steps: list[Step]
    subsidy: SubsidyQuote | None
    cover: list[str]
    cost_heads: list[str]
    exclusions: str
    deductible: str

    @property
    def payable(self) -> Decimal:
        return self.subsidy.payable if self.subsidy is not None else self.premium

    @property
    def sum_word(self) -> str:
        return sum_word(self.product)

    @property
    def premium_word(self) -> str:
        return premium_word(self.product)


@dataclass
class Fit:
    product: Product
    reasons: list[str]  # why it does not fit; empty when it does

    @property
    def fits(self) -> bool:
        return not self.reasons


def sum_word(product: Product) -> str:
    return "担保金额" if product.is_guarantee else "保险金额"


def premium_word(product: Product) -> str:
    return "担保费" if product.is_guarantee else "保费"


def _pct(value: Decimal) -> str:
    return f"{value.normalize():f}%"


def _factor(value: Decimal) -> str:
    return f"{value:.2f}"


# ---------------------------------------------------------------- eligibility


def why_not(product: Product, deal: DealFacts) -> list[str]:
    """Every condition of the product the deal does not meet, in words."""
    reasons: list[str] = []
    if deal.mode not in (product.modes or []):
        modes = "、".join(str(m.label) for m in Mode if m in (product.modes or []))
        current = str(Mode(deal.mode).label) if deal.mode in Mode.values else "未约定"
        reasons.append(f"适用模式为{modes}，本合同为{current}")
    if deal.amount is None:
        reasons.append("合同尚未约定金额，无法确定保险（担保）金额")
    else:
        if product.amount_min is not None and deal.amount < product.amount_min:
            reasons.append(f"合同金额 {format_cny(deal.amount)} 低于产品下限 {format_cny(product.amount_min)}")
        if product.amount_max is not None and deal.amount > product.amount_max:
            reasons.append(f"合同金额 {format_cny(deal.amount)} 高于产品上限 {format_cny(product.amount_max)}")
    if deal.trl is None:
        reasons.append("合同未列明成果，无法确定技术成熟度")
    elif not (product.trl_min <= deal.trl <= product.trl_max):
        reasons.append(f"技术成熟度应为 {product.trl_min}–{product.trl_max} 级，本合同成果为 {deal.trl} 级")
    if product.enterprise_sizes and deal.enterprise_size not in product.enterprise_sizes:
        sizes = "、".join(label for size, label in SIZE_LABELS.items() if size in product.enterprise_sizes)
        reasons.append(f"仅承保{sizes}企业，被许可企业为{SIZE_LABELS.get(deal.enterprise_size, '未登记规模')}企业")
    if product.regions and deal.region not in product.regions:
        regions = "、".join(str(r.label) for r in Region if r in product.regions)
        current = str(Region(deal.region).label) if deal.region in Region.values else "未知区域"
        reasons.append(f"仅承保{regions}的企业，被许可企业位于{current}")
    if product.tech_fields and not set(product.tech_fields) & set(deal.field_codes):
        reasons.append("合同成果的技术领域不在产品承保的领域内")
    if product.premium_method == PremiumMethod.PER_PATENT and deal.patents == 0:
        reasons.append("按专利件数计费，合同成果未登记专利")
    return reasons


# ---------------------------------------------------------------- premium


def _trl_loading(product: Product, trl: int) -> tuple[Decimal, str]:
    if trl <= 3:
        return product.loading_trl_low, "1–3 级"
    if trl <= 6:
        return product.loading_trl_mid, "4–6 级"
    return product.loading_trl_high, "7–9 级"


def _mode_loading(product: Product, mode: str) -> Decimal:
    return product.loading_cooperate_later if mode == Mode.COOPERATE_LATER else product.loading_pay_later


def _record_loading(product: Product, record: str) -> Decimal:
    return {
        PerformanceRecord.GOOD: product.loading_record_good,
        PerformanceRecord.POOR: product.loading_record_poor,
    }.get(PerformanceRecord(record), product.loading_record_none)


def quote(product: Product, deal: DealFacts, *, rules: list[SubsidyRule], on: dt.date) -> Quote:
    """The premium and the cover of a product that fits the deal (`why_not` is empty)."""
    if deal.amount is None or deal.trl is None:
        raise ValueError("a quote needs the contract amount and the TRL")
    amount = to_cny(deal.amount)
    s, p = sum_word(product), premium_word(product)
    steps: list[Step] = []
    if product.premium_method == PremiumMethod.RATE:
        assert product.premium_rate is not None
        insured = to_cny(amount * product.sum_insured_percent / HUNDRED)
        steps.append(Step(s, f"{deal.amount_source} {format_cny(amount)} × {_pct(product.sum_insured_percent)}", insured))
        if product.sum_insured_cap is not None and insured > product.sum_insured_cap:
            insured = to_cny(product.sum_insured_cap)
            steps.append(Step(f"{s}（取上限）", f"不超过产品上限 {format_cny(product.sum_insured_cap)}", insured))
        running = to_cny(insured * product.premium_rate / HUNDRED)
        steps.append(Step(f"基础{p}", f"{s} {format_cny(insured)} × 费率 {_pct(product.premium_rate)}", running))
    else:
        assert product.base_premium is not None and product.per_patent_premium is not None
        running = to_cny(product.base_premium + product.per_patent_premium * deal.patents)
        steps.append(
            Step(
                f"基础{p}",
                f"基础{p} {format_cny(product.base_premium)} + 每件 {format_cny(product.per_patent_premium)} × {deal.patents} 件专利",
                running,
            )
        )
        insured = ZERO  # set from the premium below
    trl_factor, band = _trl_loading(product, deal.trl)
    running = to_cny(running * trl_factor)
    steps.append(Step("技术成熟度系数", f"× {_factor(trl_factor)}（成果 {deal.trl} 级，{band}）", running))
    mode_factor = _mode_loading(product, deal.mode)
    running = to_cny(running * mode_factor)
    steps.append(Step("模式系数", f"× {_factor(mode_factor)}（{Mode(deal.mode).label}）", running))
    record_factor = _record_loading(product, deal.record)
    running = to_cny(running * record_factor)
    steps.append(Step("履约记录系数", f"× {_factor(record_factor)}（{PerformanceRecord(deal.record).label}）", running))
    premium = running
    if premium < product.minimum_premium:
        premium = to_cny(product.minimum_premium)
        steps.append(Step(f"{p}（取最低{p}）", f"不低于最低{p} {format_cny(product.minimum_premium)}", premium))
    if product.premium_method == PremiumMethod.PER_PATENT:
        assert product.limit_multiple is not None
        insured = to_cny(premium * product.limit_multiple)
        steps.append(Step("赔偿限额", f"{p} {format_cny(premium)} × {product.limit_multiple.normalize():f} 倍", insured))
        if product.sum_insured_cap is not None and insured > product.sum_insured_cap:
            insured = to_cny(product.sum_insured_cap)
            steps.append(Step("赔偿限额（取上限）", f"不超过产品上限 {format_cny(product.sum_insured_cap)}", insured))
        if insured > amount:
            insured = amount
            steps.append(Step("赔偿限额（不超过合同金额）", f"不超过{deal.amount_source} {format_cny(amount)}", insured))
    steps.append(Step(f"应缴{p}", f"共 {format_cny(premium)}", premium))
    rule = matching_rule(product, deal, rules, on=on)
    return Quote(
        product=product,
        sum_insured=insured,
        premium=premium,
        steps=steps,
        subsidy=subsidise(rule, premium, deal) if rule is not None else None,
        cover=[str(CoveredRisk(r).label) for r in product.covered_risks if r in CoveredRisk.values],
        cost_heads=[str(CostHead(h).label) for h in product.cost_heads or [] if h in CostHead.values],
        exclusions=product.exclusions,
        deductible=deductible_text(product),
    )


def deductible_text(product: Product) -> str:
    amount, percent = product.deductible_amount, product.deductible_percent
    if amount > 0 and percent > 0:
        return f"每次事故免赔额 {format_cny(amount)}或损失金额的 {_pct(percent)}，以高者为准"
    if amount > 0:
        return f"每次事故免赔额 {format_cny(amount)}"
    if percent > 0:
        return f"免赔率为损失金额的 {_pct(percent)}"
    return "无免赔"


# ---------------------------------------------------------------- subsidies


def matching_rule(product: Product, deal: DealFacts, rules: list[SubsidyRule], *, on: dt.date) -> SubsidyRule | None:
    """The first subsidy rule in force on `on` for this product type, insured kind and region."""
    for rule in rules:
        if rule.valid_from > on or (rule.valid_until is not None and rule.valid_until < on):
            continue
        if rule.product_types and product.product_type not in rule.product_types:
            continue
        if rule.insured_kinds and product.insured_kind not in rule.insured_kinds:
            continue
        if rule.regions and deal.region not in rule.regions:
            continue
        return rule
    return None


def subsidise(rule: SubsidyRule, premium: Decimal, deal: DealFacts) -> SubsidyQuote:
    """The subsidy of a premium: the rule's share (higher in east, west and north Guangdong), at most
    what is left of the firm's cap this year, and at most what is left under the cap on all public
    subsidies of the premium together. Never below zero."""
    steps: list[Step] = []
    regional = deal.region in SUPPORTED_REGIONS and rule.regional_rate_percent is not None
    rate = rule.regional_rate_percent if regional and rule.regional_rate_percent is not None else rule.rate_percent
    where = f"（{Region(deal.region).label}，粤东粤西粤北比例）" if regional else ""
    by_rate = to_cny(premium * rate / HUNDRED)
    steps.append(Step("按比例补贴", f"实缴保费 {format_cny(premium)} × {_pct(rate)}{where}", by_rate))
    left_this_year = max(ZERO, to_cny(rule.annual_cap_per_firm - deal.subsidised_this_year))
    steps.append(
        Step(
            "本年度剩余额度",
            f"每家企业每年上限 {format_cny(rule.annual_cap_per_firm)} − 本年度已获 {format_cny(deal.subsidised_this_year)}",
            left_this_year,
        )
    )
    stacked = to_cny(premium * rule.stacked_cap_percent / HUNDRED)
    left_stacked = max(ZERO, to_cny(stacked - deal.other_subsidies))
    steps.append(
        Step(
            "叠加上限剩余",
            f"保费 {format_cny(premium)} × {_pct(rule.stacked_cap_percent)} − 其他财政补贴 {format_cny(deal.other_subsidies)}",
            left_stacked,
        )
    )
    subsidy = min(by_rate, left_this_year, left_stacked)
    steps.append(Step("保费补贴", "取以上三者中最小者", subsidy))
    payable = to_cny(premium - subsidy)
    steps.append(Step("补贴后企业实付", f"{format_cny(premium)} − {format_cny(subsidy)}", payable))
    return SubsidyQuote(rule=rule, subsidy=subsidy, payable=payable, steps=steps)


# ---------------------------------------------------------------- in words, for the pages


def describe(product: Product) -> dict[str, object]:
    """A product's rule in words, as its page shows it."""
    if product.amount_min is not None and product.amount_max is not None:
        amount_range = f"{format_cny(product.amount_min)} 至 {format_cny(product.amount_max)}（含两端）"
    elif product.amount_min is not None:
        amount_range = f"{format_cny(product.amount_min)} 以上（含本数）"
    elif product.amount_max is not None:
        amount_range = f"{format_cny(product.amount_max)} 以下（含本数）"
    else:
        amount_range = "不限"
    p = premium_word(product)
    if product.premium_method == PremiumMethod.PER_PATENT and product.base_premium is not None:
        premium_rule = (
            f"基础{p} {format_cny(product.base_premium)} 加每件专利 {format_cny(product.per_patent_premium or ZERO)}，"
            f"赔偿限额为{p}的 {(product.limit_multiple or ZERO).normalize():f} 倍（不超过合同金额）"
        )
    else:
        premium_rule = f"{sum_word(product)} × 费率 {_pct(product.premium_rate or ZERO)}"
    return {
        "risks": [str(CoveredRisk(r).label) for r in product.covered_risks if r in CoveredRisk.values],
        "heads": [str(CostHead(h).label) for h in product.cost_heads or [] if h in CostHead.values],
        "insured_label": dict(InsuredKind.choices).get(product.insured_kind, ""),
        "modes": [str(m.label) for m in Mode if m in (product.modes or [])],
        "amount_range": amount_range,
        "sizes": "、".join(label for size, label in SIZE_LABELS.items() if size in (product.enterprise_sizes or [])),
        "regions": "、".join(str(r.label) for r in Region if r in (product.regions or [])),
        "sum_word": sum_word(product),
        "premium_word": p,
        "premium_rule": premium_rule,
        "deductible": deductible_text(product),
        "type_label": dict(ProductType.choices).get(product.product_type, ""),
    }


def describe_deal(deal: DealFacts) -> dict[str, str]:
    return {
        "deal_mode": str(Mode(deal.mode).label) if deal.mode in Mode.values else "",
        "deal_size": SIZE_LABELS.get(deal.enterprise_size, ""),
        "deal_region": str(Region(deal.region).label) if deal.region in Region.values else "区域未知",
        "deal_record": str(PerformanceRecord(deal.record).label),
    }


def describe_rule(rule: SubsidyRule) -> dict[str, str]:
    """A subsidy rule in words, as its page shows it."""
    regional = f"；粤东粤西粤北 {_pct(rule.regional_rate_percent)}" if rule.regional_rate_percent is not None else ""
    types = "、".join(str(t.label) for t in ProductType if t in (rule.product_types or [])) or "全部产品类型"
    insured = "、".join(str(k.label) for k in InsuredKind if k in (rule.insured_kinds or [])) or "不限"
    regions = "、".join(str(r.label) for r in Region if r in (rule.regions or [])) or "全省"
    until = f"至 {rule.valid_until:%Y-%m-%d}" if rule.valid_until else "起长期有效"
    return {
        "rate": f"实缴保费的 {_pct(rule.rate_percent)}{regional}",
        "caps": (
            f"每家企业每年不超过 {format_cny(rule.annual_cap_per_firm)}；"
            f"与其他财政补贴合计不超过保费的 {_pct(rule.stacked_cap_percent)}"
        ),
        "scope": f"{types}；被保险人：{insured}；区域：{regions}",
        "period": f"{rule.valid_from:%Y-%m-%d} {until}",
    }
