"""Typical cases in the open API: the public list and a case, drafting from a contract, a party's
consent, submission, review and the province's exemplary mark. Refusals are problem+json
(`case_consent_missing`, `case_not_party`, `case_contract_not_signed` …)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema, Status
from ninja.security import django_auth

from usefirst.api.auth import TokenAuth, optional_user
from usefirst.contracts.models import Contract
from usefirst.core.actors import AuthenticatedHttpRequest
from usefirst.core.errors import NotFound
from usefirst.core.pagination import paginate
from usefirst.core.permissions import Action, get_for_user

from . import selectors, services
from .models import Case

router = Router(tags=["典型案例"])
AUTH = [TokenAuth(), django_auth]


class TypicalCaseOut(Schema):
    id: int
    title: str
    summary: str
    story: str
    status: str
    status_display: str
    author_name: str
    mode_label: str
    field_label: str
    region: str
    city: str
    amount_shown: str
    exemplary: bool
    published_at: dt.datetime | None


def _out(case: Case) -> dict[str, Any]:
    return {
        "id": case.pk,
        "title": case.title,
        "summary": case.summary,
        "story": case.story,
        "status": case.status,
        "status_display": case.get_status_display(),
        "author_name": case.author.name,
        "mode_label": case.mode_label,
        "field_label": case.field_label,
        "region": case.region,
        "city": case.city,
        "amount_shown": case.amount_shown,
        "exemplary": case.exemplary,
        "published_at": case.published_at,
    }


class CasePageOut(Schema):
    count: int
    page: int
    num_pages: int
    items: list[TypicalCaseOut]


@router.get("/cases", response=CasePageOut, auth=None, summary="已发布的典型案例（公开，可检索）")
def case_list(request: HttpRequest, q: str = "", region: str = "", exemplary: bool = False, page: int = 1) -> dict[str, Any]:
    found = paginate(selectors.published(optional_user(request), q=q, region=region, exemplary=exemplary), page=page)
    return {"count": found.count, "page": found.page, "num_pages": found.num_pages, "items": [_out(c) for c in found.items]}


def _case(request: HttpRequest, pk: int) -> Case:
    return get_for_user(Case.objects.select_related("author", "contract"), optional_user(request), Action.VIEW, pk=pk)


@router.get("/cases/{pk}", response=TypicalCaseOut, auth=None, summary="典型案例详情")
def case_get(request: HttpRequest, pk: int) -> dict[str, Any]:
    return _out(_case(request, pk))


class TypicalCaseIn(Schema):
    contract_id: int
    title: str
    summary: str
    story: str


@router.post("/cases", response={201: TypicalCaseOut}, auth=AUTH, summary="以已签署的合同撰写典型案例（记录本方同意）")
def case_create(request: AuthenticatedHttpRequest, payload: TypicalCaseIn) -> Status[dict[str, Any]]:
    contract = Contract.objects.filter(pk=payload.contract_id).first()
    if contract is None:
        raise NotFound("没有该合同", code="not_found")
    case = services.case_create(
        actor=request.user, contract=contract, title=payload.title, summary=payload.summary, story=payload.story
    )
    return Status(201, _out(case))


class CaseConsentIn(Schema):
    allows_exact_amount: bool = False


@router.post("/cases/{pk}/consent", response=TypicalCaseOut, auth=AUTH, summary="当事方同意公开（可另行同意公开准确金额）")
def case_consent(request: AuthenticatedHttpRequest, pk: int, payload: CaseConsentIn) -> dict[str, Any]:
    case = _case(request, pk)
    services.case_consent(actor=request.user, case=case, allows_exact_amount=payload.allows_exact_amount)
    return _out(case)


@router.post("/cases/{pk}/submit", response=TypicalCaseOut, auth=AUTH, summary="提交主管部门审核（须双方同意）")
def case_submit(request: AuthenticatedHttpRequest, pk: int) -> dict[str, Any]:
    return _out(services.case_submit(actor=request.user, case=_case(request, pk)))


class CaseReasonIn(Schema):
    reason: str = ""


@router.post("/cases/{pk}/publish", response=TypicalCaseOut, auth=AUTH, summary="主管部门审核发布")
def case_publish(request: AuthenticatedHttpRequest, pk: int, payload: CaseReasonIn) -> dict[str, Any]:
    return _out(services.case_publish(actor=request.user, case=_case(request, pk), reason=payload.reason))


@router.post("/cases/{pk}/return", response=TypicalCaseOut, auth=AUTH, summary="主管部门退回")
def case_return(request: AuthenticatedHttpRequest, pk: int, payload: CaseReasonIn) -> dict[str, Any]:
    return _out(services.case_return(actor=request.user, case=_case(request, pk), reason=payload.reason))


@router.post("/cases/{pk}/exemplary", response=TypicalCaseOut, auth=AUTH, summary="省科学技术厅标记省级示范案例")
def case_exemplary(request: AuthenticatedHttpRequest, pk: int) -> dict[str, Any]:
    return _out(services.case_mark_exemplary(actor=request.user, case=_case(request, pk)))
