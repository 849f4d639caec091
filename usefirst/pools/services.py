"""Writes of industry pools: create a pool, add member enterprises, propose an achievement, vote,
and the operator's decisions (admit, decline, remove, or place an achievement directly — an
auto-included one included)."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from usefirst.accounts import roles
from usefirst.accounts.models import Organisation, OrganisationKind
from usefirst.catalog.choices import AchievementStatus
from usefirst.catalog.models import Achievement
from usefirst.core import workflow
from usefirst.core.actors import Actor
from usefirst.core.errors import Conflict, DomainError, Forbidden
from usefirst.core.permissions import Action, can
from usefirst.core.text import clean_reason, clean_text

from .choices import OPERATOR_KINDS, EntryStatus
from .models import Pool, PoolEntry, PoolVote
from .workflows import ENTRY, EntryEventType

PLACEABLE = (AchievementStatus.PUBLISHED, AchievementStatus.AUTO_INCLUDED)


def may_operate(organisation: Organisation | None) -> bool:
    return organisation is not None and organisation.kind in OPERATOR_KINDS and organisation.is_active


def _require_operator(actor: Actor, pool: Pool) -> None:
    if not roles.is_member(actor, pool.operator):
        raise Forbidden("只有成果池的运营机构可以执行此操作", code="not_pool_operator")


def pool_create(*, actor: Actor, operator: Organisation, name: object, industry: object, description: object) -> Pool:
    if not roles.is_member(actor, operator) or not may_operate(operator):
        raise Forbidden("成果池由政府部门、高校或龙头企业运营", code="not_pool_operator")
    values = {
        "name": clean_text(name, field="name", label="成果池名称", max_chars=100),
        "industry": clean_text(industry, field="industry", label="产业", max_chars=64),
        "description": clean_reason(description, field="description", label="简介", max_chars=3000, required_code=None),
    }
    if Pool.objects.filter(name=values["name"]).exists():
        raise DomainError("已有同名的成果池", code="pool_name_taken", status=409, field_errors={"name": ["已有同名的成果池"]})
    pool = Pool.objects.create(operator=operator, created_by=actor, **values)
    if operator.kind == OrganisationKind.ENTERPRISE:
        pool.members.add(operator)
    return pool


def pool_add_member(*, actor: Actor, pool: Pool, enterprise: Organisation) -> None:
    _require_operator(actor, pool)
    if enterprise.kind != OrganisationKind.ENTERPRISE or not enterprise.is_active:
        raise DomainError(
            "成员须为已认证的企业", code="pool_member_not_enterprise", field_errors={"member": ["成员须为已认证的企业"]}
        )
    pool.members.add(enterprise)


def _insider(actor: Actor, pool: Pool, organisation: Organisation) -> None:
    if not roles.is_member(actor, organisation):
        raise Forbidden("您不是该机构的成员", code="not_pool_member")
    if organisation.pk != pool.operator_id and not pool.members.filter(pk=organisation.pk).exists():
        raise Forbidden("只有成果池的成员企业和运营机构可以推荐和投票", code="not_pool_member")


def _live(pool: Pool, achievement: Achievement) -> None:
    live = PoolEntry.objects.filter(pool=pool, achievement=achievement, status__in=[EntryStatus.PROPOSED, EntryStatus.ADMITTED])
    if live.exists():
        raise Conflict("该成果已在成果池中或正在推荐中", code="pool_entry_exists")


def _create(pool: Pool, achievement: Achievement, **values: Any) -> PoolEntry:
    try:
        with transaction.atomic():
            return PoolEntry.objects.create(pool=pool, achievement=achievement, **values)
    except IntegrityError as exc:
        raise Conflict("该成果已在成果池中或正在推荐中", code="pool_entry_exists") from exc


def entry_propose(*, actor: Actor, pool: Pool, achievement: Achievement, proposer: Organisation, note: object = "") -> PoolEntry:
    """A member enterprise (or the operator) proposes a published achievement; members vote on it."""
    _insider(actor, pool, proposer)
    if not achievement.is_public:
        raise DomainError("只能推荐已发布的成果入池", code="pool_item_not_public", status=409)
    text = clean_reason(note, field="note", label="推荐理由", max_chars=1000, required=False)
    with transaction.atomic():
        _live(pool, achievement)
        entry = _create(pool, achievement, proposed_by=proposer, note=text)
        workflow.record(ENTRY, entry, EntryEventType.PROPOSE, actor=actor, reason=text or "推荐入池", from_status="")
    return entry


def entry_place(*, actor: Actor, pool: Pool, achievement: Achievement, note: object = "") -> PoolEntry:
    """The operator places an achievement it can see directly in the pool — a published one, or an
    auto-included one still being completed by its unit."""
    _require_operator(actor, pool)
    if achievement.status not in PLACEABLE or achievement.is_restricted or not can(actor, Action.VIEW, achievement):
        raise DomainError("只能将已发布或自动纳入的成果放入成果池", code="pool_item_not_placeable", status=409)
    text = clean_reason(note, field="note", label="说明", max_chars=1000, required=False)
    with transaction.atomic():
        _live(pool, achievement)
        entry = _create(
            pool, achievement, proposed_by=pool.operator, note=text, status=EntryStatus.ADMITTED, decided_at=timezone.now()
        )
        label = "自动纳入的成果" if achievement.status == AchievementStatus.AUTO_INCLUDED else "成果"
        workflow.record(
            ENTRY, entry, EntryEventType.PLACE, actor=actor, reason=text or f"运营机构将{label}放入成果池", from_status=""
        )
    return entry


def entry_vote(*, actor: Actor, entry: PoolEntry, voter: Organisation, approve: bool) -> PoolVote:
    """A member enterprise votes on a proposal (once; a later vote replaces its earlier one)."""
    pool = entry.pool
    _insider(actor, pool, voter)
    if voter.kind != OrganisationKind.ENTERPRISE:
        raise Forbidden("由成果池的成员企业投票", code="not_pool_member")
    with transaction.atomic():
        locked = PoolEntry.objects.select_for_update().get(pk=entry.pk)
        if locked.status != EntryStatus.PROPOSED:
            raise Conflict("投票已结束：该推荐已有结果", code="pool_vote_closed")
        vote, _ = PoolVote.objects.update_or_create(
            entry=locked, organisation=voter, defaults={"approve": approve, "voted_by": actor, "voted_at": timezone.now()}
        )
    return vote


def tally(entry: PoolEntry) -> str:
    votes = list(entry.votes.values_list("approve", flat=True))
    return f"赞成 {sum(votes)} 票，反对 {len(votes) - sum(votes)} 票"


def entry_admit(*, actor: Actor, entry: PoolEntry, reason: object = "") -> PoolEntry:
    text = clean_reason(reason, label="意见", required=False)
    return workflow.move(
        ENTRY,
        entry,
        "admit",
        actor=actor,
        reason=text or f"入池（{tally(entry)}）",
        payload={"tally": tally(entry)},
        also={"decided_at": timezone.now(), "decision_reason": text},
    )


def entry_decline(*, actor: Actor, entry: PoolEntry, reason: object) -> PoolEntry:
    text = clean_reason(reason, label="不予入池的理由")
    return workflow.move(
        ENTRY,
        entry,
        "decline",
        actor=actor,
        reason=text,
        payload={"tally": tally(entry)},
        also={"decided_at": timezone.now(), "decision_reason": text},
    )


def entry_remove(*, actor: Actor, entry: PoolEntry, reason: object) -> PoolEntry:
    text = clean_reason(reason, label="移出理由")
    return workflow.move(ENTRY, entry, "remove", actor=actor, reason=text, also={"decision_reason": text})
