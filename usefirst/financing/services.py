"""Writes of loan products (docs/financing.md): drafting, editing, versions and the provincial
review, the same shape as risk products (risk/services.py); the lifecycle is declared in
financing/workflows.py. Every write checks the product's rule as a whole before saving."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from usefirst.accounts.models import Organisation
from usefirst.core.actors import Actor
from usefirst.core.errors import DomainError, Forbidden
from usefirst.core.money import parse_amount
from usefirst.core.text import clean_text, clean_title
from usefirst.risk.products_lifecycle import ProductLifecycle
from usefirst.risk.services import _decimal

from .choices import LoanKind
from .models import LoanProduct, label_of
from .policies import is_bank_member
from .rules import check_product
from .workflows import LOAN_PRODUCT

MONEY_FIELDS = ("amount_min", "amount_max")
PERCENT_FIELDS = ("rate_min", "rate_max", "max_ratio_percent")
INT_FIELDS = ("term_months_min", "term_months_max")
LIST_FIELDS = ("modes", "enterprise_sizes", "regions")
EDITABLE_FIELDS = ("name", "kind", "summary", *MONEY_FIELDS, *PERCENT_FIELDS, *INT_FIELDS, *LIST_FIELDS, "pledge_required")
DEFAULTS: dict[str, Any] = {"term_months_min": 6, "term_months_max": 36, "max_ratio_percent": Decimal("70")}


def _flag(value: object) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "yes", "on", "是")
    return bool(value)


def clean_product_data(data: Mapping[str, Any]) -> dict[str, Any]:
    """The product's fields as typed, each checked on its own; every problem reported at once."""
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, Any] = {}

    def attempt(field: str, call: Any) -> None:
        try:
            cleaned[field] = call()
        except DomainError as exc:
            errors.setdefault(field, []).extend(exc.field_errors.get(field) or [exc.detail])

    attempt("name", lambda: clean_title(data.get("name"), field="name", label="产品名称", max_chars=120))
    attempt(
        "summary",
        lambda: clean_text(
            data.get("summary"), field="summary", label="产品说明", max_chars=2000, required=False, multiline=True
        ),
    )
    cleaned["kind"] = str(data.get("kind") or "")
    if cleaned["kind"] not in LoanKind.values:
        errors.setdefault("kind", []).append("请选择贷款类型")
    for name in MONEY_FIELDS:
        value = data.get(name)
        if value is None or (isinstance(value, str) and not value.strip()):
            cleaned[name] = None
            continue
        attempt(name, lambda v=value, n=name: parse_amount(v, allow_zero=True, label=label_of(n)))
    for name in PERCENT_FIELDS:
        number = _decimal(data.get(name), label_of(name), name, errors)
        cleaned[name] = number if number is not None else DEFAULTS.get(name)
    for name in INT_FIELDS:
        value = data.get(name)
        if value is None or value == "":
            cleaned[name] = DEFAULTS[name]
            continue
        try:
            cleaned[name] = int(value)
        except (TypeError, ValueError):
            errors.setdefault(name, []).append(f"{label_of(name)}应为整数")
    for name in LIST_FIELDS:
        value = data.get(name) or []
        cleaned[name] = sorted({str(v) for v in ([value] if isinstance(value, str) else value)})
    cleaned["pledge_required"] = _flag(data.get("pledge_required"))
    if errors:
        first = next(iter(errors.values()))[0]
        raise DomainError(f"输入有误：{first}", code="validation_failed", field_errors=errors)
    return cleaned


LIFECYCLE = ProductLifecycle(
    workflow=LOAN_PRODUCT,
    owner_field="bank",
    editable_fields=EDITABLE_FIELDS,
    clean=clean_product_data,
    check=check_product,
    series_prefix="FP",
    review_refusal="只有省科技厅可以审核融资产品",
    check_before_submit=True,
)


def product_create(*, actor: Actor, bank: Organisation, data: Mapping[str, Any]) -> LoanProduct:
    if not is_bank_member(actor, bank.pk):
        raise Forbidden("只有银行的成员可以发布融资产品", code="not_a_bank")
    product = LoanProduct(bank=bank, created_by=actor, series="")
    return LIFECYCLE.create(actor=actor, product=product, data=data)


def product_update(*, actor: Actor, product: LoanProduct, data: Mapping[str, Any]) -> LoanProduct:
    return LIFECYCLE.update(actor=actor, product=product, data=data)


# The lifecycle's writes, as this module's (risk/products_lifecycle.py): a new version copies a
# published or withdrawn one (the applications made under it keep it); approving supersedes the version published before it.
product_new_version = LIFECYCLE.new_version
product_submit = LIFECYCLE.submit
product_withdraw_submission = LIFECYCLE.withdraw_submission
product_approve = LIFECYCLE.approve
product_return = LIFECYCLE.return_
product_withdraw = LIFECYCLE.withdraw
