"""The rules a loan product's data must keep to hold together (docs/financing.md): a minimum above
its maximum (amount, rate, term), a share of the contract amount above 100 %, a rate out of range
— each problem named at its field, nothing saved. And the eligibility of a deal for a product."""

from __future__ import annotations

from decimal import Decimal

from usefirst.catalog.choices import USE_FIRST_MODES
from usefirst.core.errors import DomainError
from usefirst.core.money import format_cny
from usefirst.risk.rules import ENTERPRISE_SIZES, PRODUCT_REGIONS

from .choices import LoanKind
from .models import LoanProduct

MAX_RATE_PERCENT = Decimal("24")  # an annual rate above 24 % is a typing error (and above the judicial cap)
TERM_MONTHS_RANGE = (1, 120)
HUNDRED = Decimal("100")


def product_problems(product: LoanProduct) -> dict[str, list[str]]:
    problems: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        problems.setdefault(field, []).append(message)

    if product.kind not in LoanKind.values:
        add("kind", "请选择贷款类型")
    modes = list(product.modes or [])
    if not modes or [m for m in modes if m not in USE_FIRST_MODES]:
        add("modes", "请选择适用的“先用后转”模式")
    if [s for s in product.enterprise_sizes or [] if s not in ENTERPRISE_SIZES]:
        add("enterprise_sizes", "企业规模不在可选范围内")
    if [r for r in product.regions or [] if r not in PRODUCT_REGIONS]:
        add("regions", "区域不在可选范围内")
    if product.amount_max is None or product.amount_max <= 0:
        add("amount_max", "请填写大于零的贷款金额上限")
    if product.amount_min is not None and product.amount_max is not None and product.amount_min > product.amount_max:
        add("amount_max", f"贷款金额上限（{format_cny(product.amount_max)}）低于下限（{format_cny(product.amount_min)}）")
    low, high = product.rate_min, product.rate_max
    for name, value in (("rate_min", low), ("rate_max", high)):
        if value is None or not (Decimal("0") < value <= MAX_RATE_PERCENT):
            add(name, f"年利率应大于 0、不超过 {MAX_RATE_PERCENT}%")
    if low is not None and high is not None and low > high:
        add("rate_max", f"年利率上限（{high}%）低于下限（{low}%）")
    for name in ("term_months_min", "term_months_max"):
        value = getattr(product, name)
        if not (TERM_MONTHS_RANGE[0] <= value <= TERM_MONTHS_RANGE[1]):
            add(name, f"贷款期限应在 {TERM_MONTHS_RANGE[0]} 至 {TERM_MONTHS_RANGE[1]} 个月之间")
    if product.term_months_min > product.term_months_max:
        add("term_months_max", f"贷款期限上限（{product.term_months_max} 个月）低于下限（{product.term_months_min} 个月）")
    ratio = product.max_ratio_percent
    if ratio is None or not (Decimal("0") < ratio <= HUNDRED):
        add("max_ratio_percent", "贷款金额不能高于合同金额：比例应大于 0、不超过 100%")
    if product.pledge_required and product.kind != LoanKind.PURCHASE:
        add("pledge_required", "只有购买贷以所购专利质押")
    return problems


def check_product(product: LoanProduct) -> None:
    problems = product_problems(product)
    if problems:
        first = next(iter(problems.values()))[0]
        raise DomainError(f"产品规则前后矛盾：{first}", code="loan_product_inconsistent", field_errors=problems)
