"""Catalog endpoints of the open API: achievements and demands, their lifecycle and review.

Listings are open to anonymous clients and show published items only (never restricted
ones); writes need a bearer token or a session. Every write calls the same service as the
pages do; every refusal comes out as application/problem+json.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from ninja.security import django_auth

from usefirst.accounts import roles
from usefirst.accounts.models import Organisation, OrganisationKind
from usefirst.api.auth import TokenAuth, optional_user
from usefirst.api.fields import ReasonIn
from usefirst.api.schemas import PlainOut
from usefirst.core import display
from usefirst.core.actors import Actor, AuthenticatedHttpRequest
from usefirst.core.errors import DomainError
from usefirst.core.permissions import Action, get_for_user

from . import selectors
from .cards import AchievementCard, CardUnit
from .choices import AchievementStatus, IpLegalStatus, RestrictionReason, offered_modes
from .models import Achievement, AchievementRevision, Demand
from .services import achievements as achievement_services
from .services import demands as demand_services
from .services.achievements import AchievementData, InventorData, IpItemData
from .services.demands import DemandData

router = Router(tags=["成果与需求"])
AUTH = [TokenAuth(), django_auth]


# ---------------------------------------------------------------- schemas


class FieldOut(PlainOut):
    code: str
    name: str
    top_code: str
    top_name: str


class OwnerOut(PlainOut):
    id: int
    name: str
    kind: str
    city: str
    region: str


class IpItemOut(Schema):
    kind: str
    number: str
    title: str
    legal_status: str


class InventorOut(Schema):
    name: str
    share: Decimal
    is_leader: bool


class AchievementSummaryOut(PlainOut):
    id: int
    title: str
    summary: str
    field: FieldOut
    keywords: list[str]
    trl: int
    modes: list[str]
    owner: OwnerOut
    status: str
    status_display: str
    published_at: dt.datetime | None


class AchievementOut(AchievementSummaryOut):
    problem_solved: str
    advantages: str
    discipline: str
    free_use_months: int | None
    indicative_terms: str
    plan_project_number: str
    plan_project_category: str
    acceptance_date: dt.date | None
    restriction: str
    ip_items: list[IpItemOut]
    inventors: list[InventorOut]
    pending_revision_id: int | None = None


class AchievementPageOut(PlainOut):
    count: int
    page: int
    page_size: int
    num_pages: int
    items: list[AchievementSummaryOut]


class IpItemIn(Schema):
    kind: str
    number: str = ""
    title: str = ""
    legal_status: str = IpLegalStatus.PENDING


class InventorIn(Schema):
    person_id: int
    share: Decimal
    is_leader: bool = False


class AchievementIn(Schema):
    owner_id: int | None = None
    title: str
    summary: str
    field: str
    trl: int
    problem_solved: str = ""
    advantages: str = ""
    discipline: str = ""
    keywords: list[str] = []
    offers_pay_later: bool = False
    offers_cooperate_later: bool = False
    offers_open_licence: bool = False
    free_use_months: int | None = None
    indicative_terms: str = ""
    plan_project_number: str = ""
    plan_project_category: str = ""
    acceptance_date: dt.date | None = None
    provincial_funding: bool = False
    restriction: str = RestrictionReason.NONE
    ip_items: list[IpItemIn] = []
    inventors: list[InventorIn] = []


class AchievementPatch(Schema):
    title: str | None = None
    summary: str | None = None
    field: str | None = None
    trl: int | None = None
    problem_solved: str | None = None
    advantages: str | None = None
    discipline: str | None = None
    keywords: list[str] | None = None
    offers_pay_later: bool | None = None
    offers_cooperate_later: bool | None = None
    offers_open_licence: bool | None = None
    free_use_months: int | None = None
    indicative_terms: str | None = None
    plan_project_number: str | None = None
    plan_project_category: str | None = None
    acceptance_date: dt.date | None = None
    provincial_funding: bool | None = None
    restriction: str | None = None
    ip_items: list[IpItemIn] | None = None
    inventors: list[InventorIn] | None = None


class AchievementQuery(Schema):
    field: str | None = None
    city: str | None = None
    region: str | None = None
    trl_min: str | None = None
    trl_max: str | None = None
    mode: str | None = None
    unit_kind: str | None = None
    q: str | None = None
    sort: str | None = None
    page: str | None = None
    page_size: str | None = None


class DemandQuery(Schema):
    field: str | None = None
    city: str | None = None
    region: str | None = None
    enterprise_size: str | None = None
    q: str | None = None
    sort: str | None = None
    page: str | None = None
    page_size: str | None = None


class EnterpriseOut(Schema):
    id: int
    name: str
    city: str
    enterprise_size: str


class DemandOut(Schema):
    id: int
    title: str
    description: str
    field: FieldOut
    keywords: list[str]
    budget_min: Decimal | None
    budget_max: Decimal | None
    cooperation_forms: list[str]
    deadline: dt.date
    city: str
    county: str
    region: str
    enterprise: EnterpriseOut
    status: str
    status_display: str
    published_at: dt.datetime | None


class DemandPageOut(Schema):
    count: int
    page: int
    page_size: int
    num_pages: int
    items: list[DemandOut]


class DemandIn(Schema):
    enterprise_id: int | None = None
    title: str
    description: str
    field: str
    deadline: dt.date
    city: str
    county: str = ""
    keywords: list[str] = []
    budget_min: Decimal | None = None
    budget_max: Decimal | None = None
    cooperation_forms: list[str] = []


class DemandPatch(Schema):
    title: str | None = None
    description: str | None = None
    field: str | None = None
    deadline: dt.date | None = None
    city: str | None = None
    county: str | None = None
    keywords: list[str] | None = None
    budget_min: Decimal | None = None
    budget_max: Decimal | None = None
    cooperation_forms: list[str] | None = None


class RevisionOut(Schema):
    id: int
    achievement_id: int
    status: str
    status_display: str
    submitted_at: dt.datetime

    @staticmethod
    def resolve_status_display(obj: AchievementRevision) -> str:
        return display.field_label(obj, "status")


# ---------------------------------------------------------------- conversions


def _field_out(field: Any) -> dict[str, str]:
    top = field.top
    return {"code": field.code, "name": field.name, "top_code": top.code, "top_name": top.name}


def _mode_keys(a: Achievement | AchievementCard) -> list[str]:
    return [mode.value for mode in offered_modes(a)]


def _owner_out(org: Organisation | CardUnit) -> dict[str, Any]:
    return {"id": org.pk, "name": org.name, "kind": org.kind, "city": org.city, "region": org.region}


def _achievement_summary(a: Achievement | AchievementCard) -> dict[str, Any]:
    return {
        "id": a.pk,
        "title": a.title,
        "summary": a.summary,
        "field": _field_out(a.field),
        "keywords": list(a.keywords),
        "trl": a.trl,
        "modes": _mode_keys(a),
        "owner": _owner_out(a.owner),
        "status": a.status,
        "status_display": display.choice_label(AchievementStatus, a.status),
        "published_at": a.published_at,
    }


def _achievement_out(a: Achievement) -> dict[str, Any]:
    pending = selectors.achievement_pending_revision(achievement=a)
    return {
        **_achievement_summary(a),
        **{
            name: getattr(a, name)
            for name in (
                "problem_solved",
                "advantages",
                "discipline",
                "free_use_months",
                "indicative_terms",
                "plan_project_number",
                "plan_project_category",
                "acceptance_date",
                "restriction",
            )
        },
        "ip_items": [
            {"kind": i.kind, "number": i.number, "title": i.title, "legal_status": i.legal_status} for i in a.ip_items.all()
        ],
        # Inventors are shown by name only: ID numbers and phones never leave through the API.
        "inventors": [
            {"name": i.person.full_name, "share": i.share, "is_leader": i.is_leader} for i in a.inventors.select_related("person")
        ],
        "pending_revision_id": pending.pk if pending else None,
    }


def _demand_out(d: Demand) -> dict[str, Any]:
    return {
        "id": d.pk,
        "title": d.title,
        "description": d.description,
        "field": _field_out(d.field),
        "keywords": list(d.keywords),
        "budget_min": d.budget_min,
        "budget_max": d.budget_max,
        "cooperation_forms": list(d.cooperation_forms),
        "deadline": d.deadline,
        "city": d.city,
        "county": d.county,
        "region": d.region,
        "enterprise": {
            "id": d.enterprise.pk,
            "name": d.enterprise.name,
            "city": d.enterprise.city,
            "enterprise_size": d.enterprise.enterprise_size,
        },
        "status": d.effective_status,
        "status_display": display.state_label("catalog.demand", d.effective_status),
        "published_at": d.published_at,
    }


def _field_id(code: str) -> int:
    from .models import TechField

    field = TechField.objects.filter(code=code).first()
    if field is None:
        raise DomainError(f"技术领域代码无效：{code}", code="validation_failed", field_errors={"field": ["技术领域代码无效"]})
    return field.pk


def _acting_organisation(user: Actor, wanted: int | None, *, enterprise: bool) -> Organisation:
    """The organisation the caller acts for: the one named, or the caller's only fitting one."""
    memberships = roles.active_memberships(user).select_related("organisation")
    candidates = [
        m.organisation
        for m in memberships
        if (m.organisation.kind == OrganisationKind.ENTERPRISE if enterprise else m.organisation.is_owner_unit_kind)
    ]
    name = "enterprise_id" if enterprise else "owner_id"
    if wanted is not None:
        for org in candidates:
            if org.pk == wanted:
                return org
        raise DomainError("您不能以该机构的名义操作", code="forbidden", status=403)
    if len(candidates) == 1:
        return candidates[0]
    if not candidates:
        message = "只有企业可以发布技术需求" if enterprise else "只有成果单位可以登记成果"
        raise DomainError(message, code="forbidden", status=403)
    raise DomainError(f"您属于多个机构，请用 {name} 指明", code="validation_failed", field_errors={name: ["请指明机构"]})


