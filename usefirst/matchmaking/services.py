"""Writes of matchmaking: every step is validated, saved with its event row in one transaction,
and the other side is notified (e-mail after commit). Status changes move through the workflow
kernel (declared in matchmaking/workflows.py)."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from usefirst.accounts import roles
from usefirst.accounts.models import Organisation, OrganisationKind, User
from usefirst.catalog.choices import AchievementStatus, DemandStatus
from usefirst.catalog.models import Achievement, Demand
from usefirst.core import workflow
from usefirst.core.actors import Actor
from usefirst.core.errors import Conflict, DomainError, Forbidden, IllegalTransition
from usefirst.core.permissions import Action, can
from usefirst.core.text import clean_text
from usefirst.notifications.services import notify

from .choices import ENDED_STATUSES, DeclineReason, EngagementStatus, Side, other_side
from .models import MAX_MESSAGE_LENGTH, Engagement, EngagementMessage
from .workflows import ENGAGEMENT, sides_of
from .workflows import EngagementEventType as E

MAX_DECLINE_DETAIL = 500
MAX_REASON = 500


# ---------------------------------------------------------------- helpers


def _clean_text(value: str | None, *, field: str, label: str, limit: int, required: bool = False) -> str:
    """The shared text rule (usefirst.core.text), lines kept."""
    return clean_text(value, field=field, label=label, max_chars=limit, required=required, multiline=True)


def _require_party(actor: Actor, engagement: Engagement) -> set[str]:
    if not can(actor, Action.CHANGE, engagement):
        raise Forbidden("只有对接双方可以执行此操作", code="forbidden")
    return sides_of(actor, engagement)


def _single_side(actor: Actor, engagement: Engagement, what: str) -> str:
    sides = _require_party(actor, engagement)
    if len(sides) > 1:
        # A confirmation by both sides must come from two organisations, not one person.
        raise Forbidden(f"您同时属于对接双方机构，不能独自{what}", code="both_sides")
    return next(iter(sides))


def _lock(engagement: Engagement) -> Engagement:
    # of=("self",): PostgreSQL cannot lock the nullable side of the outer joins (achievement, demand).
    return (
        Engagement.objects.select_for_update(of=("self",))
        .select_related("unit", "enterprise", "achievement", "demand")
        .get(pk=engagement.pk)
    )


def _record(engagement: Engagement, event_type: str, *, actor: Actor, reason: str = "", **payload: Any) -> None:
    """An event that is not a move (the intent itself, the facilitator's steps)."""
    workflow.record(ENGAGEMENT, engagement, event_type, actor=actor, reason=reason, payload=payload)


def _members(organisation: Organisation | None) -> list[User]:
    if organisation is None:
        return []
    return list(
        User.objects.filter(memberships__organisation=organisation, memberships__is_active=True, is_active=True).distinct()
    )


def _notify(engagement: Engagement, organisation: Organisation | None, *, kind: str, title: str, body: str = "") -> None:
    url = reverse("matchmaking:engagement_detail", args=[engagement.pk])
    notify(recipients=_members(organisation), kind=f"matchmaking.{kind}", title=title, body=body, url=url)


def _notify_other(engagement: Engagement, side: str, *, kind: str, title: str, body: str = "") -> None:
    _notify(engagement, engagement.organisation_of(other_side(side)), kind=kind, title=title, body=body)


def _refuse(engagement: Engagement, what: str) -> IllegalTransition:
    """A step within a state (a facilitator, a message) the engagement's state does not allow."""
    label = workflow.state_label(ENGAGEMENT, engagement.status)
    return IllegalTransition(f"对接当前状态为“{label}”，不能{what}", code="illegal_transition")


def _move(
    engagement: Engagement,
    name: str,
    *,
    actor: Actor,
    reason: str = "",
    also: dict[str, Any] | None = None,
    notice: workflow.Notice | None = None,
    **payload: Any,
) -> Engagement:
    """Take the transition `name` through the kernel: refuses a party without the right, a
    stale state, a move the table does not declare and a failing guard, each with its code."""
    workflow.transition(
        ENGAGEMENT,
        engagement,
        name,
        actor=actor,
        reason=reason,
        payload=payload,
        also={**(also or {}), "updated_at": timezone.now()},
        notices=[notice] if notice else [],
    )
    return engagement


# ---------------------------------------------------------------- intent


def _check_achievement(achievement: Achievement) -> None:
    if achievement.is_restricted:
        raise DomainError("该成果涉及国防、国家安全等限制情形，不公开，不能对接", code="item_restricted")
    if achievement.status != AchievementStatus.PUBLISHED:
        raise DomainError("该成果尚未发布或已撤回、下架，不能提出对接意向", code="item_not_published")


def _check_demand(demand: Demand) -> None:
    if demand.effective_status != DemandStatus.PUBLISHED:
        raise DomainError("该需求尚未发布或已关闭、过期，不能提出对接意向", code="item_not_published")


def engagement_create(
    *,
    actor: Actor,
    organisation: Organisation,
    achievement: Achievement | None = None,
    demand: Demand | None = None,
    message: str = "",
) -> Engagement:
    """An intent: an enterprise on a published achievement (optionally naming its own demand), or
    a unit on a published demand (optionally naming one of its published achievements)."""
    if not roles.is_member(actor, organisation):
        raise Forbidden("您不是该机构的成员，不能以其名义提出对接意向", code="forbidden")
    if not organisation.is_active:
        raise DomainError("机构尚未通过认证，暂不能提出对接意向", code="organisation_not_active", status=403)
    text = _clean_text(message, field="message", label="留言", limit=MAX_MESSAGE_LENGTH)
    if achievement is None and demand is None:
        raise DomainError("请指明对接的成果或需求", code="item_required")
    # Naming a demand other than one's own answers that demand (the unit side); an enterprise
    # may name its own demand alongside the achievement it wants.
    if demand is not None and (achievement is None or demand.enterprise_id != organisation.pk):
        side = Side.UNIT
    else:
        side = Side.ENTERPRISE
    if side == Side.ENTERPRISE:
        assert achievement is not None
        if achievement.owner_id == organisation.pk:
            raise DomainError("不能对本机构的成果提出对接意向", code="own_item")
        _check_achievement(achievement)
        if organisation.kind != OrganisationKind.ENTERPRISE:
            raise DomainError("只有企业可以对成果提出对接意向", code="not_an_enterprise", status=403)
        if demand is not None and demand.enterprise_id != organisation.pk:
            raise DomainError("只能关联本企业发布的需求", code="not_own_demand")
        engagement = Engagement(
            unit=achievement.owner, enterprise=organisation, achievement=achievement, demand=demand, initiator_side=side
        )
    else:
        assert demand is not None
        if demand.enterprise_id == organisation.pk:
            raise DomainError("不能对本机构发布的需求提出对接意向", code="own_item")
        _check_demand(demand)
        if not organisation.is_owner_unit_kind:
            raise DomainError("只有成果单位可以对需求提出对接意向", code="not_a_unit", status=403)
        if achievement is not None:
            if achievement.owner_id != organisation.pk:
                raise DomainError("只能关联本单位的成果", code="not_own_achievement")
            _check_achievement(achievement)
        engagement = Engagement(
            unit=organisation, enterprise=demand.enterprise, achievement=achievement, demand=demand, initiator_side=side
        )
    engagement.created_by = actor
    try:
        with transaction.atomic():
            if _duplicate(engagement).exists():
                raise _duplicate_error(side)
            engagement.save()
            workflow.record(ENGAGEMENT, engagement, E.INTENT, actor=actor, reason=text[:200], from_status="")
            if text:
                EngagementMessage.objects.create(engagement=engagement, author=actor, author_side=side, body=text)
            _notify(
                engagement,
                engagement.responder,
                kind="intent",
                title=f"{organisation.name} 对“{engagement.subject_title}”提出了对接意向",
                body=text,
            )
    except IntegrityError as exc:
        # The partial unique constraint: a concurrent request won the race.
        raise _duplicate_error(side) from exc
    return engagement


def _duplicate(engagement: Engagement) -> Any:
    open_ = Engagement.objects.filter(status__in=[EngagementStatus.INTENT, EngagementStatus.TALKING])
    if engagement.initiator_side == Side.ENTERPRISE:
        return open_.filter(initiator_side=Side.ENTERPRISE, enterprise=engagement.enterprise, achievement=engagement.achievement)
    return open_.filter(initiator_side=Side.UNIT, unit=engagement.unit, demand=engagement.demand)


def _duplicate_error(side: str) -> Conflict:
    item = "成果" if side == Side.ENTERPRISE else "需求"
    return Conflict(f"本机构已就该{item}提出对接意向且尚未结束，请在原对接中继续洽谈", code="duplicate_intent")


# ---------------------------------------------------------------- responses and closing


def engagement_accept(*, actor: Actor, engagement: Engagement) -> Engagement:
    def notice(locked: Engagement) -> None:
        _notify_other(
            locked,
            locked.responder_side,
            kind="accepted",
            title=f"{locked.responder.name} 接受了关于“{locked.subject_title}”的对接意向",
        )

    return _move(engagement, E.ACCEPT, actor=actor, notice=notice)


def engagement_decline(*, actor: Actor, engagement: Engagement, reason: str, detail: str = "") -> Engagement:
    if reason not in DeclineReason.values:
        raise DomainError("请选择婉拒原因", code="validation_failed", field_errors={"reason": ["请选择婉拒原因"]})
    detail = _clean_text(
        detail, field="detail", label="婉拒说明", limit=MAX_DECLINE_DETAIL, required=reason == DeclineReason.OTHER
    )
    label = str(DeclineReason(reason).label)

    def notice(locked: Engagement) -> None:
        _notify_other(
            locked,
            locked.responder_side,
            kind="declined",
            title=f"{locked.responder.name} 婉拒了关于“{locked.subject_title}”的对接意向（{label}）",
            body=detail,
        )

    return _move(
        engagement,
        E.DECLINE,
        actor=actor,
        reason=detail or label,
        also={"decline_reason": reason, "decline_detail": detail},
        notice=notice,
        decline=reason,
    )


def engagement_close(*, actor: Actor, engagement: Engagement, reason: str = "") -> Engagement:
    """Either side ends the talks; an intent not yet answered is withdrawn by its initiator
    (the other side answers it by declining with a reason)."""
    reason = _clean_text(reason, field="reason", label="说明", limit=MAX_REASON)
    sides = sides_of(actor, engagement)
    if engagement.status == EngagementStatus.INTENT:
        side, name, word = engagement.initiator_side, E.WITHDRAW, "撤回"
    else:
        side = engagement.initiator_side if engagement.initiator_side in sides else engagement.responder_side
        name, word = E.CLOSE, "关闭"

    def notice(locked: Engagement) -> None:
        _notify_other(
            locked,
            side,
            kind=name,
            title=f"{locked.organisation_of(side).name} {word}了关于“{locked.subject_title}”的对接",
            body=reason,
        )

    return _move(engagement, name, actor=actor, reason=reason, also={"agreement_proposed_side": ""}, notice=notice, side=side)


# ---------------------------------------------------------------- agreement (both sides)


def engagement_propose_agreement(*, actor: Actor, engagement: Engagement) -> Engagement:
    sides = sides_of(actor, engagement)
    side = next(iter(sides)) if len(sides) == 1 else ""

    def notice(locked: Engagement) -> None:
        _notify_other(
            locked,
            side,
            kind="agreement_proposed",
            title=f"{locked.organisation_of(side).name} 提出就“{locked.subject_title}”达成一致，请确认",
        )

    now = timezone.now()
    also = {"agreement_proposed_side": side, "agreement_proposed_by": actor, "agreement_proposed_at": now}
    return _move(engagement, E.PROPOSE_AGREEMENT, actor=actor, also=also, notice=notice, side=side)


def engagement_confirm_agreement(*, actor: Actor, engagement: Engagement) -> Engagement:
    sides = sides_of(actor, engagement)
    side = next(iter(sides)) if len(sides) == 1 else ""

    def notice(locked: Engagement) -> None:
        _notify_other(locked, side, kind="agreed", title=f"关于“{locked.subject_title}”的对接已达成一致，可起草合同")

    return _move(
        engagement,
        E.CONFIRM_AGREEMENT,
        actor=actor,
        reason="双方达成一致，可起草合同",
        also={"agreed_at": timezone.now()},
        notice=notice,
        side=side,
        proposed_by_side=engagement.agreement_proposed_side,
    )


# ---------------------------------------------------------------- facilitator agency


def _stamp_facilitator_confirmation(engagement: Engagement, side: str, actor: Actor) -> None:
    now = timezone.now()
    if side == Side.ENTERPRISE:
        engagement.facilitator_enterprise_confirmed_by = actor
        engagement.facilitator_enterprise_confirmed_at = now
    else:
        engagement.facilitator_unit_confirmed_by = actor
        engagement.facilitator_unit_confirmed_at = now


def engagement_propose_facilitator(*, actor: Actor, engagement: Engagement, agency: Organisation) -> Engagement:
    """Proposing counts as the proposing side's confirmation; the agency is attached (and
    credited) only when the other side confirms too. A new proposal replaces a pending one."""
    if agency.kind != OrganisationKind.AGENCY or not agency.is_active:
        raise DomainError("请选择已认证的技术转移转化服务机构", code="not_an_agency", field_errors={"agency": ["不是服务机构"]})
    with transaction.atomic():
        engagement = _lock(engagement)
        side = _single_side(actor, engagement, "邀请服务机构")
        if not engagement.can_propose_facilitator():
            raise _refuse(engagement, "邀请服务机构")
        engagement.proposed_facilitator = agency
        engagement.facilitator_enterprise_confirmed_by = None
        engagement.facilitator_enterprise_confirmed_at = None
        engagement.facilitator_unit_confirmed_by = None
        engagement.facilitator_unit_confirmed_at = None
        _stamp_facilitator_confirmation(engagement, side, actor)
        engagement.updated_at = timezone.now()
        engagement.save()
        _record(
            engagement,
            E.PROPOSE_FACILITATOR,
            actor=actor,
            side=side,
            agency_id=agency.pk,
            agency=agency.name,
        )
        _notify_other(
            engagement,
            side,
            kind="facilitator_proposed",
            title=f"{engagement.organisation_of(side).name} 提议由 {agency.name} 协助对接，请确认",
        )
    return engagement


def engagement_confirm_facilitator(*, actor: Actor, engagement: Engagement) -> Engagement:
    with transaction.atomic():
        engagement = _lock(engagement)
        side = _single_side(actor, engagement, "确认服务机构")
        if not engagement.can_confirm_facilitator():
            raise _refuse(engagement, "确认服务机构")
        if engagement.facilitator_confirmed_at(side) is not None:
            raise IllegalTransition("本方已确认，等待另一方确认", code="already_confirmed")
        _stamp_facilitator_confirmation(engagement, side, actor)
        agency = engagement.proposed_facilitator
        engagement.facilitator = agency
        engagement.updated_at = timezone.now()
        engagement.save()
        _record(
            engagement,
            E.ATTACH_FACILITATOR,
            actor=actor,
            side=side,
            agency_id=agency.pk if agency else None,
            agency=agency.name if agency else "",
        )
        _notify_other(
            engagement, side, kind="facilitator_attached", title=f"双方已确认由 {agency.name if agency else ''} 协助对接"
        )
        _notify(
            engagement,
            agency,
            kind="facilitator_attached",
            title=f"“{engagement.subject_title}”的对接双方确认由贵机构协助对接",
        )
    return engagement


# ---------------------------------------------------------------- messages


def message_post(*, actor: Actor, engagement: Engagement, body: str) -> EngagementMessage:
    text = _clean_text(body, field="body", label="留言内容", limit=MAX_MESSAGE_LENGTH, required=True)
    with transaction.atomic():
        engagement = _lock(engagement)
        sides = _require_party(actor, engagement)
        if engagement.status in ENDED_STATUSES:
            raise _refuse(engagement, "留言")
        side = engagement.initiator_side if engagement.initiator_side in sides else engagement.responder_side
        message = EngagementMessage(engagement=engagement, author=actor, author_side=side, body=text)
        message.save()
        Engagement.objects.filter(pk=engagement.pk).update(updated_at=message.created_at)
        _notify_other(
            engagement,
            side,
            kind="message",
            title=f"{engagement.organisation_of(side).name} 在“{engagement.subject_title}”的对接中留言",
            body=text[:200],
        )
    return message
