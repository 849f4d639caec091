"""Matchmaking endpoints of the open API: intents, responses, agreement, facilitator, messages.

Every endpoint needs a bearer token or a session; the engagement is looked up through the
chokepoint (404 for outsiders, 403 for read-only viewers who try to act), and every write
calls the same service as the pages.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from ninja import Query, Router, Schema, Status
from ninja.security import django_auth

from usefirst.accounts import roles
from usefirst.accounts.models import Organisation, OrganisationKind
from usefirst.api.auth import TokenAuth
from usefirst.api.fields import PageQuery, ReasonIn
from usefirst.catalog.models import Achievement, Demand
from usefirst.core.actors import Actor, AuthenticatedHttpRequest
from usefirst.core.errors import DomainError, NotFound
from usefirst.core.pagination import paginate
from usefirst.core.permissions import Action, get_for_user

from . import selectors, services
from .models import Engagement, EngagementMessage

router = Router(tags=["对接"])
AUTH = [TokenAuth(), django_auth]


# ---------------------------------------------------------------- schemas


class EngagementPartyOut(Schema):
    id: int
    name: str
    kind: str


class ItemOut(Schema):
    id: int
    title: str


class EngagementOut(Schema):
    id: int
    status: str
    status_label: str
    initiator_side: str
    unit: EngagementPartyOut
    enterprise: EngagementPartyOut
    achievement: ItemOut | None
    demand: ItemOut | None
    decline_reason: str
    decline_detail: str
    agreement_proposed_side: str
    agreement_proposed_at: dt.datetime | None
    agreed_at: dt.datetime | None
    proposed_facilitator: EngagementPartyOut | None
    facilitator: EngagementPartyOut | None
    facilitator_enterprise_confirmed_at: dt.datetime | None
    facilitator_unit_confirmed_at: dt.datetime | None
    created_at: dt.datetime
    updated_at: dt.datetime


class EngagementPageOut(Schema):
    count: int
    page: int
    page_size: int
    num_pages: int
    items: list[EngagementOut]


class EngagementQuery(Schema):
    status: str = ""
    page: int = 1
    page_size: int = 20


class IntentIn(Schema):
    organisation_id: int | None = None
    achievement_id: int | None = None
    demand_id: int | None = None
    message: str = ""


class DeclineIn(Schema):
    reason: str
    detail: str = ""


class AgencyIn(Schema):
    agency_id: int


class MessageIn(Schema):
    body: str


class MessageOut(Schema):
    id: int
    author_side: str
    author_name: str
    body: str
    created_at: dt.datetime


class MessagePageOut(Schema):
    count: int
    page: int
    page_size: int
    num_pages: int
    items: list[MessageOut]


class ReasonRowOut(Schema):
    reason: str
    label: str
    received: int
    given: int


class DeclineSummaryOut(Schema):
    organisation_id: int
    received_total: int
    given_total: int
    reasons: list[ReasonRowOut]


# ---------------------------------------------------------------- helpers


def _party(org: Organisation | None) -> dict[str, Any] | None:
    return None if org is None else {"id": org.pk, "name": org.name, "kind": org.kind}


def _out(e: Engagement) -> dict[str, Any]:
    return {
        "id": e.pk,
        "status": e.status,
        "status_label": e.get_status_display(),
        "initiator_side": e.initiator_side,
        "unit": _party(e.unit),
        "enterprise": _party(e.enterprise),
        "achievement": {"id": e.achievement.pk, "title": e.achievement.title} if e.achievement else None,
        "demand": {"id": e.demand.pk, "title": e.demand.title} if e.demand else None,
        "decline_reason": e.decline_reason,
        "decline_detail": e.decline_detail,
        "agreement_proposed_side": e.agreement_proposed_side,
        "agreement_proposed_at": e.agreement_proposed_at,
        "agreed_at": e.agreed_at,
        "proposed_facilitator": _party(e.proposed_facilitator),
        "facilitator": _party(e.facilitator),
        "facilitator_enterprise_confirmed_at": e.facilitator_enterprise_confirmed_at,
        "facilitator_unit_confirmed_at": e.facilitator_unit_confirmed_at,
        "created_at": e.created_at,
        "updated_at": e.updated_at,
    }


def _message_out(m: EngagementMessage) -> dict[str, Any]:
    return {
        "id": m.pk,
        "author_side": m.author_side,
        "author_name": m.author.full_name,
        "body": m.body,
        "created_at": m.created_at,
    }


def _engagements() -> QuerySet[Engagement]:
    return Engagement.objects.select_related("unit", "enterprise", "achievement", "demand", "facilitator", "proposed_facilitator")


def _engagement(request: AuthenticatedHttpRequest, pk: int, action: Action) -> Engagement:
    return get_for_user(_engagements(), request.user, action, pk=pk)


def _acting_organisation(user: Actor, wanted: int | None, *, enterprise: bool, exclude: int | None) -> Organisation:
    """The organisation the caller acts for: the one named, or the caller's only fitting one."""
    memberships = roles.active_memberships(user).select_related("organisation")
    candidates = [
        m.organisation
        for m in memberships
        if (m.organisation.kind == OrganisationKind.ENTERPRISE if enterprise else m.organisation.is_owner_unit_kind)
    ]
    if wanted is not None:
        for m in memberships:
            if m.organisation_id == wanted:
                return m.organisation
        raise DomainError("您不能以该机构的名义操作", code="forbidden", status=403)
    fitting = [o for o in candidates if o.pk != exclude] or candidates
    if len(fitting) == 1:
        return fitting[0]
    if not fitting and exclude is not None and any(m.organisation_id == exclude for m in memberships):
        raise DomainError("不能对本机构的成果或需求提出对接意向", code="own_item")
    if not fitting:
        message = "只有企业可以对成果提出对接意向" if enterprise else "只有成果单位可以对需求提出对接意向"
        raise DomainError(message, code="forbidden", status=403)
    raise DomainError(
        "您属于多个机构，请用 organisation_id 指明", code="validation_failed", field_errors={"organisation_id": ["请指明机构"]}
    )


