"""What every contract write shares: the lifecycle table and its transition with an event row,
coded field errors, and notifying the parties after commit."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from usefirst.accounts.models import Membership, Organisation, User
from usefirst.core.errors import DomainError, IllegalTransition
from usefirst.notifications.services import notify

from ..models import (
    Contract,
    ContractEvent,
    ContractStatus,
)

S = ContractStatus
SHARES_TOTAL = Decimal("100.00")
REMINDER_DAYS = (30, 7)
MAX_ACHIEVEMENTS = 20

TRANSITIONS: dict[str, set[str]] = {
    S.DRAFTED: {S.SIGNING, S.SIGNED, S.FREE_USE, S.CANCELLED},
    S.SIGNING: {S.SIGNED, S.FREE_USE, S.CANCELLED},
    S.SIGNED: {S.FREE_USE, S.AWAITING_NEXT_STEP, S.ENDED},
    S.FREE_USE: {S.AWAITING_NEXT_STEP, S.NEXT_STEP_AGREED, S.ENDED},
    S.AWAITING_NEXT_STEP: {S.NEXT_STEP_AGREED, S.ENDED},
    S.NEXT_STEP_AGREED: {S.ENDED},
    S.ENDED: set(),
    S.CANCELLED: set(),
}


def can_transition(contract: Contract, to: str) -> bool:
    return to in TRANSITIONS.get(contract.status, set())


def transition(contract: Contract, to: str, *, actor: Any, reason: str = "", **payload: Any) -> None:
    if not can_transition(contract, to):
        raise IllegalTransition(
            f"合同当前状态为“{contract.get_status_display()}”，不能变更为“{S(to).label}”", code="illegal_transition"
        )
    frm = contract.status
    contract.status = to
    contract.updated_at = timezone.now()
    contract.save(update_fields=["status", "updated_at", "signed_at", "ended_at", "is_first_cooperation"])
    write_event(contract, actor=actor, frm=frm, to=to, reason=reason, **payload)


def write_event(contract: Contract, *, actor: Any, frm: str, to: str, reason: str = "", **payload: Any) -> ContractEvent:
    user = actor if getattr(actor, "is_authenticated", False) else None
    return ContractEvent.objects.create(
        subject=contract, actor=user, from_status=frm, to_status=to, reason=reason, payload=payload
    )


def field_error(field_name: str, message: str, code: str = "validation_failed") -> DomainError:
    return DomainError(message, code=code, field_errors={field_name: [message]})


def contract_url(contract: Contract) -> str:
    return reverse("contracts:detail", args=[contract.pk])


def org_people(organisations: Iterable[Organisation | None], *, admins_only: bool = False) -> list[User]:
    ids = [o.pk for o in organisations if o is not None]
    memberships = Membership.objects.filter(organisation_id__in=ids, is_active=True).select_related("user")
    if admins_only:
        memberships = memberships.filter(Q(role=Membership.Role.ADMIN) | Q(can_sign=True))
    return [m.user for m in memberships]


def party_users(contract: Contract) -> list[User]:
    users = org_people([p.organisation for p in contract.parties.select_related("organisation")])
    users += [p.person.user for p in contract.parties.select_related("person__user") if p.person and p.person.user]
    return users


def notify_parties(contract: Contract, *, kind: str, title: str, body: str = "", exclude: Any = None) -> None:
    recipients = [u for u in party_users(contract) if exclude is None or u.pk != exclude.pk]
    notify(recipients=recipients, kind=kind, title=title, body=body, url=contract_url(contract))
