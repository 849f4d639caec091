"""Accounts endpoints of the open API: tokens, the caller, organisations and their review, and
the people (inventors) a unit lists with their notice and consent.

ID numbers and phones leave masked; the clear value only through the unmask endpoint, under
the same rule as the page and with the same audit row."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from axes.exceptions import AxesBackendPermissionDenied
from django.contrib.auth import authenticate
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.responses import Status
from ninja.security import django_auth

from usefirst.api.auth import TokenAuth, optional_user
from usefirst.core import display
from usefirst.core.actors import AuthenticatedHttpRequest
from usefirst.core.errors import DomainError, Forbidden, NotFound
from usefirst.core.identifiers import IdKind
from usefirst.core.pagination import DEFAULT_PAGE_SIZE, paginate
from usefirst.core.permissions import Action, get_for_user, restrict
from usefirst.core.regions import CITY_REGION, OUTSIDE_PROVINCE

from . import roles, selectors, throttles
from .models import Organisation, OrganisationKind, OrganisationStatus, Person, UnitPerson, User
from .services import organisations as org_services
from .services import people as people_services
from .services import second_factor as second_factor_services
from .services import tokens as token_services

router = Router(tags=["账户与机构"])
AUTH = [TokenAuth(), django_auth]


class TokenIn(Schema):
    email: str
    password: str
    name: str = ""
    otp: str = Field("", description="已启用双因素认证的账户：身份验证器上当前的 6 位动态验证码（或一个恢复码）")


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
    status_display: str
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


class ReviewReasonsIn(Schema):
    reasons: str


class SuspendIn(Schema):
    reason: str


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
        "status_display": display.field_label(o, "status"),
        "enterprise_size": o.enterprise_size,
        "sector": o.sector,
        "superior_department_id": o.superior_department_id,
        "superior_department_name": o.superior_department_name,
        "reviewing_department_id": o.reviewing_department_id,
    }


@router.post(
    "/tokens",
    response={201: TokenCreatedOut},
    summary="用邮箱和密码换取接口令牌（令牌只显示一次）",
    description=(
        "已启用双因素认证的账户须同时在 otp 字段提供身份验证器上当前的 6 位动态验证码（或一个恢复码）："
        "缺少时返回 400（second_factor_required），不正确时返回 401（second_factor_incorrect）。"
        "岗位须启用双因素认证而尚未启用的账户返回 403（second_factor_enrolment_required）。"
    ),
    # 401: wrong e-mail or password, or a wrong one-time password; 400: the account has an
    # authenticator and no `otp` was given; 403: locked, or a post that must enrol first
    openapi_extra={"x-problem-statuses": ["401", "403"]},
)
def create_token(request: HttpRequest, payload: TokenIn) -> Status[dict[str, Any]]:
    wait = throttles.sign_in_blocked(request, payload.email)
    if wait:  # too many failures from this address or for this account (usefirst/accounts/throttles.py)
        raise throttles.Throttled(f"登录失败次数过多，请 {-(-wait // 60)} 分钟后再试", retry_after=wait)
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
    second_factor_services.api_sign_in(request, user=user, code=payload.otp)
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
def list_tokens(request: AuthenticatedHttpRequest) -> list[dict[str, Any]]:
    return [_token(t) for t in token_services.tokens_of(request.user)]


@router.delete("/tokens/{token_id}", response={204: None}, auth=AUTH, summary="吊销接口令牌")
def revoke_token(request: AuthenticatedHttpRequest, token_id: int) -> Status[None]:
    token_services.token_revoke(actor=request.user, token_id=token_id)
    return Status(204, None)


@router.get("/me", response=MeOut, auth=AUTH, summary="当前用户及其所在机构")
def me(request: AuthenticatedHttpRequest) -> dict[str, Any]:
    user: User = request.user
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
def review_queue(request: AuthenticatedHttpRequest) -> list[dict[str, Any]]:
    return [_org(o) for o in org_services.review_queue(request.user)]


@router.get("/organisations/{organisation_id}", response=OrganisationOut, summary="机构详情")
def get_organisation(request: HttpRequest, organisation_id: int) -> dict[str, Any]:
    user = optional_user(request)
    return _org(get_for_user(Organisation.objects.all(), user, Action.VIEW, pk=organisation_id))


def _for_review(request: HttpRequest, organisation_id: int) -> Organisation:
    return get_for_user(Organisation.objects.all(), request.user, Action.HISTORY, pk=organisation_id)


@router.post("/organisations/{organisation_id}/approve", response=OrganisationOut, auth=AUTH, summary="审核通过")
def approve(request: AuthenticatedHttpRequest, organisation_id: int) -> dict[str, Any]:
    organisation = _for_review(request, organisation_id)
    return _org(org_services.organisation_approve(actor=request.user, organisation=organisation))


@router.post("/organisations/{organisation_id}/return", response=OrganisationOut, auth=AUTH, summary="退回（须写明理由）")
def return_(request: AuthenticatedHttpRequest, organisation_id: int, payload: ReviewReasonsIn) -> dict[str, Any]:
    organisation = _for_review(request, organisation_id)
    return _org(org_services.organisation_return(actor=request.user, organisation=organisation, reasons=payload.reasons))


@router.post("/organisations/{organisation_id}/suspend", response=OrganisationOut, auth=AUTH, summary="停用机构（省科技厅）")
def suspend(request: AuthenticatedHttpRequest, organisation_id: int, payload: SuspendIn) -> dict[str, Any]:
    organisation = restrict(Organisation.objects.all(), request.user, Action.ADMINISTER).filter(pk=organisation_id).first()
    if organisation is None:
        organisation = get_for_user(Organisation.objects.all(), request.user, Action.VIEW, pk=organisation_id)
    return _org(org_services.organisation_suspend(actor=request.user, organisation=organisation, reason=payload.reason))


# ---------------------------------------------------------------- people (inventors)


class ConsentOut(Schema):
    unit_id: int
    unit_name: str
    notice_given_at: datetime
    consent_at: datetime
    consent_method: str
    recorded_by: str


class PersonOut(Schema):
    id: int
    full_name: str
    id_kind: str
    id_kind_label: str
    id_number_masked: str
    phone_masked: str
    has_account: bool
    created_at: datetime
    consents: list[ConsentOut]


class PersonPage(Schema):
    count: int
    page: int
    page_size: int
    num_pages: int
    items: list[PersonOut]


class PeopleQuery(Schema):
    unit_id: int | None = None
    q: str = ""
    page: int = 1
    page_size: int = DEFAULT_PAGE_SIZE


class ConsentIn(Schema):
    unit_id: int | None = None
    notice_given_at: datetime
    consent_at: datetime
    consent_method: str


class PersonIn(ConsentIn):
    full_name: str
    id_kind: str = IdKind.MAINLAND
    id_number: str
    phone: str = ""


class PersonPatch(Schema):
    full_name: str | None = None
    phone: str | None = None


class ConsentWithdrawIn(Schema):
    unit_id: int | None = None
    reason: str = ""


class ConsentWithdrawnOut(Schema):
    person_id: int
    unit_id: int
    still_visible: bool


class UnmaskIn(Schema):
    field: str


class UnmaskOut(Schema):
    field: str
    value: str


def _consent(listing: UnitPerson) -> dict[str, Any]:
    return {
        "unit_id": listing.unit_id,
        "unit_name": listing.unit.name,
        "notice_given_at": listing.notice_given_at,
        "consent_at": listing.consent_at,
        "consent_method": listing.consent_method,
        "recorded_by": listing.recorded_by.full_name,
    }


def _person(user: User, person: Person) -> dict[str, Any]:
    return {
        "id": person.pk,
        "full_name": person.full_name,
        "id_kind": person.id_kind,
        "id_kind_label": dict(IdKind.CHOICES).get(person.id_kind, person.id_kind),
        "id_number_masked": person.id_number_masked,
        "phone_masked": person.phone_masked,
        "has_account": person.user_id is not None,
        "created_at": person.created_at,
        "consents": [_consent(c) for c in selectors.consents_for(user, person)],
    }


def _acting_unit(user: User, unit_id: int | None) -> Organisation:
    """The unit the caller acts for: the one named, or the caller's only one."""
    memberships = list(roles.active_memberships(user).select_related("organisation").order_by("pk"))
    if unit_id is not None:
        for membership in memberships:
            if membership.organisation_id == unit_id:
                return membership.organisation
        raise Forbidden("您不是该单位的成员，不能以其名义登记成果完成人", code="not_member")
    if len(memberships) == 1:
        return memberships[0].organisation
    if not memberships:
        raise Forbidden("只有单位成员可以登记成果完成人", code="not_member")
    raise DomainError("您属于多个机构，请用 unit_id 指明", code="validation_failed", field_errors={"unit_id": ["请指明单位"]})


