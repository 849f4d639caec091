"""Reads of events: the public calendar, the organiser's view, one's own sign-ups, an event's
outcomes, and the credits the evaluations read.

Crediting (for the evaluation engineer): `credited_deals(...)` returns one `Credit` per (event,
contract) — a contract is credited to an event, and so to its organiser, when

1. it was signed (its `signed_at`, Asia/Shanghai date) on or after the event's first day and no
   later than `outcome_window_days` after its last day (the window the organiser set, 30–1095
   days, default 365), and
2. it concerns an item the event presented: one of its achievements is an achievement the event
   showed, or it was drafted from an engagement (对接) on an achievement or demand the event
   showed, and
3. it is not a draft, in signature, or cancelled (signed, in force, ended all count), and
4. the event was published or held (not a draft, not cancelled).

A contract may be credited to several events that presented the same item; the evaluations
decide whether to share it. `concierge_credits(...)` does the same for the named service persons:
a contract on a project is credited to the concierge in office at the time of its intent — the
engagement (对接) it was drafted from, or, for a contract drafted without one, its signing — that
is, the appointment with assigned_at <= that moment < ended_at (or still current)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from usefirst.accounts.models import User
from usefirst.contracts.models import Contract, ContractStatus
from usefirst.core.actors import Actor, Visitor
from usefirst.core.dates import today
from usefirst.core.permissions import Action, restrict
from usefirst.matchmaking.models import Engagement

from .choices import LIVE_REGISTRATION, EventKind, EventStatus, RegistrationStatus
from .models import Concierge, Event, Registration

NOT_DEALS = (ContractStatus.DRAFTED, ContractStatus.SIGNING, ContractStatus.CANCELLED)
CREDITED_EVENT_STATES = (EventStatus.PUBLISHED, EventStatus.HELD)


def calendar(user: Visitor, *, kind: str = "", city: str = "", when: str = "upcoming", q: str = "") -> QuerySet[Event]:
    """The public calendar: upcoming events soonest first, or past ones latest first."""
    events = restrict(Event.objects.select_related("organiser"), user, Action.VIEW).filter(
        status__in=(EventStatus.PUBLISHED, EventStatus.HELD, EventStatus.CANCELLED)
    )
    if kind in EventKind.values:
        events = events.filter(kind=kind)
    if city:
        events = events.filter(city=city)
    if q:
        events = events.filter(Q(title__icontains=q) | Q(organiser__name__icontains=q) | Q(description__icontains=q))
    if when == "past":
        return events.filter(ends_on__lt=today()).order_by("-starts_on", "-id")
    return events.filter(ends_on__gte=today()).order_by("starts_on", "id")


def organiser_events(user: Visitor) -> QuerySet[Event]:
    return restrict(Event.objects.select_related("organiser"), user, Action.CHANGE).order_by("-starts_on", "-id")


def my_registrations(user: Actor) -> QuerySet[Registration]:
    return Registration.objects.filter(user=user).select_related("event", "event__organiser").order_by("-event__starts_on", "-id")


def live_registration(user: Visitor, event: Event) -> Registration | None:
    if not isinstance(user, User):
        return None
    return event.registrations.filter(user=user, status__in=LIVE_REGISTRATION).first()


def seat_counts(event: Event) -> dict[str, int]:
    rows = event.registrations.all()
    confirmed = rows.filter(status=RegistrationStatus.CONFIRMED).count()
    pending = rows.filter(status=RegistrationStatus.PENDING).count()
    return {
        "confirmed": confirmed,
        "pending": pending,
        "waitlisted": rows.filter(status=RegistrationStatus.WAITLISTED).count(),
        "checked_in": rows.filter(checked_in_at__isnull=False).count(),
        "free": max(event.capacity - confirmed - pending, 0),
    }


def _window(event: Event) -> tuple[dt.date, dt.date]:
    return event.starts_on, event.ends_on + dt.timedelta(days=event.outcome_window_days)


def _item_ids(event: Event) -> tuple[list[int], list[int]]:
    achievements = [i for i in event.items.values_list("achievement_id", flat=True) if i]
    demands = [i for i in event.items.values_list("demand_id", flat=True) if i]
    return achievements, demands


def intents_of(event: Event) -> QuerySet[Engagement]:
    """Intents (对接) expressed at or after the event on the items it presented."""
    achievements, demands = _item_ids(event)
    start = timezone.make_aware(dt.datetime.combine(event.starts_on, dt.time.min))
    return (
        Engagement.objects.filter(Q(achievement_id__in=achievements) | Q(demand_id__in=demands), created_at__gte=start)
        .select_related("unit", "enterprise", "achievement", "demand")
        .order_by("created_at", "id")
    )


def _contracts_on(achievements: list[int], demands: list[int]) -> QuerySet[Contract]:
    return (
        Contract.objects.filter(
            Q(achievements__achievement_id__in=achievements)
            | Q(engagement__achievement_id__in=achievements)
            | Q(engagement__demand_id__in=demands)
        )
        .exclude(status__in=NOT_DEALS)
        .filter(signed_at__isnull=False)
        .distinct()
    )


def contracts_of(event: Event) -> list[Contract]:
    """The contracts credited to the event (the rules in the module docstring)."""
    if event.status not in CREDITED_EVENT_STATES:
        return []
    achievements, demands = _item_ids(event)
    first, last = _window(event)
    found = _contracts_on(achievements, demands).select_related("licensor", "licensee")
    return sorted(
        (c for c in found if c.signed_at is not None and first <= timezone.localdate(c.signed_at) <= last),
        key=lambda c: (c.signed_at, c.pk),
    )


@dataclass(frozen=True)
class Credit:
    """One contract credited to one event (and its organiser), or to one concierge."""

    contract_id: int
    contract_number: str
    signed_on: dt.date
    amount: Decimal | None
    mode: str
    event_id: int | None = None
    organiser_id: int | None = None
    concierge_user_id: int | None = None
    concierge_organisation_id: int | None = None


def credited_deals(
    *, organiser_id: int | None = None, since: dt.date | None = None, until: dt.date | None = None
) -> list[Credit]:
    """Every (event, contract) credit, optionally for one organiser and for contracts signed in
    [since, until]. Documented in docs/events.md for the evaluations."""
    events = Event.objects.filter(status__in=CREDITED_EVENT_STATES)
    if organiser_id is not None:
        events = events.filter(organiser_id=organiser_id)
    credits: list[Credit] = []
    for event in events.order_by("starts_on", "pk"):
        for contract in contracts_of(event):
            assert contract.signed_at is not None
            day = timezone.localdate(contract.signed_at)
            if (since and day < since) or (until and day > until):
                continue
            credits.append(
                Credit(
                    contract.pk,
                    contract.number,
                    day,
                    contract.price,
                    contract.mode,
                    event_id=event.pk,
                    organiser_id=event.organiser_id,
                )
            )
    return credits


def concierge_history(event: Event) -> QuerySet[Concierge]:
    """Every appointment, current and ended, of the concierges of the event's projects."""
    ids = [i for i in event.items.values_list("achievement_id", flat=True) if i]
    return (
        Concierge.objects.filter(achievement_id__in=ids)
        .select_related("achievement", "person", "organisation", "assigned_by", "ended_by")
        .order_by("achievement_id", "assigned_at", "pk")
    )


