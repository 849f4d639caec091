"""Writes of risk products (docs/domain.md, rule 8): drafting, editing, versions and the review by
the provincial department (the lifecycle is declared in risk/workflows.py). Every write checks the
product's rule as a whole (`rules.check_product`) before anything is saved."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from usefirst.accounts.models import Organisation
from usefirst.core.actors import Actor
from usefirst.core.errors import DomainError, Forbidden
from usefirst.core.money import parse_amount
from usefirst.core.text import clean_text, clean_title

from .models import Product, label_of
from .policies import is_provider_member
from .products_lifecycle import ProductLifecycle
from .rules import LOADING_FIELDS, check_product
from .workflows import PRODUCT

TEXT_FIELDS = {
    "summary": ("产品说明", False),
    "claim_triggers": ("理赔（代偿）触发条件", True),
    "claim_documents": ("理赔（代偿）所需材料", True),
    "exclusions": ("责任免除", False),
}
MONEY_FIELDS = {
    "amount_min": ("合同金额下限", True),
    "amount_max": ("合同金额上限", True),
    "sum_insured_cap": ("保险金额上限", True),
    "minimum_premium": ("最低保费", False),
    "base_premium": ("基础保费", True),
    "per_patent_premium": ("每件专利保费", True),
    "deductible_amount": ("免赔额", False),
}
DECIMAL_FIELDS = (
    "sum_insured_percent",
    "premium_rate",
    "limit_multiple",
    "deductible_percent",
    *LOADING_FIELDS,
)
PLAIN_FIELDS = (
    "product_type",
    "insured_kind",
    "premium_method",
    "trl_min",
    "trl_max",
    "waiting_days",
    "term_months",
    "overdue_trigger_days",
)
LIST_FIELDS = ("covered_risks", "cost_heads", "modes", "enterprise_sizes", "regions", "tech_fields")
BOOL_FIELDS = ("breach_trigger",)
# The fields a provider edits; a new version copies them all.
EDITABLE_FIELDS = ("name", *TEXT_FIELDS, *MONEY_FIELDS, *DECIMAL_FIELDS, *PLAIN_FIELDS, *LIST_FIELDS, *BOOL_FIELDS)
DEFAULTS: dict[str, Any] = {
    "minimum_premium": Decimal("0.00"),
    "deductible_amount": Decimal("0.00"),
    "deductible_percent": Decimal("0"),
    "sum_insured_percent": Decimal("100"),
    "trl_min": 1,
    "trl_max": 9,
    "waiting_days": 0,
    "term_months": 12,
    **dict.fromkeys(LOADING_FIELDS, Decimal("1.00")),
}


def _decimal(value: Any, label: str, field: str, errors: dict[str, list[str]]) -> Decimal | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, float):
        errors.setdefault(field, []).append(f"{label}必须以精确的十进制数提交")
        return None
    try:
        number = Decimal(str(value).strip())
    except ArithmeticError:
        number = Decimal("NaN")
    if not number.is_finite() or number < 0 or number >= Decimal("1000000"):
        errors.setdefault(field, []).append(f"{label}应为不小于 0 的数字")
        return None
    if number != number.quantize(Decimal("0.0001")):
        errors.setdefault(field, []).append(f"{label}最多保留四位小数")
        return None
    return number


def clean_product_data(data: Mapping[str, Any]) -> dict[str, Any]:
    """The product's fields as typed, each checked on its own (the rule as a whole is checked by
    `rules.check_product`); every problem is reported at once, by field."""
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, Any] = {}

    def attempt(field: str, call: Any) -> None:
        try:
            cleaned[field] = call()
        except DomainError as exc:
            errors.setdefault(field, []).extend(exc.field_errors.get(field) or [exc.detail])

    attempt("name", lambda: clean_title(data.get("name"), field="name", label="产品名称", max_chars=120))
    for name, (label, required) in TEXT_FIELDS.items():
        attempt(
            name,
            lambda n=name, lb=label, r=required: clean_text(
                data.get(n), field=n, label=lb, max_chars=3000, required=r, multiline=True
            ),
        )
    for name, (label, optional) in MONEY_FIELDS.items():
        value = data.get(name)
        if value is None or (isinstance(value, str) and not value.strip()):
            cleaned[name] = None if optional else DEFAULTS[name]
            continue
        attempt(name, lambda v=value, lb=label: parse_amount(v, allow_zero=True, label=lb))
    for name in DECIMAL_FIELDS:
        label = label_of(name)
        number = _decimal(data.get(name), label, name, errors)
        cleaned[name] = number if number is not None or name not in DEFAULTS else DEFAULTS[name]
    for name in PLAIN_FIELDS:
        value = data.get(name)
        if name == "overdue_trigger_days":
            if value is None or value == "":
                cleaned[name] = None
                continue
            try:
                cleaned[name] = int(value)
            except (TypeError, ValueError):
                errors.setdefault(name, []).append(f"{label_of(name)}应为整数")
                continue
            if not 1 <= cleaned[name] <= 365:
                errors.setdefault(name, []).append("应为 1 至 365 之间的整数")
            continue
        if name in DEFAULTS:
            if value is None or value == "":
                cleaned[name] = DEFAULTS[name]
                continue
            try:
                cleaned[name] = int(value)
            except (TypeError, ValueError):
                label = label_of(name)
                errors.setdefault(name, []).append(f"{label}应为整数")
            else:
                if cleaned[name] < 0:
                    errors.setdefault(name, []).append("不能为负数")
        else:
            cleaned[name] = str(value or "")
    for name in LIST_FIELDS:
        value = data.get(name) or []
        cleaned[name] = sorted({str(v) for v in ([value] if isinstance(value, str) else value)})
    for name in BOOL_FIELDS:
        cleaned[name] = data.get(name) in (True, "on", "true", "1", 1)
    if errors:
        first = next(iter(errors.values()))[0]
        raise DomainError(f"输入有误：{first}", code="validation_failed", field_errors=errors)
    return cleaned


LIFECYCLE = ProductLifecycle(
    workflow=PRODUCT,
    owner_field="provider",
    editable_fields=EDITABLE_FIELDS,
    clean=clean_product_data,
    check=check_product,
    series_prefix="RP",
    review_refusal="只有省科技厅可以审核产品",
)


def product_create(*, actor: Actor, provider: Organisation, data: Mapping[str, Any]) -> Product:
    if not is_provider_member(actor, provider):
        raise Forbidden("只有保险机构和担保机构的成员可以发布产品", code="not_a_provider")
    product = Product(provider=provider, created_by=actor, series="")
    return LIFECYCLE.create(actor=actor, product=product, data=data)


def product_update(*, actor: Actor, product: Product, data: Mapping[str, Any]) -> Product:
    """Edit a draft or a returned version; a published one is changed through a new version."""
    return LIFECYCLE.update(actor=actor, product=product, data=data)


# The lifecycle's writes, as this module's (risk/products_lifecycle.py): a new version copies a
# published or withdrawn one (what was issued under it keeps it); approving supersedes the version published before it.
product_new_version = LIFECYCLE.new_version
product_submit = LIFECYCLE.submit
product_withdraw_submission = LIFECYCLE.withdraw_submission
product_approve = LIFECYCLE.approve
product_return = LIFECYCLE.return_
product_withdraw = LIFECYCLE.withdraw