def _aware(value: datetime) -> datetime:
    """Times sent without a zone are Beijing time, as on the pages."""
    return timezone.make_aware(value) if timezone.is_naive(value) else value


def _visible_person(request: HttpRequest, person_id: int, action: Action = Action.VIEW) -> Person:
    return get_for_user(Person.objects.all(), request.user, action, pk=person_id)


@router.get("/people", response=PersonPage, auth=AUTH, summary="成果完成人列表（本单位登记的；省科技厅可看全部）")
def list_people(request: AuthenticatedHttpRequest, query: Query[PeopleQuery]) -> dict[str, Any]:
    user = request.user
    queryset = selectors.people_for(user, unit_id=query.unit_id, q=query.q)
    result = paginate(queryset, page=query.page, page_size=query.page_size)
    return {**result.__dict__, "items": [_person(user, p) for p in result.items]}


@router.post("/people", response={201: PersonOut}, auth=AUTH, summary="登记成果完成人（须已告知并取得本人同意）")
def create_person(request: AuthenticatedHttpRequest, payload: PersonIn) -> Status[dict[str, Any]]:
    user = request.user
    person = people_services.person_register(
        actor=user,
        unit=_acting_unit(user, payload.unit_id),
        full_name=payload.full_name,
        id_kind=payload.id_kind,
        id_number=payload.id_number,
        phone=payload.phone,
        notice_given_at=_aware(payload.notice_given_at),
        consent_at=_aware(payload.consent_at),
        consent_method=payload.consent_method,
    )
    return Status(201, _person(user, person))