def concierge_in_office(appointments: list[Concierge], moment: dt.datetime) -> Concierge | None:
    """The appointment (of one project) in office at `moment`: from assigned_at (included) to
    ended_at (excluded)."""
    for appointment in appointments:
        if appointment.assigned_at <= moment and (appointment.ended_at is None or moment < appointment.ended_at):
            return appointment
    return None


def intent_moment(contract: Contract) -> dt.datetime:
    """When the deal's intent was expressed: its engagement's creation, else the signing."""
    if contract.engagement_id is not None and contract.engagement is not None:
        return contract.engagement.created_at
    assert contract.signed_at is not None
    return contract.signed_at


def concierge_credits(*, person_id: int | None = None, organisation_id: int | None = None) -> list[Credit]:
    """Contracts on a project credited to the concierge in office when their intent was expressed
    (an appointment made after the intent, or ended before it, earns nothing for that deal)."""
    appointments = Concierge.objects.order_by("assigned_at", "pk")
    if person_id is not None:
        appointments = appointments.filter(person_id=person_id)
    if organisation_id is not None:
        appointments = appointments.filter(organisation_id=organisation_id)
    by_project: dict[int, list[Concierge]] = {}
    for appointment in Concierge.objects.filter(achievement_id__in=appointments.values("achievement_id")).order_by(
        "assigned_at", "pk"
    ):
        by_project.setdefault(appointment.achievement_id, []).append(appointment)
    wanted = set(appointments.values_list("pk", flat=True))
    credits: list[Credit] = []
    for project, history in by_project.items():
        contracts = _contracts_on([project], []).select_related("engagement").order_by("signed_at", "pk")
        for contract in contracts:
            concierge = concierge_in_office(history, intent_moment(contract))
            if concierge is None or concierge.pk not in wanted:
                continue
            assert contract.signed_at is not None
            credits.append(
                Credit(
                    contract.pk,
                    contract.number,
                    timezone.localdate(contract.signed_at),
                    contract.price,
                    contract.mode,
                    concierge_user_id=concierge.person_id,
                    concierge_organisation_id=concierge.organisation_id,
                )
            )
    return credits


def outcome_summary(event: Event) -> dict[str, Any]:
    intents = list(intents_of(event))
    contracts = contracts_of(event)
    return {
        "intents": intents,
        "contracts": contracts,
        "intent_count": len(intents),
        "contract_count": len(contracts),
        "amount": sum((c.price or Decimal("0") for c in contracts), Decimal("0")),
        "window_end": _window(event)[1],
    }
