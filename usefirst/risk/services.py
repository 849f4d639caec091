"""Writes of risk products (docs/domain.md, rule 8): drafting, editing, versions and the review by
the provincial department (the lifecycle is declared in risk/workflows.py). Every write checks the
product's rule as a whole (`rules.check_product`) before anything is saved."""

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

from .choices import PRODUCT_EDITABLE, ProductStatus
from .models import Product, label_of
from .policies import is_provider_member
from .rules import LOADING_FIELDS, check_product
from .workflows import PRODUCT
from .workflows import ProductEventType as E

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


def _apply(product: Product, data: Mapping[str, Any]) -> None:
    cleaned = clean_product_data(data)
    for name in EDITABLE_FIELDS:
        setattr(product, name, cleaned[name])
    check_product(product)


def product_create(*, actor: Actor, provider: Organisation, data: Mapping[str, Any]) -> Product:
    if not is_provider_member(actor, provider):
        raise Forbidden("只有保险机构和担保机构的成员可以发布产品", code="not_a_provider")
    product = Product(provider=provider, created_by=actor, series="")
    _apply(product, data)
    with transaction.atomic():
        product.save()
        product.series = f"RP{product.pk:06d}"
        product.save(update_fields=["series"])
        workflow.record(PRODUCT, product, E.CREATE, actor=actor, from_status="")
    return product


def product_update(*, actor: Actor, product: Product, data: Mapping[str, Any]) -> Product:
    """Edit a draft or a returned version; a published one is changed through a new version."""
    if not can(actor, Action.CHANGE, product):
        raise Forbidden("您没有修改该产品的权限", code="forbidden")
    with transaction.atomic():
        locked = Product.objects.select_for_update().select_related("provider").get(pk=product.pk)
        if locked.status not in PRODUCT_EDITABLE:
            raise Conflict(
                f"产品当前状态为“{locked.get_status_display()}”，不能直接修改；已发布的产品请创建新版本",
                code="not_editable",
            )
        _apply(locked, data)
        locked.updated_at = timezone.now()
        locked.save()
        workflow.record(PRODUCT, locked, E.UPDATE, actor=actor)
    return locked


def product_new_version(*, actor: Actor, product: Product) -> Product:
    """A draft of the next version, copied from a published (or withdrawn) one, which stays as it
    is: what was issued under it keeps it."""
    if not can(actor, Action.CHANGE, product):
        raise Forbidden("您没有修改该产品的权限", code="forbidden")
    with transaction.atomic():
        locked = Product.objects.select_for_update().get(pk=product.pk)
        if locked.status not in (ProductStatus.PUBLISHED, ProductStatus.WITHDRAWN):
            raise Conflict("只有已发布或已下线的产品可以创建新版本", code="not_editable")
        if Product.objects.filter(series=locked.series, status__in=list(PRODUCT_EDITABLE | {ProductStatus.SUBMITTED})).exists():
            raise Conflict("该产品已有一个正在修改或审核中的新版本，请先完成它", code="product_version_open")
        latest = Product.objects.filter(series=locked.series).order_by("-version").values_list("version", flat=True).first()
        copy = Product(
            provider=locked.provider,
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
        workflow.record(PRODUCT, copy, E.NEW_VERSION, actor=actor, from_status="", payload={"from_version": locked.version})
    return copy


def product_submit(*, actor: Actor, product: Product) -> Product:
    return workflow.move(PRODUCT, product, "submit", actor=actor, also={"submitted_at": timezone.now()})


def product_withdraw_submission(*, actor: Actor, product: Product) -> Product:
    return workflow.move(PRODUCT, product, "withdraw_submission", actor=actor)


def product_approve(*, actor: Actor, product: Product) -> Product:
    """Publish a submitted version; the product's version published before it is superseded in the
    same transaction."""
    with transaction.atomic():
        previous = Product.objects.filter(series=product.series, status=ProductStatus.PUBLISHED).exclude(pk=product.pk).first()
        if previous is not None and can(actor, Action.REVIEW, product):
            workflow.move(PRODUCT, previous, "supersede", actor=actor, reason=f"第 {product.version} 版审核通过并发布")
        return workflow.move(
            PRODUCT, product, "approve", actor=actor, reason="审核通过，予以发布", also={"published_at": timezone.now()}
        )


def product_return(*, actor: Actor, product: Product, reason: str) -> Product:
    if not can(actor, Action.REVIEW, product):
        raise Forbidden("只有省科技厅可以审核产品", code="forbidden")
    reason = clean_reason(reason, label="退回理由")
    return workflow.move(PRODUCT, product, "return", actor=actor, reason=reason)


def product_withdraw(*, actor: Actor, product: Product, reason: str = "") -> Product:
    reason = clean_reason(reason, label="下线说明", required=False)
    return workflow.move(PRODUCT, product, "withdraw", actor=actor, reason=reason)