@router.get("/people/{person_id}", response=PersonOut, auth=AUTH, summary="成果完成人详情（证件号码与手机号码脱敏）")
def get_person(request: AuthenticatedHttpRequest, person_id: int) -> dict[str, Any]:
    return _person(request.user, _visible_person(request, person_id))


@router.patch("/people/{person_id}", response=PersonOut, auth=AUTH, summary="修改成果完成人的姓名或手机号码")
def update_person(request: AuthenticatedHttpRequest, person_id: int, payload: PersonPatch) -> dict[str, Any]:
    user = request.user
    person = people_services.person_update(
        actor=user, person=_visible_person(request, person_id, Action.CHANGE), full_name=payload.full_name, phone=payload.phone
    )
    return _person(user, person)


@router.post(
    "/people/{person_id}/consents", response={201: ConsentOut}, auth=AUTH, summary="登记本单位对该完成人的重新告知与同意"
)
def record_consent(request: AuthenticatedHttpRequest, person_id: int, payload: ConsentIn) -> Status[dict[str, Any]]:
    user = request.user
    person = _visible_person(request, person_id, Action.CHANGE)
    listing = people_services.person_consent_record(
        actor=user,
        unit=_acting_unit(user, payload.unit_id),
        person=person,
        notice_given_at=_aware(payload.notice_given_at),
        consent_at=_aware(payload.consent_at),
        consent_method=payload.consent_method,
    )
    return Status(201, _consent(UnitPerson.objects.select_related("unit", "recorded_by").get(pk=listing.pk)))


@router.post(
    "/people/{person_id}/withdraw-consent",
    response=ConsentWithdrawnOut,
    auth=AUTH,
    summary="登记完成人撤回对本单位的同意（本单位不再登记该完成人）",
)
def withdraw_consent(request: AuthenticatedHttpRequest, person_id: int, payload: ConsentWithdrawIn) -> dict[str, Any]:
    user = request.user
    person = _visible_person(request, person_id, Action.CHANGE)
    unit = _acting_unit(user, payload.unit_id)
    people_services.person_consent_withdraw(actor=user, unit=unit, person=person, reason=payload.reason)
    still_visible = selectors.people_for(user).filter(pk=person.pk).exists()
    return {"person_id": person.pk, "unit_id": unit.pk, "still_visible": still_visible}


@router.post(
    "/people/{person_id}/unmask",
    response=UnmaskOut,
    auth=AUTH,
    summary="查看完成人的完整证件号码或手机号码（每次查看均记录审计）",
)
def unmask_person(request: AuthenticatedHttpRequest, person_id: int, payload: UnmaskIn, response: HttpResponse) -> dict[str, str]:
    # Not scoped here, as on the page: the service decides and records refused attempts too.
    person = Person.objects.filter(pk=person_id).first()
    if person is None:
        raise NotFound("未找到该对象，或您无权查看", code="not_found")
    value = people_services.person_unmask(actor=request.user, person=person, field=payload.field)
    # Shown once: never cached by a client or a proxy.
    response["Cache-Control"] = "no-store"
    return {"field": payload.field, "value": value}
