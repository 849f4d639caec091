"""The rules a product's data must keep to hold together (docs/domain.md, rule 8): a product whose
rule contradicts itself — a minimum above its maximum, an inverted range, a sum insured above the
contract amount, a rate out of range, a risk covered for a party the product does not insure — is
refused with every problem named at its field, and nothing is saved."""

from __future__ import annotations

from decimal import Decimal

from usefirst.catalog.choices import USE_FIRST_MODES
from usefirst.core.errors import DomainError
from usefirst.core.money import format_cny
from usefirst.core.regions import Region

from .choices import (
    GUARANTEE_TYPES,
    RISK_SIDE,
    CostHead,
    CoveredRisk,
    InsuredKind,
    PremiumMethod,
    ProductType,
    insured_sides,
)
from .models import Product, label_of

MAX_RATE_PERCENT = Decimal("20")  # a premium or guarantee fee rate above 20 % of the sum insured is a typing error
MAX_DEDUCTIBLE_PERCENT = Decimal("50")
LOADING_RANGE = (Decimal("0.50"), Decimal("3.00"))
LIMIT_MULTIPLE_RANGE = (Decimal("1"), Decimal("100"))
MAX_WAITING_DAYS = 365
TERM_MONTHS_RANGE = (1, 120)
SUBSIDY_MAX_PERCENT = Decimal("100")

LOADING_FIELDS = (
    "loading_trl_low",
    "loading_trl_mid",
    "loading_trl_high",
    "loading_pay_later",
    "loading_cooperate_later",
    "loading_record_good",
    "loading_record_none",
    "loading_record_poor",
)

# Enterprise sizes as accounts stores them (大/中/小/微).
ENTERPRISE_SIZES = ("large", "medium", "small", "micro")
PRODUCT_REGIONS = (Region.PRD, Region.EAST, Region.WEST, Region.NORTH)


