"""Risk endpoints of the open API: insurance and guarantee products, their review, and a
contract's quotes. Published products are open to anonymous clients; every write needs a bearer
token or a session and calls the same service as the pages; every refusal is problem+json."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.security import django_auth

from usefirst.accounts.models import Organisation
from usefirst.api.auth import TokenAuth, optional_user
from usefirst.api.fields import PageQuery, ReasonIn
from usefirst.core.actors import AuthenticatedHttpRequest
from usefirst.core.errors import Forbidden, NotFound
from usefirst.core.pagination import paginate
from usefirst.core.permissions import Action, get_for_user

from . import claims as claim_rules
from . import cover, policies, selectors, services
from .models import Breach, Claim, Policy, Product, SubsidyRule
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
    overdue_trigger_days: int | None = None
    breach_trigger: bool = False
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


class QuoteStepOut(Schema):
    label: str
    formula: str
    result: Decimal


class SubsidyOut(Schema):
    rule: str
    subsidy: Decimal
    payable: Decimal
    steps: list[QuoteStepOut]


class QuoteOut(Schema):
    product_id: int
    product_name: str
    product_version: int
    provider_name: str
    sum_insured: Decimal
    premium: Decimal
    steps: list[QuoteStepOut]
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


# ---------------------------------------------------------------- policies and claims


class ApplyIn(Schema):
    product_id: int
    insured_id: int
    parts: list[str]
    period_start: str
    note: str = ""


class PolicyActionIn(Schema):
    """The fields of a provider's or insured's step; amounts as decimal strings (never floats)."""

    number: str | None = None
    premium: str | None = None
    cover: str | None = None
    reason: str | None = None
    paid_on: str | None = None
    amount: str | None = None
    voucher_number: str | None = None


class ClaimIn(Schema):
    risk: str
    occurred_on: str
    amount_claimed: str
    description: str


class ClaimActionIn(Schema):
    assessed_loss: str | None = None
    paid_on: str | None = None
    reason: str | None = None
    amount: str | None = None


class RiskHistoryOut(Schema):
    at: dt.datetime
    actor: str
    what: str
    from_label: str
    to_label: str
    reason: str


class PolicyOut(Schema):
    id: int
    number: str
    contract_id: int
    contract_number: str
    product_id: int
    product_name: str
    product_version: int
    provider_name: str
    insured_id: int
    insured_name: str
    covered_risks: list[str]
    status: str
    status_display: str
    period_start: dt.date
    period_end: dt.date
    quoted_premium: Decimal | None
    quoted_cover: Decimal | None
    premium: Decimal | None
    cover: Decimal | None
    premium_paid: Decimal
    consent_parts: list[str]
    consent_at: dt.datetime
    pack: dict[str, Any] | None
    events: list[RiskHistoryOut]


class PolicyPageOut(Schema):
    count: int
    page: int
    page_size: int
    num_pages: int
    items: list[PolicyOut]


class CoverPaymentOut(Schema):
    line_id: int | None
    line_label: str
    payer_name: str
    amount: Decimal
    paid_on: dt.date
    recourse_against: str
    counts_as_received: bool


class ClaimDocumentOut(Schema):
    id: int
    name: str
    content: str
    by_platform: bool
    attached: bool
    filename: str
    size: int


class ClaimDocumentIn(Schema):
    name: str
    content: str = ""


class BreachIn(Schema):
    kind: str
    occurred_on: str
    description: str


class BreachOut(Schema):
    id: int
    contract_id: int
    kind: str
    kind_display: str
    occurred_on: dt.date
    description: str
    recorded_for: str
    against: str
    evidence_name: str
    claims_offered: list[int]


class ClaimOut(Schema):
    id: int
    number: str
    policy_id: int
    status: str
    status_display: str
    origin: str
    origin_display: str
    risk: str
    occurred_on: dt.date
    amount_claimed: Decimal
    trigger_line_id: int | None
    required_documents: list[str]
    missing_documents: list[str]
    documents: list[ClaimDocumentOut]
    assessed_loss: Decimal | None
    payout: Decimal | None
    paid_on: dt.date | None
    payout_counts_as_received: bool
    recourse_amount: Decimal | None
    cover_payments: list[CoverPaymentOut]
    events: list[RiskHistoryOut]


def _events(rows: list[Any]) -> list[dict[str, Any]]:
    return [r.__dict__ for r in rows]


def _policy_out(policy: Policy, user: Any) -> dict[str, Any]:
    sees_pack = policies.is_insured(user, policy) or policies.is_underwriter(user, policy)
    return {
        "id": policy.pk,
        "number": policy.number,
        "contract_id": policy.contract_id,
        "contract_number": policy.contract.number,
        "product_id": policy.product_id,
        "product_name": policy.product.name,
        "product_version": policy.product.version,
        "provider_name": policy.provider.name,
        "insured_id": policy.insured_id,
        "insured_name": policy.insured.name,
        "covered_risks": policy.covered_risks,
        "status": policy.status,
        "status_display": policy.get_status_display(),
        "period_start": policy.period_start,
        "period_end": policy.period_end,
        "quoted_premium": policy.quoted_premium,
        "quoted_cover": policy.quoted_cover,
        "premium": policy.premium,
        "cover": policy.cover,
        "premium_paid": cover.premium_paid(policy),
        "consent_parts": policy.consent_parts,
        "consent_at": policy.consent_at,
        "pack": policy.pack if sees_pack else None,
        "events": _events(selectors.policy_history(policy)),
    }


def _claim_out(claim: Claim) -> dict[str, Any]:
    return {
        "id": claim.pk,
        "number": claim.number,
        "policy_id": claim.policy_id,
        "status": claim.status,
        "status_display": claim.get_status_display(),
        "origin": claim.origin,
        "origin_display": claim.get_origin_display(),
        "risk": claim.risk,
        "occurred_on": claim.occurred_on,
        "amount_claimed": claim.amount_claimed,
        "trigger_line_id": claim.trigger_line_id,
        "required_documents": claim_rules.required_documents(claim.policy.product),
        "missing_documents": claim_rules.missing_documents(claim),
        "documents": [
            {
                "id": d.pk,
                "name": d.name,
                "content": d.content,
                "by_platform": d.by_platform,
                "attached": d.attached,
                "filename": d.filename,
                "size": d.size,
            }
            for d in claim.documents.all()
        ],
        "assessed_loss": claim.assessed_loss,
        "payout": claim.payout,
        "paid_on": claim.paid_on,
        "payout_counts_as_received": claim.payout_counts_as_received,
        "recourse_amount": claim.recourse_amount,
        "cover_payments": [
            {
                "line_id": p.line_id,
                "line_label": p.line.label if p.line else "",
                "payer_name": p.payer.name,
                "amount": p.amount,
                "paid_on": p.paid_on,
                "recourse_against": p.recourse_against.name if p.recourse_against else "",
                "counts_as_received": p.counts_as_received,
            }
            for p in claim.cover_payments.select_related("line", "payer", "recourse_against")
        ],
        "events": _events(selectors.claim_history(claim)),
    }


def _get_policy(request: HttpRequest, pk: int) -> Policy:
    return get_for_user(
        Policy.objects.select_related("product", "provider", "insured", "contract"), request.user, Action.VIEW, pk=pk
    )


def _get_claim(request: HttpRequest, pk: int) -> Claim:
    return get_for_user(Claim.objects.select_related("policy__product"), request.user, Action.VIEW, pk=pk)


@router.get("/risk/policies", response=PolicyPageOut, auth=AUTH, summary="可见的保单与担保")
def policy_list(request: AuthenticatedHttpRequest, query: Query[PageQuery]) -> dict[str, Any]:
    page = paginate(selectors.visible_policies(request.user), page=query.page or 1, page_size=query.page_size or 20)
    return {**page.__dict__, "items": [_policy_out(p, request.user) for p in page.items]}


@router.post("/contracts/{pk}/risk-policies", response={201: PolicyOut}, auth=AUTH, summary="投保（附经同意的核保材料）")
def policy_apply(request: AuthenticatedHttpRequest, pk: int, payload: ApplyIn) -> Status[dict[str, Any]]:
    contract = policies.quotable_contract(request.user, pk)
    product = _product(request, payload.product_id, Action.VIEW)
    insured = Organisation.objects.filter(pk=payload.insured_id).first()
    if insured is None:
        raise NotFound("投保人不存在", code="not_found")
    policy = cover.policy_apply(
        actor=request.user,
        contract=contract,
        product=product,
        insured=insured,
        parts=payload.parts,
        period_start=payload.period_start,
        note=payload.note,
    )
    return Status(201, _policy_out(policy, request.user))


@router.get("/risk/policies/{pk}", response=PolicyOut, auth=AUTH, summary="保单详情（核保材料仅投保人与承保机构可见）")
def policy_detail(request: AuthenticatedHttpRequest, pk: int) -> dict[str, Any]:
    return _policy_out(_get_policy(request, pk), request.user)


@router.post("/risk/policies/{pk}/claims", response={201: ClaimOut}, auth=AUTH, summary="报案")
def claim_open(request: AuthenticatedHttpRequest, pk: int, payload: ClaimIn) -> Status[dict[str, Any]]:
    policy = _get_policy(request, pk)
    claim = cover.claim_open(
        actor=request.user,
        policy=policy,
        risk=payload.risk,
        occurred_on=payload.occurred_on,
        amount_claimed=payload.amount_claimed,
        description=payload.description,
    )
    return Status(201, _claim_out(claim))


POLICY_STEPS: dict[str, Any] = {
    "issue": lambda a, p, d: cover.policy_issue(actor=a, policy=p, number=d.number, premium=d.premium, cover=d.cover),
    "decline": lambda a, p, d: cover.policy_decline(actor=a, policy=p, reason=d.reason),
    "request-info": lambda a, p, d: cover.policy_request_info(actor=a, policy=p, reason=d.reason),
    "resubmit": lambda a, p, d: cover.policy_resubmit(actor=a, policy=p, note=d.reason),
    "cancel": lambda a, p, d: cover.policy_cancel(actor=a, policy=p, reason=d.reason),
    "premium-payments": lambda a, p, d: cover.premium_record(
        actor=a, policy=p, paid_on=d.paid_on, amount=d.amount, voucher_number=d.voucher_number
    ),
}


@router.post(
    "/risk/policies/{pk}/{step}",
    response=PolicyOut,
    auth=AUTH,
    summary="核保决定、补充材料、退保、登记保费（step: issue, decline, request-info, resubmit, cancel, premium-payments）",
)
def policy_step(request: AuthenticatedHttpRequest, pk: int, step: str, payload: PolicyActionIn) -> dict[str, Any]:
    if step not in POLICY_STEPS:
        raise NotFound("未知的操作", code="not_found")
    policy = _get_policy(request, pk)
    POLICY_STEPS[step](request.user, policy, payload)
    return _policy_out(_get_policy(request, pk), request.user)


@router.get("/risk/claims/{pk}", response=ClaimOut, auth=AUTH, summary="理赔（代偿）案件")
def claim_detail(request: AuthenticatedHttpRequest, pk: int) -> dict[str, Any]:
    return _claim_out(_get_claim(request, pk))


@router.post(
    "/risk/claims/{pk}/documents",
    response={201: ClaimOut},
    auth=AUTH,
    summary="上传理赔材料（multipart：name、content，文件字段 file；PDF、PNG 或 JPEG，按内容识别，不超过 10 MB）",
)
def claim_document_upload(
    request: AuthenticatedHttpRequest, pk: int, payload: Form[ClaimDocumentIn], file: File[UploadedFile | None] = None
) -> Status[dict[str, Any]]:
    claim = _get_claim(request, pk)
    cover.claim_add_document(actor=request.user, claim=claim, name=payload.name, file=file, note=payload.content)
    return Status(201, _claim_out(_get_claim(request, pk)))


@router.post(
    "/contracts/{pk}/risk-breaches",
    response={201: BreachOut},
    auth=AUTH,
    summary="登记对方违约记录（multipart：kind、occurred_on、description，证据文件字段 evidence）",
    description="合同当事方登记；违约日期不能晚于今天（breach_date_future）；非当事方 403（breach_not_party）。"
    "产品约定登记违约即发起理赔的，平台为登记方在保的保单自动发起理赔，案件号见 claims_offered。",
)
def breach_create(
    request: AuthenticatedHttpRequest, pk: int, payload: Form[BreachIn], evidence: File[UploadedFile | None] = None
) -> Status[dict[str, Any]]:
    contract = policies.quotable_contract(request.user, pk)
    breach, _ = cover.breach_record(
        actor=request.user,
        contract=contract,
        kind=payload.kind,
        occurred_on=payload.occurred_on,
        description=payload.description,
        evidence=evidence,
    )
    return Status(201, _breach_out(breach))


def _breach_out(breach: Breach) -> dict[str, Any]:
    return {
        "id": breach.pk,
        "contract_id": breach.contract_id,
        "kind": breach.kind,
        "kind_display": breach.get_kind_display(),
        "occurred_on": breach.occurred_on,
        "description": breach.description,
        "recorded_for": breach.recorded_for.name,
        "against": breach.against.name,
        "evidence_name": breach.evidence_name,
        "claims_offered": list(breach.claims.order_by("pk").values_list("pk", flat=True)),
    }


CLAIM_STEPS: dict[str, Any] = {
    "complete-documents": lambda a, c, d: cover.claim_complete_documents(actor=a, claim=c),
    "assess": lambda a, c, d: cover.claim_assess(actor=a, claim=c, assessed_loss=d.assessed_loss),
    "pay": lambda a, c, d: cover.claim_pay(actor=a, claim=c, paid_on=d.paid_on),
    "decline": lambda a, c, d: cover.claim_decline(actor=a, claim=c, reason=d.reason),
    "subrogate": lambda a, c, d: cover.claim_subrogate(actor=a, claim=c, amount=d.amount, note=d.reason),
}


@router.post(
    "/risk/claims/{pk}/{step}",
    response=ClaimOut,
    auth=AUTH,
    summary="确认材料齐全、核定、赔付、拒赔、追偿（step: complete-documents, assess, pay, decline, subrogate）",
)
def claim_step(request: AuthenticatedHttpRequest, pk: int, step: str, payload: ClaimActionIn) -> dict[str, Any]:
    if step not in CLAIM_STEPS:
        raise NotFound("未知的操作", code="not_found")
    claim = _get_claim(request, pk)
    CLAIM_STEPS[step](request.user, claim, payload)
    return _claim_out(_get_claim(request, pk))