def _item(queryset: Any, user: Actor, pk: int | None, label: str) -> Any:
    if pk is None:
        return None
    try:
        return get_for_user(queryset, user, Action.VIEW, pk=pk)
    except NotFound as exc:
        raise NotFound(f"未找到该{label}，或您无权查看", code="not_found") from exc


# ---------------------------------------------------------------- endpoints


@router.post("/engagements", response={201: EngagementOut}, auth=AUTH, summary="提出对接意向（企业对成果，或成果单位对需求）")
def engagement_create(request: AuthenticatedHttpRequest, payload: IntentIn) -> Status[dict[str, Any]]:
    user = request.user
    achievement = _item(Achievement.objects.select_related("owner"), user, payload.achievement_id, "成果")
    demand = _item(Demand.objects.select_related("enterprise"), user, payload.demand_id, "需求")
    if achievement is None and demand is None:
        raise DomainError("请指明 achievement_id 或 demand_id", code="item_required")
    on_demand = demand is not None and (achievement is None or not roles.is_member(user, demand.enterprise))
    exclude = demand.enterprise_id if on_demand and demand else (achievement.owner_id if achievement else None)
    organisation = _acting_organisation(user, payload.organisation_id, enterprise=not on_demand, exclude=exclude)
    engagement = services.engagement_create(
        actor=user, organisation=organisation, achievement=achievement, demand=demand, message=payload.message
    )
    return Status(201, _out(engagement))


@router.get("/engagements", response=EngagementPageOut, auth=AUTH, summary="我的对接（可按状态筛选）")
def engagement_list(request: AuthenticatedHttpRequest, query: Query[EngagementQuery]) -> dict[str, Any]:
    queryset = selectors.engagement_list(user=request.user, status=query.status)
    page = paginate(queryset, page=query.page or 1, page_size=query.page_size or 20)
    return {**page.__dict__, "items": [_out(e) for e in page.items]}


@router.get("/engagements/decline-reasons", response=DeclineSummaryOut, auth=AUTH, summary="婉拒原因统计（本机构）")
def decline_reasons(request: AuthenticatedHttpRequest, organisation_id: int | None = None) -> dict[str, Any]:
    user = request.user
    memberships = roles.active_memberships(user).select_related("organisation")
    orgs = [m.organisation for m in memberships if organisation_id is None or m.organisation_id == organisation_id]
    if not orgs:
        raise DomainError("您不是该机构的成员", code="forbidden", status=403)
    if len(orgs) > 1:
        raise DomainError(
            "您属于多个机构，请用 organisation_id 指明",
            code="validation_failed",
            field_errors={"organisation_id": ["请指明机构"]},
        )
    summary = selectors.decline_summary(organisation=orgs[0])
    return {
        "organisation_id": orgs[0].pk,
        "received_total": summary.received_total,
        "given_total": summary.given_total,
        "reasons": [row.__dict__ for row in summary.rows],
    }