def product_problems(product: Product, *, provider_kind: str) -> dict[str, list[str]]:
    """Every way this product's rule contradicts itself, by field."""
    problems: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        problems.setdefault(field, []).append(message)

    if product.product_type not in ProductType.values:
        add("product_type", "请选择产品类型")
    elif provider_kind == "guarantor" and product.product_type not in GUARANTEE_TYPES:
        add("product_type", "担保机构只能发布担保产品")
    elif provider_kind == "insurer" and product.product_type in GUARANTEE_TYPES:
        add("product_type", "保险机构只能发布保险产品")
    risks = list(product.covered_risks or [])
    if not risks:
        add("covered_risks", "请至少选择一项承保风险")
    unknown = [r for r in risks if r not in CoveredRisk.values]
    if unknown:
        add("covered_risks", "承保风险不在可选范围内")
    if product.insured_kind not in InsuredKind.values:
        add("insured_kind", "请选择被保险人")
    else:
        sides = insured_sides(product.insured_kind)
        uncovered = [str(CoveredRisk(r).label) for r in risks if r in RISK_SIDE and RISK_SIDE[r] not in sides]
        if uncovered:
            add("insured_kind", f"所选被保险人不承担这些风险：{'；'.join(uncovered)}。请改选被保险人或承保风险")
    heads = list(product.cost_heads or [])
    if [h for h in heads if h not in CostHead.values]:
        add("cost_heads", "费用科目不在可选范围内")
    if CoveredRisk.PILOT_FAILURE in risks and not heads:
        add("cost_heads", "承保小试/中试失败费用损失时，须列明承保的费用科目")
    if heads and CoveredRisk.PILOT_FAILURE not in risks:
        add("cost_heads", "未承保小试/中试失败费用损失，不应列明费用科目")
    modes = list(product.modes or [])
    if not modes or [m for m in modes if m not in USE_FIRST_MODES]:
        add("modes", "请选择适用的“先用后转”模式")
    if [s for s in product.enterprise_sizes or [] if s not in ENTERPRISE_SIZES]:
        add("enterprise_sizes", "企业规模不在可选范围内")
    if [r for r in product.regions or [] if r not in PRODUCT_REGIONS]:
        add("regions", "区域不在可选范围内")
    # Eligibility ranges.
    if product.amount_min is not None and product.amount_max is not None and product.amount_min > product.amount_max:
        add("amount_max", f"合同金额上限（{format_cny(product.amount_max)}）低于下限（{format_cny(product.amount_min)}）")
    if not (1 <= product.trl_min <= 9) or not (1 <= product.trl_max <= 9):
        add("trl_max", "技术成熟度应在 1 至 9 级之间")
    elif product.trl_min > product.trl_max:
        add("trl_max", f"技术成熟度上限（{product.trl_max} 级）低于下限（{product.trl_min} 级）")
    # Sum insured: never above the contract amount.
    if not (Decimal("0") < product.sum_insured_percent <= Decimal("100")):
        add("sum_insured_percent", "保险金额不能高于合同金额：比例应大于 0、不超过 100%")
    if product.sum_insured_cap is not None and product.sum_insured_cap <= 0:
        add("sum_insured_cap", "保险金额上限应大于零")
    # Premium.
    if product.premium_method == PremiumMethod.RATE:
        rate = product.premium_rate
        if rate is None or not (Decimal("0") < rate <= MAX_RATE_PERCENT):
            add("premium_rate", f"费率应大于 0、不超过 {MAX_RATE_PERCENT}%")
    elif product.premium_method == PremiumMethod.PER_PATENT:
        if product.base_premium is None or product.base_premium < 0:
            add("base_premium", "请填写基础保费（可为零）")
        if product.per_patent_premium is None or product.per_patent_premium <= 0:
            add("per_patent_premium", "每件专利保费应大于零")
        low, high = LIMIT_MULTIPLE_RANGE
        if product.limit_multiple is None or not (low <= product.limit_multiple <= high):
            add("limit_multiple", f"赔偿限额倍数应在 {low} 至 {high} 之间")
    else:
        add("premium_method", "请选择保费计算方式")
    if product.minimum_premium < 0:
        add("minimum_premium", "最低保费不能为负数")
    if product.sum_insured_cap is not None and product.minimum_premium > product.sum_insured_cap:
        add(
            "minimum_premium",
            f"最低保费（{format_cny(product.minimum_premium)}）高于保险金额上限（{format_cny(product.sum_insured_cap)}）",
        )
    if product.amount_max is not None and product.minimum_premium > product.amount_max:
        add(
            "minimum_premium",
            f"最低保费（{format_cny(product.minimum_premium)}）高于合同金额上限（{format_cny(product.amount_max)}）",
        )
    low, high = LOADING_RANGE
    for name in LOADING_FIELDS:
        value = getattr(product, name)
        if value is None or not (low <= value <= high):
            add(name, f"{label_of(name)}应在 {low} 至 {high} 之间")
    # Terms.
    if product.deductible_amount < 0:
        add("deductible_amount", "免赔额不能为负数")
    if product.sum_insured_cap is not None and product.deductible_amount >= product.sum_insured_cap:
        add("deductible_amount", "免赔额不能达到保险金额上限")
    if not (Decimal("0") <= product.deductible_percent <= MAX_DEDUCTIBLE_PERCENT):
        add("deductible_percent", f"免赔率应在 0 至 {MAX_DEDUCTIBLE_PERCENT}% 之间")
    if product.waiting_days > MAX_WAITING_DAYS:
        add("waiting_days", f"等待期最长 {MAX_WAITING_DAYS} 天")
    if not (TERM_MONTHS_RANGE[0] <= product.term_months <= TERM_MONTHS_RANGE[1]):
        add("term_months", f"期间应在 {TERM_MONTHS_RANGE[0]} 至 {TERM_MONTHS_RANGE[1]} 个月之间")
    return problems


def check_product(product: Product) -> None:
    problems = product_problems(product, provider_kind=product.provider.kind)
    if problems:
        first = next(iter(problems.values()))[0]
        raise DomainError(f"产品规则前后矛盾：{first}", code="product_rule_inconsistent", field_errors=problems)
