"""Open patent licences announced by CNIPA (专利法第50–52条): recording, withdrawal and
take-ups."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction

from usefirst.accounts import roles
from usefirst.catalog.choices import PATENT_KINDS
from usefirst.catalog.models import Achievement
from usefirst.core.actors import Actor
from usefirst.core.audit import audit
from usefirst.core.dates import today
from usefirst.core.errors import Conflict, Forbidden, IllegalTransition, from_validation_error

from ..models import (
    Contract,
    ContractKind,
    Exclusivity,
    OpenLicence,
)
from .common import S, field_error
from .drafting import AchievementShare, DraftData, contract_draft


def open_licence_record(
    *,
    actor: Actor,
    achievement: Achievement,
    announcement_number: str,
    announced_on: dt.date,
    fee_terms: str,
    valid_until: dt.date | None = None,
) -> OpenLicence:
    """Record an open licence announced by CNIPA (专利法第50–52条) for the unit's achievement.
    While it stands, no exclusive or sole licence of the achievement may be drafted."""
    if not roles.is_member(actor, achievement.owner):
        raise Forbidden("只有成果单位可以登记开放许可", code="forbidden")
    number = (announcement_number or "").strip()
    fee_terms = (fee_terms or "").strip()
    if not number:
        raise field_error("announcement_number", "请填写国家知识产权局的开放许可公告号")
    if not fee_terms:
        raise field_error("fee_terms", "请填写公告的许可使用费及支付方式等条件")
    if announced_on is None:
        raise field_error("announced_on", "请填写公告日")
    if announced_on > today():
        raise field_error("announced_on", "公告日不能晚于今天：只能登记已公告的开放许可", code="announced_in_future")
    if valid_until is not None and valid_until < announced_on:
        raise field_error("valid_until", "开放许可期限届满日不能早于公告日", code="dates_out_of_order")
    if not achievement.ip_items.filter(kind__in=PATENT_KINDS).exists():
        raise field_error("achievement", f"成果“{achievement.title}”没有登记专利，不能实行专利开放许可", code="no_patent")
    with transaction.atomic():
        Achievement.objects.select_for_update().filter(pk=achievement.pk).first()  # serialise with drafting
        if OpenLicence.objects.filter(achievement=achievement, announcement_number=number).exists():
            raise Conflict(f"公告号 {number} 的开放许可已登记", code="open_licence_exists")
        if Contract.objects.filter(
            achievements__achievement=achievement,
            exclusivity__in=[Exclusivity.EXCLUSIVE, Exclusivity.SOLE],
            status__in=[S.SIGNED, S.FREE_USE, S.AWAITING_NEXT_STEP, S.NEXT_STEP_AGREED, S.SIGNING, S.DRAFTED],
        ).exists():
            raise Conflict("该成果存在有效的独占或排他许可，不能实行开放许可", code="exclusive_licence_exists")
        record = OpenLicence(
            achievement=achievement,
            announcement_number=number,
            announced_on=announced_on,
            fee_terms=fee_terms,
            valid_until=valid_until,
            recorded_by=actor,
        )
        try:
            record.full_clean()
        except ValidationError as exc:
            raise from_validation_error(exc) from exc
        record.save()
        audit(
            actor=actor,
            action="open_licence.recorded",
            obj=record,
            achievement=achievement.pk,
            announcement_number=number,
            announced_on=str(announced_on),
            valid_until=str(valid_until) if valid_until else None,
        )
    return record


def open_licence_withdraw(*, actor: Actor, record: OpenLicence, withdrawn_on: dt.date, reason: str) -> OpenLicence:
    """The patentee withdrew the declaration (announced by CNIPA); take-ups already made stand."""
    if not roles.is_member(actor, record.achievement.owner):
        raise Forbidden("只有成果单位可以登记开放许可的撤回", code="forbidden")
    reason = (reason or "").strip()
    if not reason:
        raise field_error("reason", "请填写撤回说明（如撤回公告号）", code="reason_required")
    if withdrawn_on is None or withdrawn_on < record.announced_on:
        raise field_error("withdrawn_on", "撤回生效日不能早于开放许可公告日", code="dates_out_of_order")
    with transaction.atomic():
        record = OpenLicence.objects.select_for_update().get(pk=record.pk)
        if record.withdrawn_on is not None:
            raise IllegalTransition("该开放许可已登记撤回", code="illegal_transition")
        record.withdrawn_on, record.withdrawal_reason = withdrawn_on, reason
        try:
            record.full_clean()
        except ValidationError as exc:
            raise from_validation_error(exc) from exc
        record.save(update_fields=["withdrawn_on", "withdrawal_reason"])
        audit(actor=actor, action="open_licence.withdrawn", obj=record, withdrawn_on=str(withdrawn_on), reason=reason)
    return record


def open_licence_take_up(
    *, actor: Actor, record: OpenLicence, licensee_id: int | None, scope: str = "", extra_terms: str = ""
) -> Contract:
    """Record a take-up of an open licence (the implementer's written notice and payment on the
    announced terms) as an open-licence implementation record signed by both sides."""
    achievement = record.achievement
    return contract_draft(
        actor=actor,
        data=DraftData(
            kind=ContractKind.OPEN_LICENCE_RECORD,
            achievements=[AchievementShare(achievement.pk)],
            licensor_id=achievement.owner_id,
            licensee_id=licensee_id,
            scope=scope,
            exclusivity=Exclusivity.NON_EXCLUSIVE,
            extra_terms=extra_terms,
            open_licence_id=record.pk,
        ),
    )
