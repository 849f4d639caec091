"""Financing endpoints of the open API (docs/financing.md): the banks' loan products and their
provincial review, a contract party's loan application with its consented pack, the bank's
decision and the pledge of the purchased patent. Published products are open to anonymous
clients; every write needs a bearer token or a session and calls the same service as the pages;
every refusal is problem+json (documented on every operation by usefirst.api.urls)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from ninja.security import django_auth

from usefirst.accounts.models import Organisation
from usefirst.api.auth import TokenAuth, optional_user
from usefirst.api.fields import ExactNumber, PageQuery, ReasonIn, RequiredReasonIn
from usefirst.catalog.models import IpItem
from usefirst.core.actors import AuthenticatedHttpRequest
from usefirst.core.errors import Forbidden, NotFound
from usefirst.core.pagination import paginate
from usefirst.core.permissions import Action, get_for_user

from . import loans, policies, selectors, services
from .models import LoanApplication, LoanProduct, Pledge

router = Router(tags=["银行融资（先用后付贷）"])
AUTH = [TokenAuth(), django_auth]


class LoanProductIn(Schema):
    bank_id: int | None = None
    name: str
    kind: str
    summary: str = ""
    modes: list[str]
    amount_min: ExactNumber | None = None
    amount_max: ExactNumber
    enterprise_sizes: list[str] = []
    regions: list[str] = []
    rate_min: ExactNumber
    rate_max: ExactNumber
    term_months_min: int = 6
    term_months_max: int = 36
    max_ratio_percent: ExactNumber = "70"
    pledge_required: bool = False


class LoanProductOut(Schema):
    id: int
    bank_id: int
    bank_name: str
    series: str
    version: int
    status: str
    status_label: str
    name: str
    kind: str
    kind_label: str
    summary: str
    modes: list[str]
    amount_min: Decimal | None
    amount_max: Decimal | None
    enterprise_sizes: list[str]
    regions: list[str]
    rate_min: Decimal | None
    rate_max: Decimal | None
    term_months_min: int
    term_months_max: int
    max_ratio_percent: Decimal
    pledge_required: bool
    published_at: dt.datetime | None


class LoanProductPageOut(Schema):
    count: int
    page: int
    page_size: int
    num_pages: int
    items: list[LoanProductOut]


class LoanApplicationIn(Schema):
    product_id: int
    applicant_id: int
    amount: ExactNumber
    term_months: int
    parts: list[str]
    purpose: str = ""


class LoanApprovalIn(Schema):
    amount: ExactNumber
    rate: ExactNumber
    term_months: int


class PledgeIn(Schema):
    ip_item_id: int
    registration_number: str
    registered_on: str


class FinancingHistoryOut(Schema):
    at: dt.datetime
    actor: str
    what: str
    from_label: str
    to_label: str
    reason: str


class PledgeOut(Schema):
    id: int
    application_id: int
    ip_item_id: int
    ip_item: str
    bank_name: str
    pledgor_name: str
    status: str
    status_label: str
    registration_number: str
    registered_on: dt.date
    released_on: dt.date | None


class LoanApplicationOut(Schema):
    id: int
    product_id: int
    product_name: str
    product_version: int
    bank_name: str
    contract_id: int
    contract_number: str
    applicant_id: int
    applicant_name: str
    status: str
    status_label: str
    amount: Decimal
    term_months: int
    purpose: str
    consent_parts: list[str]
    consent_at: dt.datetime
    pack: dict[str, Any]
    approved_amount: Decimal | None
    approved_rate: Decimal | None
    approved_term_months: int | None
    pledges: list[PledgeOut]
    events: list[FinancingHistoryOut]


class LoanApplicationPageOut(Schema):
    count: int
    page: int
    page_size: int
    num_pages: int
    items: list[LoanApplicationOut]


def _product_out(product: LoanProduct) -> dict[str, Any]:
    data = {name: getattr(product, name) for name in services.EDITABLE_FIELDS}
    return data | {
        "id": product.pk,
        "bank_id": product.bank_id,
        "bank_name": product.bank.name,
        "series": product.series,
        "version": product.version,
        "status": product.status,
        "status_label": product.get_status_display(),
        "kind_label": product.get_kind_display(),
        "published_at": product.published_at,
    }


def _pledge_out(pledge: Pledge) -> dict[str, Any]:
    return {
        "id": pledge.pk,
        "application_id": pledge.application_id,
        "ip_item_id": pledge.ip_item_id,
        "ip_item": str(pledge.ip_item),
        "bank_name": pledge.bank.name,
        "pledgor_name": pledge.pledgor.name,
        "status": pledge.status,
        "status_label": pledge.get_status_display(),
        "registration_number": pledge.registration_number,
        "registered_on": pledge.registered_on,
        "released_on": pledge.released_on,
    }


def _application_out(request: HttpRequest, application: LoanApplication) -> dict[str, Any]:
    return {
        "id": application.pk,
        "product_id": application.product_id,
        "product_name": application.product.name,
        "product_version": application.product.version,
        "bank_name": application.bank.name,
        "contract_id": application.contract_id,
        "contract_number": application.contract.number,
        "applicant_id": application.applicant_id,
        "applicant_name": application.applicant.name,
        "status": application.status,
        "status_label": application.get_status_display(),
        "amount": application.amount,
        "term_months": application.term_months,
        "purpose": application.purpose,
        "consent_parts": application.consent_parts,
        "consent_at": application.consent_at,
        "pack": application.pack,
        "approved_amount": application.approved_amount,
        "approved_rate": application.approved_rate,
        "approved_term_months": application.approved_term_months,
        "pledges": [
            _pledge_out(p) for p in selectors.pledges_of_application(request.user, application).select_related("bank", "pledgor")
        ],
        "events": [row.__dict__ for row in selectors.application_history(application)],
    }


def _product(request: HttpRequest, pk: int, action: Action) -> LoanProduct:
    return get_for_user(LoanProduct.objects.select_related("bank"), request.user, action, pk=pk)


def _application(request: HttpRequest, pk: int, action: Action = Action.VIEW) -> LoanApplication:
    return get_for_user(
        LoanApplication.objects.select_related("product", "bank", "applicant", "contract"), request.user, action, pk=pk
    )


def _page(query: PageQuery, items: Any) -> Any:
    return paginate(items, page=query.page or 1, page_size=query.page_size or 20)


@router.get("/financing/products", response=LoanProductPageOut, auth=None, summary="已发布的融资产品（公开）")
def loan_product_list(request: HttpRequest, query: Query[PageQuery]) -> dict[str, Any]:
    page = _page(query, selectors.published_products(optional_user(request)))
    return {**page.__dict__, "items": [_product_out(p) for p in page.items]}


@router.get("/financing/products/mine", response=LoanProductPageOut, auth=AUTH, summary="本行的融资产品（各版本）")
def loan_product_mine(request: AuthenticatedHttpRequest, query: Query[PageQuery]) -> dict[str, Any]:
    ids = policies.bank_ids(request.user)
    if not ids:
        raise Forbidden("只有银行的成员可以管理融资产品", code="not_a_bank")
    page = _page(query, selectors.products_of_bank(request.user, ids))
    return {**page.__dict__, "items": [_product_out(p) for p in page.items]}


@router.get("/financing/review/products", response=LoanProductPageOut, auth=AUTH, summary="待省科技厅审核的融资产品")
def loan_product_review_queue(request: AuthenticatedHttpRequest, query: Query[PageQuery]) -> dict[str, Any]:
    page = _page(query, selectors.products_waiting_review(request.user))
    return {**page.__dict__, "items": [_product_out(p) for p in page.items]}


@router.get("/financing/products/{pk}", response=LoanProductOut, auth=None, summary="融资产品详情")
def loan_product_detail(request: HttpRequest, pk: int) -> dict[str, Any]:
    return _product_out(get_for_user(LoanProduct.objects.select_related("bank"), optional_user(request), Action.VIEW, pk=pk))


@router.post("/financing/products", response={201: LoanProductOut}, auth=AUTH, summary="新建融资产品草稿")
def loan_product_create(request: AuthenticatedHttpRequest, payload: LoanProductIn) -> Status[dict[str, Any]]:
    ids = policies.bank_ids(request.user)
    bank_id = payload.bank_id or (min(ids) if ids else None)
    if bank_id is None or bank_id not in ids:
        raise Forbidden("只有银行的成员可以发布融资产品", code="not_a_bank")
    data = payload.dict(exclude={"bank_id"})
    product = services.product_create(actor=request.user, bank=Organisation.objects.get(pk=bank_id), data=data)
    return Status(201, _product_out(product))


@router.put("/financing/products/{pk}", response=LoanProductOut, auth=AUTH, summary="修改草稿或被退回的融资产品")
def loan_product_update(request: AuthenticatedHttpRequest, pk: int, payload: LoanProductIn) -> dict[str, Any]:
    product = _product(request, pk, Action.CHANGE)
    return _product_out(services.product_update(actor=request.user, product=product, data=payload.dict(exclude={"bank_id"})))


@router.post(
    "/financing/products/{pk}/new-version", response={201: LoanProductOut}, auth=AUTH, summary="为已发布的融资产品创建新版本草稿"
)
def loan_product_new_version(request: AuthenticatedHttpRequest, pk: int) -> Status[dict[str, Any]]:
    product = _product(request, pk, Action.CHANGE)
    return Status(201, _product_out(services.product_new_version(actor=request.user, product=product)))


@router.post("/financing/products/{pk}/submit", response=LoanProductOut, auth=AUTH, summary="提交融资产品审核")
def loan_product_submit(request: AuthenticatedHttpRequest, pk: int) -> dict[str, Any]:
    return _product_out(services.product_submit(actor=request.user, product=_product(request, pk, Action.CHANGE)))


@router.post("/financing/products/{pk}/withdraw", response=LoanProductOut, auth=AUTH, summary="下线已发布的融资产品")
def loan_product_withdraw(request: AuthenticatedHttpRequest, pk: int, payload: ReasonIn | None = None) -> dict[str, Any]:
    product = _product(request, pk, Action.CHANGE)
    return _product_out(services.product_withdraw(actor=request.user, product=product, reason=payload.reason if payload else ""))


@router.post("/financing/products/{pk}/approve", response=LoanProductOut, auth=AUTH, summary="审核通过并发布融资产品（省科技厅）")
def loan_product_approve(request: AuthenticatedHttpRequest, pk: int) -> dict[str, Any]:
    return _product_out(services.product_approve(actor=request.user, product=_product(request, pk, Action.REVIEW)))


@router.post("/financing/products/{pk}/return", response=LoanProductOut, auth=AUTH, summary="退回融资产品（省科技厅）")
def loan_product_return(request: AuthenticatedHttpRequest, pk: int, payload: RequiredReasonIn) -> dict[str, Any]:
    product = _product(request, pk, Action.REVIEW)
    return _product_out(services.product_return(actor=request.user, product=product, reason=payload.reason))


# ---------------------------------------------------------------- applications and pledges


@router.post(
    "/contracts/{pk}/loan-applications", response={201: LoanApplicationOut}, auth=AUTH, summary="合同当事方申请融资（先用后付贷）"
)
def loan_application_create(request: AuthenticatedHttpRequest, pk: int, payload: LoanApplicationIn) -> Status[dict[str, Any]]:
    contract = policies.party_contract(request.user, pk)
    product = get_for_user(LoanProduct.objects.select_related("bank"), request.user, Action.VIEW, pk=payload.product_id)
    applicant = Organisation.objects.filter(pk=payload.applicant_id).first()
    if applicant is None:
        raise NotFound("未找到该申请人", code="not_found")
    application = loans.application_create(
        actor=request.user,
        contract=contract,
        product=product,
        applicant=applicant,
        amount=payload.amount,
        term_months=payload.term_months,
        parts=payload.parts,
        purpose=payload.purpose,
    )
    return Status(201, _application_out(request, application))


@router.get("/financing/applications", response=LoanApplicationPageOut, auth=AUTH, summary="本机构的融资申请（申请人或银行）")
def loan_application_list(request: AuthenticatedHttpRequest, query: Query[PageQuery]) -> dict[str, Any]:
    page = _page(query, selectors.visible_applications(request.user))
    return {**page.__dict__, "items": [_application_out(request, a) for a in page.items]}


@router.get("/financing/applications/{pk}", response=LoanApplicationOut, auth=AUTH, summary="融资申请详情")
def loan_application_detail(request: AuthenticatedHttpRequest, pk: int) -> dict[str, Any]:
    return _application_out(request, _application(request, pk))


@router.post("/financing/applications/{pk}/approve", response=LoanApplicationOut, auth=AUTH, summary="银行批准贷款")
def loan_application_approve(request: AuthenticatedHttpRequest, pk: int, payload: LoanApprovalIn) -> dict[str, Any]:
    application = loans.application_approve(
        actor=request.user,
        application=_application(request, pk),
        amount=payload.amount,
        rate=payload.rate,
        term_months=payload.term_months,
    )
    return _application_out(request, application)


@router.post("/financing/applications/{pk}/decline", response=LoanApplicationOut, auth=AUTH, summary="银行不予批准（须写明理由）")
def loan_application_decline(request: AuthenticatedHttpRequest, pk: int, payload: RequiredReasonIn) -> dict[str, Any]:
    application = loans.application_decline(actor=request.user, application=_application(request, pk), reason=payload.reason)
    return _application_out(request, application)


@router.post("/financing/applications/{pk}/request-info", response=LoanApplicationOut, auth=AUTH, summary="银行要求补充材料")
def loan_application_request_info(request: AuthenticatedHttpRequest, pk: int, payload: RequiredReasonIn) -> dict[str, Any]:
    application = loans.application_request_info(actor=request.user, application=_application(request, pk), reason=payload.reason)
    return _application_out(request, application)


@router.post("/financing/applications/{pk}/resubmit", response=LoanApplicationOut, auth=AUTH, summary="申请人补充材料后重新提交")
def loan_application_resubmit(request: AuthenticatedHttpRequest, pk: int, payload: ReasonIn | None = None) -> dict[str, Any]:
    application = loans.application_resubmit(
        actor=request.user, application=_application(request, pk), note=payload.reason if payload else ""
    )
    return _application_out(request, application)


@router.post("/financing/applications/{pk}/withdraw", response=LoanApplicationOut, auth=AUTH, summary="申请人撤回申请")
def loan_application_withdraw(request: AuthenticatedHttpRequest, pk: int, payload: ReasonIn | None = None) -> dict[str, Any]:
    application = loans.application_withdraw(
        actor=request.user, application=_application(request, pk), reason=payload.reason if payload else ""
    )
    return _application_out(request, application)


@router.post(
    "/financing/applications/{pk}/settle", response=LoanApplicationOut, auth=AUTH, summary="银行登记贷款结清（解除质押）"
)
def loan_application_settle(request: AuthenticatedHttpRequest, pk: int, payload: ReasonIn | None = None) -> dict[str, Any]:
    application = loans.application_settle(
        actor=request.user, application=_application(request, pk), reason=payload.reason if payload else ""
    )
    return _application_out(request, application)


@router.post("/financing/applications/{pk}/pledges", response={201: PledgeOut}, auth=AUTH, summary="银行登记所购专利的质押")
def loan_pledge_register(request: AuthenticatedHttpRequest, pk: int, payload: PledgeIn) -> Status[dict[str, Any]]:
    application = _application(request, pk)
    item = IpItem.objects.filter(pk=payload.ip_item_id).first()
    if item is None:
        raise NotFound("未找到该知识产权", code="not_found")
    pledge = loans.pledge_register(
        actor=request.user,
        application=application,
        ip_item=item,
        registration_number=payload.registration_number,
        registered_on=payload.registered_on,
    )
    return Status(201, _pledge_out(pledge))
