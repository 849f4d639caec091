"""Accounts endpoints of the open API: tokens, the caller, organisations and their review."""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from axes.exceptions import AxesBackendPermissionDenied
from django.contrib.auth import authenticate
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja import Router, Schema
from ninja.responses import Status
from ninja.security import django_auth

from usefirst.api.auth import TokenAuth, optional_user
from usefirst.core.errors import DomainError
from usefirst.core.pagination import paginate
from usefirst.core.permissions import Action, get_for_user, restrict
from usefirst.core.regions import CITY_REGION, OUTSIDE_PROVINCE

from . import roles
from .models import Organisation, OrganisationKind, OrganisationStatus, User
from .services import organisations as org_services
from .services import tokens as token_services

router = Router(tags=["账户与机构"])
AUTH = [TokenAuth(), django_auth]


class TokenIn(Schema):
    email: str
    password: str
    name: str = ""


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    created_at: datetime
    expires_at: datetime
    revoked_at: datetime | None
    last_used_at: datetime | None


class TokenCreatedOut(TokenOut):
    token: str


class OrganisationOut(Schema):
    id: int
    name: str
    kind: str
    kind_label: str
    credit_code: str
    city: str
    county: str
    region: str
    status: str
    enterprise_size: str
    sector: str
    superior_department_id: int | None
    superior_department_name: str
    reviewing_department_id: int | None


class OrganisationPage(Schema):
    count: int
    items: list[OrganisationOut]


class MembershipOut(Schema):
    organisation: OrganisationOut
    role: str
    can_sign: bool


class MeOut(Schema):
    id: int
    email: str
    full_name: str
    memberships: list[MembershipOut]
    is_reviewer: bool
    is_provincial_admin: bool


class ReasonIn(Schema):
    reasons: str


class SuspendIn(Schema):
    reason: str


def _caller(request: HttpRequest) -> User:
    """The user behind the bearer token or session (ninja puts it on _caller(request))."""
    return cast(User, request.auth)  # type: ignore[attr-defined]


def _org(o: Organisation) -> dict[str, Any]:
    return {
        "id": o.pk,
        "name": o.name,
        "kind": o.kind,
        "kind_label": o.get_kind_display(),
        "credit_code": o.credit_code,
        "city": o.city,
        "county": o.county,
        "region": o.region,
        "status": o.status,
        "enterprise_size": o.enterprise_size,
        "sector": o.sector,
        "superior_department_id": o.superior_department_id,
        "superior_department_name": o.superior_department_name,
        "reviewing_department_id": o.reviewing_department_id,
    }


@router.post("/tokens", response={201: TokenCreatedOut}, summary="用邮箱和密码换取接口令牌（令牌只显示一次）")
def create_token(request: HttpRequest, payload: TokenIn) -> Status[dict[str, Any]]:
    try:
        # Through Django's authenticate so that django-axes counts failures and enforces lockout.
        user = authenticate(request, username=payload.email.strip(), password=payload.password)
    except (AxesBackendPermissionDenied, PermissionDenied):
        user = None
    if getattr(request, "axes_locked_out", False):
        # The API answers in problem+json, not with the HTML lockout page of the middleware.
        request.axes_locked_out = False  # type: ignore[attr-defined]
        raise DomainError("登录失败次数过多，账户已暂时锁定，请稍后再试", code="account_locked", status=403)
    if user is None:
        raise DomainError("电子邮箱或密码不正确", code="invalid_credentials", status=401)
    token, raw = token_services.token_create(user=user, name=payload.name)
    return Status(201, {**_token(token), "token": raw})


def _token(token: Any) -> dict[str, Any]:
    return {
        "id": token.pk,
        "name": token.name,
        "prefix": token.prefix,
        "created_at": token.created_at,
        "expires_at": token.expires_at,
        "revoked_at": token.revoked_at,
        "last_used_at": token.last_used_at,
    }


@router.get("/tokens", response=list[TokenOut], auth=AUTH, summary="我的接口令牌")
def list_tokens(request: HttpRequest) -> list[dict[str, Any]]:
    return [_token(t) for t in token_services.tokens_of(_caller(request))]