def _achievement_data(payload: AchievementIn | AchievementPatch, base: AchievementData | None = None) -> AchievementData:
    values = payload.dict(exclude_unset=base is not None)
    values.pop("owner_id", None)
    if "field" in values:
        code = values.pop("field")
        if code is not None:
            values["field_id"] = _field_id(code)
    if "ip_items" in values:
        values["ip_items"] = [IpItemData(**i) for i in values["ip_items"] or []]
    if "inventors" in values:
        values["inventors"] = [InventorData(**i) for i in values["inventors"] or []]
    if base is None:
        return AchievementData(**values)
    merged = {**base.__dict__, **{k: v for k, v in values.items() if v is not None or k == "free_use_months"}}
    return AchievementData(**merged)


def _demand_data(payload: DemandIn | DemandPatch, base: DemandData | None = None) -> DemandData:
    values = payload.dict(exclude_unset=base is not None)
    values.pop("enterprise_id", None)
    if "field" in values:
        code = values.pop("field")
        if code is not None:
            values["field_id"] = _field_id(code)
    if base is None:
        return DemandData(**values)
    return DemandData(**{**base.__dict__, **{k: v for k, v in values.items() if v is not None or k.startswith("budget")}})


def _achievement(request: AuthenticatedHttpRequest, pk: int, action: Action) -> Achievement:
    return get_for_user(Achievement.objects.select_related("owner", "field", "field__parent"), request.user, action, pk=pk)