@router.get("/engagements/{pk}", response=EngagementOut, auth=AUTH, summary="对接详情")
def engagement_detail(request: AuthenticatedHttpRequest, pk: int) -> dict[str, Any]:
    return _out(_engagement(request, pk, Action.VIEW))


def _act(request: AuthenticatedHttpRequest, pk: int, call: Any, **kwargs: Any) -> dict[str, Any]:
    engagement = call(actor=request.user, engagement=_engagement(request, pk, Action.CHANGE), **kwargs)
    return _out(_engagement(request, engagement.pk, Action.VIEW))


@router.post("/engagements/{pk}/accept", response=EngagementOut, auth=AUTH, summary="接受对接意向（进入洽谈）")
def engagement_accept(request: AuthenticatedHttpRequest, pk: int) -> dict[str, Any]:
    return _act(request, pk, services.engagement_accept)


@router.post("/engagements/{pk}/decline", response=EngagementOut, auth=AUTH, summary="婉拒对接意向（须选择原因）")
def engagement_decline(request: AuthenticatedHttpRequest, pk: int, payload: DeclineIn) -> dict[str, Any]:
    return _act(request, pk, services.engagement_decline, reason=payload.reason, detail=payload.detail)


@router.post("/engagements/{pk}/close", response=EngagementOut, auth=AUTH, summary="关闭对接（未答复的意向由发起方撤回）")
def engagement_close(request: AuthenticatedHttpRequest, pk: int, payload: ReasonIn | None = None) -> dict[str, Any]:
    return _act(request, pk, services.engagement_close, reason=payload.reason if payload else "")


@router.post("/engagements/{pk}/agreement/propose", response=EngagementOut, auth=AUTH, summary="提出达成一致")
def agreement_propose(request: AuthenticatedHttpRequest, pk: int) -> dict[str, Any]:
    return _act(request, pk, services.engagement_propose_agreement)


@router.post("/engagements/{pk}/agreement/confirm", response=EngagementOut, auth=AUTH, summary="确认达成一致（另一方）")
def agreement_confirm(request: AuthenticatedHttpRequest, pk: int) -> dict[str, Any]:
    return _act(request, pk, services.engagement_confirm_agreement)


@router.post("/engagements/{pk}/facilitator/propose", response=EngagementOut, auth=AUTH, summary="提议服务机构")
def facilitator_propose(request: AuthenticatedHttpRequest, pk: int, payload: AgencyIn) -> dict[str, Any]:
    agency = selectors.agencies().filter(pk=payload.agency_id).first()
    if agency is None:
        raise DomainError(
            "请选择已认证的技术转移转化服务机构", code="not_an_agency", field_errors={"agency_id": ["不是服务机构"]}
        )
    return _act(request, pk, services.engagement_propose_facilitator, agency=agency)


@router.post("/engagements/{pk}/facilitator/confirm", response=EngagementOut, auth=AUTH, summary="确认服务机构（另一方）")
def facilitator_confirm(request: AuthenticatedHttpRequest, pk: int) -> dict[str, Any]:
    return _act(request, pk, services.engagement_confirm_facilitator)


@router.get("/engagements/{pk}/messages", response=MessagePageOut, auth=AUTH, summary="留言（最新在前）")
def message_list(request: AuthenticatedHttpRequest, pk: int, query: Query[PageQuery]) -> dict[str, Any]:
    engagement = _engagement(request, pk, Action.VIEW)
    page = paginate(selectors.engagement_messages(engagement=engagement), page=query.page or 1, page_size=query.page_size or 20)
    return {**page.__dict__, "items": [_message_out(m) for m in page.items]}


@router.post("/engagements/{pk}/messages", response={201: MessageOut}, auth=AUTH, summary="发送留言")
def message_create(request: AuthenticatedHttpRequest, pk: int, payload: MessageIn) -> Status[dict[str, Any]]:
    message = services.message_post(actor=request.user, engagement=_engagement(request, pk, Action.CHANGE), body=payload.body)
    return Status(201, _message_out(message))
