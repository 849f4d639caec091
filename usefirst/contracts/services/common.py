"""What every contract write shares: moving along the lifecycle (contracts/workflows.py) and
recording events that are not moves, coded field errors, and notifying the parties."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from usefirst.accounts.models import Membership, Organisation, User
from usefirst.core import workflow
from usefirst.core.actors import Actor
from usefirst.core.errors import DomainError
from usefirst.notifications.services import notify

from ..models import Contract, ContractStatus
from ..workflows import CONTRACT

S = ContractStatus
SHARES_TOTAL = Decimal("100.00")
REMINDER_DAYS = (30, 7)
MAX_ACHIEVEMENTS = 20


def move(
    contract: Contract,
    name: str,
    *,
    actor: Actor | None,
    reason: str = "",
    payload: Mapping[str, Any] | None = None,
    also: Mapping[str, Any] | None = None,
    notices: Iterable[workflow.Notice] = (),
) -> Contract:
    """Take the transition `name` (contracts/workflows.py) on `contract`: the kernel locks the row,
    refuses a stale state (the caller's copy moved on meanwhile), an undeclared move and a failing
    guard, and writes the event row. Returns the locked, saved row."""
    return workflow.move(
        CONTRACT,
        contract,
        name,
        actor=actor,
        reason=reason,
        payload=payload,
        also={"updated_at": timezone.now(), **(also or {})},
        notices=notices,
    )


def record(
    contract: Contract, event_type: str, *, actor: Actor | None, reason: str = "", from_status: str | None = None, **payload: Any
) -> None:
    """An event that is not a transition (drafting: `from_status=""`): the status stays what it is."""
    workflow.record(CONTRACT, contract, event_type, actor=actor, reason=reason, payload=payload, from_status=from_status)


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


def tell_parties(*, kind: str, title: str, body: str = "", exclude: Any = None) -> workflow.Notice:
    """`notify_parties` as a notice of a transition (called with the locked row)."""
    return lambda contract: notify_parties(contract, kind=kind, title=title, body=body, exclude=exclude)