def _demand(request: AuthenticatedHttpRequest, pk: int, action: Action) -> Demand:
    return get_for_user(Demand.objects.select_related("enterprise", "field", "field__parent"), request.user, action, pk=pk)


# ---------------------------------------------------------------- achievements


@router.get("/achievements", response=AchievementPageOut, auth=None, summary="已发布成果列表（公开）")
def achievement_list(request: HttpRequest, filters: Query[AchievementQuery]) -> dict[str, Any]:
    params = filters.dict(exclude_none=True)
    parsed = selectors.parse_filters(params)
    page = selectors.public_listing(kind="achievement", user=optional_user(request), filters=parsed, params=params).page
    return {**page.__dict__, "items": [_achievement_summary(a) for a in page.items]}


@router.get("/achievements/{pk}", response=AchievementOut, auth=None, summary="成果详情")
def achievement_detail(request: HttpRequest, pk: int) -> dict[str, Any]:
    achievement = get_for_user(
        Achievement.objects.select_related("owner", "field", "field__parent"), optional_user(request), Action.VIEW, pk=pk
    )
    return _achievement_out(achievement)


@router.post("/achievements", response={201: AchievementOut}, auth=AUTH, summary="登记成果草稿")
def achievement_create(request: AuthenticatedHttpRequest, payload: AchievementIn) -> Status[dict[str, Any]]:
    user = request.user
    owner = _acting_organisation(user, payload.owner_id, enterprise=False)
    achievement = achievement_services.achievement_create(actor=user, owner=owner, data=_achievement_data(payload))
    return Status(201, _achievement_out(achievement))


