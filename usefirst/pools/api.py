"""Industry pools in the open API: the list and a pool (its admitted entries for anyone; its
proposals with their votes for the operator and the member enterprises), and a member's proposal
and vote. The same chokepoint and services as the pages; a refusal is problem+json with its code
(`not_pool_member`, `pool_entry_exists`, `pool_item_not_public`, `pool_vote_closed` …)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from ninja.security import django_auth
from pydantic import Field

from usefirst.accounts.models import Organisation
from usefirst.api.auth import TokenAuth, optional_user
from usefirst.api.fields import PageQuery
from usefirst.catalog.models import Achievement
from usefirst.core.actors import AuthenticatedHttpRequest
from usefirst.core.errors import Forbidden
from usefirst.core.pagination import paginate
from usefirst.core.permissions import Action, get_for_user

from . import selectors, services
from .choices import EntryStatus
from .models import Pool, PoolEntry

router = Router(tags=["产业成果池"])
AUTH = [TokenAuth(), django_auth]


class PoolSummaryOut(Schema):
    id: int
    name: str
    industry: str
    description: str
    operator_id: int
    operator_name: str
    admitted_count: int = Field(description="已入池成果数")
    member_count: int = Field(description="成员企业数")


def _summary(pool: Any) -> dict[str, Any]:
    return {
        "id": pool.pk,
        "name": pool.name,
        "industry": pool.industry,
        "description": pool.description,
        "operator_id": pool.operator_id,
        "operator_name": pool.operator.name,
        "admitted_count": pool.admitted,
        "member_count": pool.member_count,
    }


class PoolEntryOut(Schema):
    id: int
    pool_id: int
    achievement_id: int
    achievement_title: str
    status: str
    status_display: str
    proposed_by_id: int
    proposed_by_name: str
    note: str
    created_at: dt.datetime
    decided_at: dt.datetime | None
    decision_reason: str
    yes: int = Field(description="赞成票数")
    no: int = Field(description="反对票数")


def _entry_out(entry: PoolEntry) -> dict[str, Any]:
    votes = list(entry.votes.values_list("approve", flat=True))
    return {
        "id": entry.pk,
        "pool_id": entry.pool_id,
        "achievement_id": entry.achievement_id,
        "achievement_title": entry.achievement.title,
        "status": entry.status,
        "status_display": entry.get_status_display(),
        "proposed_by_id": entry.proposed_by_id,
        "proposed_by_name": entry.proposed_by.name,
        "note": entry.note,
        "created_at": entry.created_at,
        "decided_at": entry.decided_at,
        "decision_reason": entry.decision_reason,
        "yes": sum(votes),
        "no": len(votes) - sum(votes),
    }


class PoolDetailOut(PoolSummaryOut):
    is_insider: bool = Field(description="调用者所在机构是否为运营机构或成员企业")
    members: list[str] = Field(description="成员企业名称")
    admitted: list[PoolEntryOut]
    proposed: list[PoolEntryOut] = Field(description="推荐中的条目及票数（仅运营机构和成员企业可见，其他人为空）")


class PoolPageOut(Schema):
    count: int
    page: int
    page_size: int
    num_pages: int
    items: list[PoolSummaryOut]


@router.get("/pools", response=PoolPageOut, auth=None, summary="产业成果池列表（公开，分页）")
def pool_list(request: HttpRequest, query: Query[PageQuery]) -> dict[str, Any]:
    optional_user(request)  # a presented token must be valid
    page = paginate(selectors.pools(), page=query.page or 1, page_size=query.page_size or 20)
    return {**page.__dict__, "items": [_summary(pool) for pool in page.items]}


@router.get(
    "/pools/{pk}", response=PoolDetailOut, auth=None, summary="成果池详情：已入池成果；成员与运营机构另见推荐中的条目与票数"
)
def pool_get(request: HttpRequest, pk: int) -> dict[str, Any]:
    user = optional_user(request)
    pool = get_for_user(selectors.pools(), user, Action.VIEW, pk=pk)
    insider = selectors.is_insider(user, pool)
    return {
        **_summary(pool),
        "is_insider": insider,
        "members": list(pool.members.order_by("name").values_list("name", flat=True)),
        "admitted": [_entry_out(e) for e in selectors.entries(user, pool, EntryStatus.ADMITTED)],
        "proposed": [_entry_out(e) for e in selectors.entries(user, pool, EntryStatus.PROPOSED)] if insider else [],
    }


def _organisation(pk: int) -> Organisation:
    found = Organisation.objects.filter(pk=pk).first()
    if found is None:
        raise Forbidden("只有成果池的成员企业和运营机构可以推荐和投票", code="not_pool_member")
    return found


class PoolProposalIn(Schema):
    organisation_id: int = Field(description="推荐机构：成员企业或运营机构（须为其成员）")
    achievement_id: int = Field(description="已发布的科技成果")
    note: str = Field("", description="推荐理由")


@router.post(
    "/pools/{pk}/entries",
    response={201: PoolEntryOut},
    auth=AUTH,
    summary="成员企业（或运营机构）推荐已发布的成果入池，成员企业随后投票",
)
def entry_propose(request: AuthenticatedHttpRequest, pk: int, payload: PoolProposalIn) -> Status[dict[str, Any]]:
    pool = get_for_user(Pool.objects.select_related("operator"), request.user, Action.VIEW, pk=pk)
    achievement = get_for_user(Achievement.objects.all(), request.user, Action.VIEW, pk=payload.achievement_id)
    entry = services.entry_propose(
        actor=request.user,
        pool=pool,
        achievement=achievement,
        proposer=_organisation(payload.organisation_id),
        note=payload.note,
    )
    return Status(201, _entry_out(entry))


class PoolVoteIn(Schema):
    organisation_id: int = Field(description="投票的成员企业（须为其成员）；每家企业一票，再次投票取代前一票")
    approve: bool = Field(description="true 赞成，false 反对")


@router.post(
    "/pool-entries/{pk}/votes",
    response=PoolEntryOut,
    auth=AUTH,
    summary="成员企业对推荐中的条目投票（已有结果的条目不再接受投票）",
)
def entry_vote(request: AuthenticatedHttpRequest, pk: int, payload: PoolVoteIn) -> dict[str, Any]:
    entry = get_for_user(PoolEntry.objects.select_related("pool__operator", "achievement"), request.user, Action.VIEW, pk=pk)
    services.entry_vote(actor=request.user, entry=entry, voter=_organisation(payload.organisation_id), approve=payload.approve)
    entry.refresh_from_db()
    return _entry_out(entry)