@router.delete("/tokens/{token_id}", response={204: None}, auth=AUTH, summary="吊销接口令牌")
def revoke_token(request: HttpRequest, token_id: int) -> Status[None]:
    token_services.token_revoke(actor=_caller(request), token_id=token_id)
    return Status(204, None)


@router.get("/me", response=MeOut, auth=AUTH, summary="当前用户及其所在机构")
def me(request: HttpRequest) -> dict[str, Any]:
    user: User = _caller(request)
    memberships = roles.active_memberships(user).select_related("organisation").order_by("pk")
    return {
        "id": user.pk,
        "email": user.email,
        "full_name": user.full_name,
        "memberships": [{"organisation": _org(m.organisation), "role": m.role, "can_sign": m.can_sign} for m in memberships],
        "is_reviewer": bool(roles.department_ids(user)),
        "is_provincial_admin": roles.is_provincial_admin(user),
    }


@router.get("/organisations", response=OrganisationPage, summary="已认证机构列表（分页）")
def list_organisations(
    request: HttpRequest, page: int = 1, page_size: int = 20, kind: str = "", city: str = ""
) -> dict[str, Any]:
    queryset = Organisation.objects.filter(status=OrganisationStatus.ACTIVE).order_by("name", "pk")
    if kind:
        if kind not in OrganisationKind.values:
            raise DomainError(f"未知的机构类型：{kind}", code="invalid_filter")
        queryset = queryset.filter(kind=kind)
    if city:
        if city not in CITY_REGION and city != OUTSIDE_PROVINCE:
            raise DomainError(f"未知的地市：{city}", code="invalid_filter")
        queryset = queryset.filter(city=city)
    result = paginate(queryset, page=page, page_size=page_size)
    return {"count": result.count, "items": [_org(o) for o in result.items]}


@router.get("/organisations/review-queue", response=list[OrganisationOut], auth=AUTH, summary="待本部门审核的机构")
def review_queue(request: HttpRequest) -> list[dict[str, Any]]:
    return [_org(o) for o in org_services.review_queue(_caller(request))]


@router.get("/organisations/{organisation_id}", response=OrganisationOut, summary="机构详情")
def get_organisation(request: HttpRequest, organisation_id: int) -> dict[str, Any]:
    user = optional_user(request)
    return _org(get_for_user(Organisation.objects.all(), user, Action.VIEW, pk=organisation_id))


def _for_review(request: HttpRequest, organisation_id: int) -> Organisation:
    return get_for_user(Organisation.objects.all(), _caller(request), Action.HISTORY, pk=organisation_id)


@router.post("/organisations/{organisation_id}/approve", response=OrganisationOut, auth=AUTH, summary="审核通过")
def approve(request: HttpRequest, organisation_id: int) -> dict[str, Any]:
    organisation = _for_review(request, organisation_id)
    return _org(org_services.organisation_approve(actor=_caller(request), organisation=organisation))


@router.post("/organisations/{organisation_id}/return", response=OrganisationOut, auth=AUTH, summary="退回（须写明理由）")
def return_(request: HttpRequest, organisation_id: int, payload: ReasonIn) -> dict[str, Any]:
    organisation = _for_review(request, organisation_id)
    return _org(org_services.organisation_return(actor=_caller(request), organisation=organisation, reasons=payload.reasons))


@router.post("/organisations/{organisation_id}/suspend", response=OrganisationOut, auth=AUTH, summary="停用机构（省科技厅）")
def suspend(request: HttpRequest, organisation_id: int, payload: SuspendIn) -> dict[str, Any]:
    organisation = restrict(Organisation.objects.all(), _caller(request), Action.ADMINISTER).filter(pk=organisation_id).first()
    if organisation is None:
        organisation = get_for_user(Organisation.objects.all(), _caller(request), Action.VIEW, pk=organisation_id)
    return _org(org_services.organisation_suspend(actor=_caller(request), organisation=organisation, reason=payload.reason))