@router.patch("/achievements/{pk}", response=AchievementOut, auth=AUTH, summary="修改成果（已发布的成果修改需审核）")
def achievement_update(request: AuthenticatedHttpRequest, pk: int, payload: AchievementPatch) -> dict[str, Any]:
    user = request.user
    achievement = _achievement(request, pk, Action.CHANGE)
    base = AchievementData.from_achievement(achievement)
    pending = selectors.achievement_pending_revision(achievement=achievement)
    if pending is not None:
        base = AchievementData.from_json(pending.data)
    achievement = achievement_services.achievement_update(
        actor=user, achievement=achievement, data=_achievement_data(payload, base)
    )
    achievement.refresh_from_db()
    return _achievement_out(achievement)


def _achievement_transition(
    request: AuthenticatedHttpRequest, pk: int, action: Action, call: Any, **kwargs: Any
) -> dict[str, Any]:
    achievement = _achievement(request, pk, action)
    achievement = call(actor=request.user, achievement=achievement, **kwargs)
    return _achievement_out(achievement)


@router.post("/achievements/{pk}/submit", response=AchievementOut, auth=AUTH, summary="提交审核")
def achievement_submit(request: AuthenticatedHttpRequest, pk: int) -> dict[str, Any]:
    return _achievement_transition(request, pk, Action.CHANGE, achievement_services.achievement_submit)


@router.post("/achievements/{pk}/withdraw", response=AchievementOut, auth=AUTH, summary="撤回（待审核的回到草稿，已发布的撤回）")
def achievement_withdraw(request: AuthenticatedHttpRequest, pk: int, payload: ReasonIn | None = None) -> dict[str, Any]:
    reason = payload.reason if payload else ""
    return _achievement_transition(request, pk, Action.CHANGE, achievement_services.achievement_withdraw, reason=reason)


@router.post("/achievements/{pk}/reopen", response=AchievementOut, auth=AUTH, summary="撤回的成果重新编辑")
def achievement_reopen(request: AuthenticatedHttpRequest, pk: int) -> dict[str, Any]:
    return _achievement_transition(request, pk, Action.CHANGE, achievement_services.achievement_reopen)


@router.post("/achievements/{pk}/approve", response=AchievementOut, auth=AUTH, summary="审核通过并发布（审核部门）")
def achievement_approve(request: AuthenticatedHttpRequest, pk: int) -> dict[str, Any]:
    return _achievement_transition(request, pk, Action.REVIEW, achievement_services.achievement_approve)


@router.post("/achievements/{pk}/return", response=AchievementOut, auth=AUTH, summary="退回（审核部门，须填写理由）")
def achievement_return(request: AuthenticatedHttpRequest, pk: int, payload: ReasonIn) -> dict[str, Any]:
    return _achievement_transition(request, pk, Action.REVIEW, achievement_services.achievement_return, reason=payload.reason)


@router.post("/achievements/{pk}/take-down", response=AchievementOut, auth=AUTH, summary="下架（审核部门，须填写理由）")
def achievement_take_down(request: AuthenticatedHttpRequest, pk: int, payload: ReasonIn) -> dict[str, Any]:
    return _achievement_transition(request, pk, Action.REVIEW, achievement_services.achievement_take_down, reason=payload.reason)


def _revision(request: AuthenticatedHttpRequest, pk: int) -> AchievementRevision:
    revision = AchievementRevision.objects.select_related("achievement").filter(pk=pk).first()
    if revision is None:
        raise DomainError("未找到该修改，或您无权查看", code="not_found", status=404)
    _achievement(request, revision.achievement_id, Action.REVIEW)
    return revision


@router.get("/revisions", response=list[RevisionOut], auth=AUTH, summary="待审核的成果修改（审核部门）")
def revision_queue(request: AuthenticatedHttpRequest) -> list[AchievementRevision]:
    if not roles.department_ids(request.user):
        raise DomainError("只有审核部门的工作人员可以查看审核队列", code="forbidden", status=403)
    return list(selectors.revision_review_queue(user=request.user))


@router.post("/revisions/{pk}/approve", response=AchievementOut, auth=AUTH, summary="成果修改审核通过")
def revision_approve(request: AuthenticatedHttpRequest, pk: int) -> dict[str, Any]:
    achievement = achievement_services.achievement_revision_approve(actor=request.user, revision=_revision(request, pk))
    return _achievement_out(achievement)


