"""Writes of loan products (docs/financing.md): drafting, editing, versions and the provincial
review, the same shape as risk products (risk/services.py); the lifecycle is declared in
financing/workflows.py. Every write checks the product's rule as a whole before saving."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from usefirst.accounts.models import Organisation
from usefirst.core import workflow
from usefirst.core.actors import Actor
from usefirst.core.errors import Conflict, DomainError, Forbidden
from usefirst.core.money import parse_amount
from usefirst.core.permissions import Action, can
from usefirst.core.text import clean_reason, clean_text, clean_title
from usefirst.risk.services import _decimal
from usefirst.risk.workflows import ProductEventType as E

from .choices import PRODUCT_EDITABLE, LoanKind, ProductStatus
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


def _apply(product: LoanProduct, data: Mapping[str, Any]) -> None:
    cleaned = clean_product_data(data)
    for name in EDITABLE_FIELDS:
        setattr(product, name, cleaned[name])
    check_product(product)


def product_create(*, actor: Actor, bank: Organisation, data: Mapping[str, Any]) -> LoanProduct:
    if not is_bank_member(actor, bank.pk):
        raise Forbidden("只有银行的成员可以发布融资产品", code="not_a_bank")
    product = LoanProduct(bank=bank, created_by=actor, series="")
    _apply(product, data)
    with transaction.atomic():
        product.save()
        product.series = f"FP{product.pk:06d}"
        product.save(update_fields=["series"])
        workflow.record(LOAN_PRODUCT, product, E.CREATE, actor=actor, from_status="")
    return product


def product_update(*, actor: Actor, product: LoanProduct, data: Mapping[str, Any]) -> LoanProduct:
    if not can(actor, Action.CHANGE, product):
        raise Forbidden("您没有修改该产品的权限", code="forbidden")
    with transaction.atomic():
        locked = LoanProduct.objects.select_for_update().get(pk=product.pk)
        if locked.status not in PRODUCT_EDITABLE:
            raise Conflict(
                f"产品当前状态为“{locked.get_status_display()}”，不能直接修改；已发布的产品请创建新版本", code="not_editable"
            )
        _apply(locked, data)
        locked.updated_at = timezone.now()
        locked.save()
        workflow.record(LOAN_PRODUCT, locked, E.UPDATE, actor=actor)
    return locked


def product_new_version(*, actor: Actor, product: LoanProduct) -> LoanProduct:
    """A draft of the next version, copied from a published (or withdrawn) one, which stays as it
    is: the applications made under it keep it."""
    if not can(actor, Action.CHANGE, product):
        raise Forbidden("您没有修改该产品的权限", code="forbidden")
    with transaction.atomic():
        locked = LoanProduct.objects.select_for_update().get(pk=product.pk)
        if locked.status not in (ProductStatus.PUBLISHED, ProductStatus.WITHDRAWN):
            raise Conflict("只有已发布或已下线的产品可以创建新版本", code="not_editable")
        latest = LoanProduct.objects.filter(series=locked.series).order_by("-version").values_list("version", flat=True).first()
        copy = LoanProduct(
            bank=locked.bank,
            series=locked.series,
            version=(latest or locked.version) + 1,
            created_by=actor,
            **{name: getattr(locked, name) for name in EDITABLE_FIELDS},
        )
        try:
            with transaction.atomic():
                copy.save()
        except IntegrityError as exc:
            raise Conflict("该产品已有一个正在修改或审核中的新版本，请先完成它", code="product_version_open") from exc
        workflow.record(LOAN_PRODUCT, copy, E.NEW_VERSION, actor=actor, from_status="", payload={"from_version": locked.version})
    return copy


def product_submit(*, actor: Actor, product: LoanProduct) -> LoanProduct:
    with transaction.atomic():
        check_product(LoanProduct.objects.get(pk=product.pk))
        return workflow.move(LOAN_PRODUCT, product, "submit", actor=actor, also={"submitted_at": timezone.now()})


def product_withdraw_submission(*, actor: Actor, product: LoanProduct) -> LoanProduct:
    return workflow.move(LOAN_PRODUCT, product, "withdraw_submission", actor=actor)


def product_approve(*, actor: Actor, product: LoanProduct) -> LoanProduct:
    """Publish a submitted version; the version published before it is superseded in the same
    transaction."""
    with transaction.atomic():
        previous = (
            LoanProduct.objects.filter(series=product.series, status=ProductStatus.PUBLISHED).exclude(pk=product.pk).first()
        )
        if previous is not None and can(actor, Action.REVIEW, product):
            workflow.move(LOAN_PRODUCT, previous, "supersede", actor=actor, reason=f"第 {product.version} 版审核通过并发布")
        return workflow.move(
            LOAN_PRODUCT, product, "approve", actor=actor, reason="审核通过，予以发布", also={"published_at": timezone.now()}
        )


def product_return(*, actor: Actor, product: LoanProduct, reason: object) -> LoanProduct:
    if not can(actor, Action.REVIEW, product):
        raise Forbidden("只有省科技厅可以审核融资产品", code="forbidden")
    text = clean_reason(reason, label="退回理由")
    return workflow.move(LOAN_PRODUCT, product, "return", actor=actor, reason=text)


def product_withdraw(*, actor: Actor, product: LoanProduct, reason: object = "") -> LoanProduct:
    text = clean_reason(reason, label="下线说明", required=False)
    return workflow.move(LOAN_PRODUCT, product, "withdraw", actor=actor, reason=text)
