"""Risk endpoints of the open API: insurance and guarantee products, their review, and a
contract's quotes. Published products are open to anonymous clients; every write needs a bearer
token or a session and calls the same service as the pages; every refusal is problem+json."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from ninja.security import django_auth

from usefirst.accounts.models import Organisation
from usefirst.api.auth import TokenAuth, optional_user
from usefirst.api.fields import PageQuery, ReasonIn
from usefirst.core.actors import AuthenticatedHttpRequest
from usefirst.core.errors import Forbidden
from usefirst.core.pagination import paginate
from usefirst.core.permissions import Action, get_for_user

from . import policies, selectors, services
from .models import Product, SubsidyRule
from .quoting import Quote, Step

router = Router(tags=["科技保险与担保"])
AUTH = [TokenAuth(), django_auth]


class ProductIn(Schema):
    provider_id: int | None = None
    name: str
    product_type: str
    summary: str = ""
    covered_risks: list[str]
    cost_heads: list[str] = []
    insured_kind: str
    modes: list[str]
    amount_min: Decimal | None = None
    amount_max: Decimal | None = None
    trl_min: int = 1
    trl_max: int = 9
    enterprise_sizes: list[str] = []
    regions: list[str] = []
    tech_fields: list[str] = []
    sum_insured_percent: Decimal = Decimal("100")
    sum_insured_cap: Decimal | None = None
    premium_method: str = "rate"
    premium_rate: Decimal | None = None
    minimum_premium: Decimal = Decimal("0.00")
    base_premium: Decimal | None = None
    per_patent_premium: Decimal | None = None
    limit_multiple: Decimal | None = None
    loading_trl_low: Decimal = Decimal("1.00")
    loading_trl_mid: Decimal = Decimal("1.00")
    loading_trl_high: Decimal = Decimal("1.00")
    loading_pay_later: Decimal = Decimal("1.00")
    loading_cooperate_later: Decimal = Decimal("1.00")
    loading_record_good: Decimal = Decimal("1.00")
    loading_record_none: Decimal = Decimal("1.00")
    loading_record_poor: Decimal = Decimal("1.00")
    deductible_amount: Decimal = Decimal("0.00")
    deductible_percent: Decimal = Decimal("0")
    waiting_days: int = 0
    term_months: int = 12
    claim_triggers: str
    claim_documents: str
    exclusions: str = ""


class ProductOut(ProductIn):
    id: int
    provider_id: int | None
    provider_name: str
    series: str
    version: int
    status: str
    status_label: str
    published_at: dt.datetime | None


class ProductPageOut(Schema):
    count: int
    page: int
    page_size: int
    num_pages: int
    items: list[ProductOut]


class StepOut(Schema):
    label: str
    formula: str
    result: Decimal


class SubsidyOut(Schema):
    rule: str
    subsidy: Decimal
    payable: Decimal
    steps: list[StepOut]


class QuoteOut(Schema):
    product_id: int
    product_name: str
    product_version: int
    provider_name: str
    sum_insured: Decimal
    premium: Decimal
    steps: list[StepOut]
    subsidy: SubsidyOut | None
    payable: Decimal
    cover: list[str]
    cost_heads: list[str]
    deductible: str
    exclusions: str


class NotFittingOut(Schema):
    product_id: int
    product_name: str
    reasons: list[str]


class QuoteSheetOut(Schema):
    contract_id: int
    amount: Decimal | None
    amount_source: str
    quotes: list[QuoteOut]
    not_fitting: list[NotFittingOut]


class SubsidyRuleOut(Schema):
    id: int
    name: str
    rate_percent: Decimal
    regional_rate_percent: Decimal | None
    annual_cap_per_firm: Decimal
    stacked_cap_percent: Decimal
    product_types: list[str]
    insured_kinds: list[str]
    regions: list[str]
    valid_from: dt.date
    valid_until: dt.date | None


class QuoteQuery(Schema):
    other_subsidies: str | None = None


def _out(product: Product) -> dict[str, Any]:
    data = {name: getattr(product, name) for name in services.EDITABLE_FIELDS}
    return data | {
        "id": product.pk,
        "provider_id": product.provider_id,
        "provider_name": product.provider.name,
        "series": product.series,
        "version": product.version,
        "status": product.status,
        "status_label": product.get_status_display(),
        "published_at": product.published_at,
    }


def _steps(steps: list[Step]) -> list[dict[str, Any]]:
    return [{"label": s.label, "formula": s.formula, "result": s.result} for s in steps]


def _quote(q: Quote) -> dict[str, Any]:
    return {
        "product_id": q.product.pk,
        "product_name": q.product.name,
        "product_version": q.product.version,
        "provider_name": q.product.provider.name,
        "sum_insured": q.sum_insured,
        "premium": q.premium,
        "steps": _steps(q.steps),
        "subsidy": (
            {
                "rule": q.subsidy.rule.name,
                "subsidy": q.subsidy.subsidy,
                "payable": q.subsidy.payable,
                "steps": _steps(q.subsidy.steps),
            }
            if q.subsidy
            else None
        ),
        "payable": q.payable,
        "cover": q.cover,
        "cost_heads": q.cost_heads,
        "deductible": q.deductible,
        "exclusions": q.exclusions,
    }


def _product(request: HttpRequest, pk: int, action: Action) -> Product:
    return get_for_user(Product.objects.select_related("provider"), request.user, action, pk=pk)


@router.get("/risk/products", response=ProductPageOut, auth=None, summary="已发布的保险与担保产品（公开）")
def product_list(request: HttpRequest, query: Query[PageQuery]) -> dict[str, Any]:
    page = paginate(selectors.published_products(optional_user(request)), page=query.page or 1, page_size=query.page_size or 20)
    return {**page.__dict__, "items": [_out(p) for p in page.items]}


@router.get("/risk/subsidy-rules", response=list[SubsidyRuleOut], auth=None, summary="保费补贴规则（公开）")
def subsidy_rule_list(request: HttpRequest) -> list[SubsidyRule]:
    return selectors.subsidy_rules(optional_user(request))


@router.get("/risk/products/mine", response=ProductPageOut, auth=AUTH, summary="本机构的产品（各版本）")
def product_mine(request: AuthenticatedHttpRequest, query: Query[PageQuery]) -> dict[str, Any]:
    ids = policies.provider_ids(request.user)
    if not ids:
        raise Forbidden("只有保险机构和担保机构的成员可以管理产品", code="not_a_provider")
    page = paginate(selectors.products_of_provider(request.user, ids), page=query.page or 1, page_size=query.page_size or 20)
    return {**page.__dict__, "items": [_out(p) for p in page.items]}


@router.get("/risk/review/products", response=ProductPageOut, auth=AUTH, summary="待省科技厅审核的产品")
def product_review_queue(request: AuthenticatedHttpRequest, query: Query[PageQuery]) -> dict[str, Any]:
    page = paginate(selectors.products_waiting_review(request.user), page=query.page or 1, page_size=query.page_size or 20)
    return {**page.__dict__, "items": [_out(p) for p in page.items]}


@router.get("/risk/products/{pk}", response=ProductOut, auth=None, summary="产品详情")
def product_detail(request: HttpRequest, pk: int) -> dict[str, Any]:
    return _out(get_for_user(Product.objects.select_related("provider"), optional_user(request), Action.VIEW, pk=pk))


@router.post("/risk/products", response={201: ProductOut}, auth=AUTH, summary="新建产品草稿")
def product_create(request: AuthenticatedHttpRequest, payload: ProductIn) -> Status[dict[str, Any]]:
    ids = policies.provider_ids(request.user)
    provider_id = payload.provider_id or (min(ids) if ids else None)
    if provider_id is None or provider_id not in ids:
        raise Forbidden("只有保险机构和担保机构的成员可以发布产品", code="not_a_provider")
    provider = Organisation.objects.get(pk=provider_id)
    data = payload.dict(exclude={"provider_id"})
    product = services.product_create(actor=request.user, provider=provider, data=data)
    return Status(201, _out(product))


@router.put("/risk/products/{pk}", response=ProductOut, auth=AUTH, summary="修改草稿或被退回的产品")
def product_update(request: AuthenticatedHttpRequest, pk: int, payload: ProductIn) -> dict[str, Any]:
    product = _product(request, pk, Action.CHANGE)
    return _out(services.product_update(actor=request.user, product=product, data=payload.dict(exclude={"provider_id"})))


@router.post("/risk/products/{pk}/new-version", response={201: ProductOut}, auth=AUTH, summary="为已发布的产品创建新版本草稿")
def product_new_version(request: AuthenticatedHttpRequest, pk: int) -> Status[dict[str, Any]]:
    product = _product(request, pk, Action.CHANGE)
    return Status(201, _out(services.product_new_version(actor=request.user, product=product)))


@router.post("/risk/products/{pk}/submit", response=ProductOut, auth=AUTH, summary="提交审核")
def product_submit(request: AuthenticatedHttpRequest, pk: int) -> dict[str, Any]:
    return _out(services.product_submit(actor=request.user, product=_product(request, pk, Action.CHANGE)))


@router.post("/risk/products/{pk}/withdraw-submission", response=ProductOut, auth=AUTH, summary="撤回审核申请")
def product_withdraw_submission(request: AuthenticatedHttpRequest, pk: int) -> dict[str, Any]:
    return _out(services.product_withdraw_submission(actor=request.user, product=_product(request, pk, Action.CHANGE)))


@router.post("/risk/products/{pk}/withdraw", response=ProductOut, auth=AUTH, summary="下线已发布的产品")
def product_withdraw(request: AuthenticatedHttpRequest, pk: int, payload: ReasonIn | None = None) -> dict[str, Any]:
    product = _product(request, pk, Action.CHANGE)
    return _out(services.product_withdraw(actor=request.user, product=product, reason=payload.reason if payload else ""))


@router.post("/risk/products/{pk}/approve", response=ProductOut, auth=AUTH, summary="审核通过并发布（省科技厅）")
def product_approve(request: AuthenticatedHttpRequest, pk: int) -> dict[str, Any]:
    return _out(services.product_approve(actor=request.user, product=_product(request, pk, Action.REVIEW)))


@router.post("/risk/products/{pk}/return", response=ProductOut, auth=AUTH, summary="退回修改（省科技厅）")
def product_return(request: AuthenticatedHttpRequest, pk: int, payload: ReasonIn) -> dict[str, Any]:
    product = _product(request, pk, Action.REVIEW)
    return _out(services.product_return(actor=request.user, product=product, reason=payload.reason))


@router.get("/contracts/{pk}/risk-quotes", response=QuoteSheetOut, auth=AUTH, summary="合同适用的保险与担保产品及报价")
def contract_quotes(request: AuthenticatedHttpRequest, pk: int, query: Query[QuoteQuery]) -> dict[str, Any]:
    contract = policies.quotable_contract(request.user, pk)
    other = selectors.parse_other_subsidies(query.other_subsidies)
    sheet = selectors.quote_sheet(request.user, contract, other_subsidies=other)
    return {
        "contract_id": contract.pk,
        "amount": sheet.deal.amount,
        "amount_source": sheet.deal.amount_source,
        "quotes": [_quote(q) for q in sheet.quotes],
        "not_fitting": [
            {"product_id": f.product.pk, "product_name": f.product.name, "reasons": f.reasons} for f in sheet.not_fitting
        ],
    }