@router.post("/revisions/{pk}/return", response=RevisionOut, auth=AUTH, summary="成果修改退回")
def revision_return(request: AuthenticatedHttpRequest, pk: int, payload: ReasonIn) -> AchievementRevision:
    return achievement_services.achievement_revision_return(
        actor=request.user, revision=_revision(request, pk), reason=payload.reason
    )


# ---------------------------------------------------------------- demands


@router.get("/demands", response=DemandPageOut, auth=None, summary="征集中的技术需求列表（公开）")
def demand_list(request: HttpRequest, filters: Query[DemandQuery]) -> dict[str, Any]:
    params = filters.dict(exclude_none=True)
    parsed = selectors.parse_filters(params, for_demands=True)
    page = selectors.public_listing(kind="demand", user=optional_user(request), filters=parsed, params=params).page
    return {**page.__dict__, "items": [_demand_out(d) for d in page.items]}


@router.get("/demands/{pk}", response=DemandOut, auth=None, summary="技术需求详情")
def demand_detail(request: HttpRequest, pk: int) -> dict[str, Any]:
    demand = get_for_user(
        Demand.objects.select_related("enterprise", "field", "field__parent"), optional_user(request), Action.VIEW, pk=pk
    )
    return _demand_out(demand)


@router.post("/demands", response={201: DemandOut}, auth=AUTH, summary="登记技术需求草稿")
def demand_create(request: AuthenticatedHttpRequest, payload: DemandIn) -> Status[dict[str, Any]]:
    user = request.user
    enterprise = _acting_organisation(user, payload.enterprise_id, enterprise=True)
    demand = demand_services.demand_create(actor=user, enterprise=enterprise, data=_demand_data(payload))
    return Status(201, _demand_out(demand))


@router.patch("/demands/{pk}", response=DemandOut, auth=AUTH, summary="修改技术需求（草稿或被退回时）")
def demand_update(request: AuthenticatedHttpRequest, pk: int, payload: DemandPatch) -> dict[str, Any]:
    demand = _demand(request, pk, Action.CHANGE)
    base = DemandData(
        title=demand.title,
        description=demand.description,
        field_id=demand.field_id,
        deadline=demand.deadline,
        city=demand.city,
        county=demand.county,
        keywords=list(demand.keywords),
        budget_min=demand.budget_min,
        budget_max=demand.budget_max,
        cooperation_forms=list(demand.cooperation_forms),
    )
    demand = demand_services.demand_update(actor=request.user, demand=demand, data=_demand_data(payload, base))
    return _demand_out(demand)


def _demand_transition(request: AuthenticatedHttpRequest, pk: int, action: Action, call: Any, **kwargs: Any) -> dict[str, Any]:
    demand = _demand(request, pk, action)
    return _demand_out(call(actor=request.user, demand=demand, **kwargs))


@router.post("/demands/{pk}/submit", response=DemandOut, auth=AUTH, summary="提交审核")
def demand_submit(request: AuthenticatedHttpRequest, pk: int) -> dict[str, Any]:
    return _demand_transition(request, pk, Action.CHANGE, demand_services.demand_submit)


@router.post("/demands/{pk}/withdraw", response=DemandOut, auth=AUTH, summary="撤回待审核的需求")
def demand_withdraw(request: AuthenticatedHttpRequest, pk: int, payload: ReasonIn | None = None) -> dict[str, Any]:
    return _demand_transition(
        request, pk, Action.CHANGE, demand_services.demand_withdraw, reason=payload.reason if payload else ""
    )


@router.post("/demands/{pk}/close", response=DemandOut, auth=AUTH, summary="关闭已发布的需求")
def demand_close(request: AuthenticatedHttpRequest, pk: int, payload: ReasonIn | None = None) -> dict[str, Any]:
    return _demand_transition(request, pk, Action.CHANGE, demand_services.demand_close, reason=payload.reason if payload else "")


@router.post("/demands/{pk}/approve", response=DemandOut, auth=AUTH, summary="审核通过并发布（审核部门）")
def demand_approve(request: AuthenticatedHttpRequest, pk: int) -> dict[str, Any]:
    return _demand_transition(request, pk, Action.REVIEW, demand_services.demand_approve)


@router.post("/demands/{pk}/return", response=DemandOut, auth=AUTH, summary="退回（审核部门，须填写理由）")
def demand_return(request: AuthenticatedHttpRequest, pk: int, payload: ReasonIn) -> dict[str, Any]:
    return _demand_transition(request, pk, Action.REVIEW, demand_services.demand_return, reason=payload.reason)
