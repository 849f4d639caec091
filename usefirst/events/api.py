"""Events in the open API: the public calendar and an event, sign-up and its cancellation, the
organiser's check-in of an entry code, and an event's outcomes. The same chokepoint and services
as the pages; a refusal is problem+json with its code (`event_full`, `signup_closed`,
`checkin_token_used`, `checkin_token_invalid` …)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema, Status
from ninja.security import django_auth

from usefirst.accounts import roles
from usefirst.api.auth import TokenAuth, optional_user
from usefirst.core.actors import AuthenticatedHttpRequest
from usefirst.core.pagination import paginate
from usefirst.core.permissions import Action, get_for_user

from . import selectors, services
from .models import Event, Registration

router = Router(tags=["推介路演与对接活动"])
AUTH = [TokenAuth(), django_auth]


class EventOut(Schema):
    id: int
    title: str
    kind: str
    kind_display: str
    status: str
    status_display: str
    organiser_id: int
    organiser_name: str
    co_organisers: str
    city: str
    place: str
    online_url: str
    starts_on: dt.date
    ends_on: dt.date
    capacity: int
    signup_deadline: dt.date
    signup_mode: str
    when_full: str
    outcome_window_days: int
    items: list[dict[str, Any]]


def _event_out(event: Event) -> dict[str, Any]:
    return {
        "id": event.pk,
        "title": event.title,
        "kind": event.kind,
        "kind_display": event.get_kind_display(),
        "status": event.status,
        "status_display": event.get_status_display(),
        "organiser_id": event.organiser_id,
        "organiser_name": event.organiser.name,
        "co_organisers": event.co_organisers,
        "city": event.city,
        "place": event.place,
        "online_url": event.online_url,
        "starts_on": event.starts_on,
        "ends_on": event.ends_on,
        "capacity": event.capacity,
        "signup_deadline": event.signup_deadline,
        "signup_mode": event.signup_mode,
        "when_full": event.when_full,
        "outcome_window_days": event.outcome_window_days,
        "items": [
            {
                "achievement_id": i.achievement_id,
                "demand_id": i.demand_id,
                "classification": i.classification,
                "classification_display": i.get_classification_display() if i.classification else "",
            }
            for i in event.items.all()
        ],
    }


class EventPageOut(Schema):
    count: int
    page: int
    num_pages: int
    items: list[EventOut]


@router.get("/events", response=EventPageOut, auth=None, summary="活动日历（公开）")
def event_list(request: HttpRequest, kind: str = "", city: str = "", when: str = "upcoming", page: int = 1) -> dict[str, Any]:
    events = selectors.calendar(optional_user(request), kind=kind, city=city, when=when)
    found = paginate(events, page=page)
    return {"count": found.count, "page": found.page, "num_pages": found.num_pages, "items": [_event_out(e) for e in found.items]}


@router.get("/events/{pk}", response=EventOut, auth=None, summary="活动详情及展示项目")
def event_get(request: HttpRequest, pk: int) -> dict[str, Any]:
    return _event_out(get_for_user(Event.objects.select_related("organiser"), optional_user(request), Action.VIEW, pk=pk))


class RegistrationOut(Schema):
    id: int
    event_id: int
    status: str
    status_display: str
    checked_in_at: dt.datetime | None
    checkin_token: str = ""


def _registration_out(r: Registration) -> dict[str, Any]:
    return {
        "id": r.pk,
        "event_id": r.event_id,
        "status": r.status,
        "status_display": r.get_status_display(),
        "checked_in_at": r.checked_in_at,
        "checkin_token": services.checkin_token(r) if r.status == "confirmed" and r.checked_in_at is None else "",
    }


class SignupIn(Schema):
    note: str = ""


@router.post(
    "/events/{pk}/registrations", response={201: RegistrationOut}, auth=AUTH, summary="报名（额满进入候补或被拒绝，按活动设置）"
)
def signup(request: AuthenticatedHttpRequest, pk: int, payload: SignupIn) -> Status[dict[str, Any]]:
    event = get_for_user(Event.objects.all(), request.user, Action.VIEW, pk=pk)
    membership = roles.active_memberships(request.user).select_related("organisation").first()
    registration = services.registration_signup(
        actor=request.user, event=event, organisation=membership.organisation if membership else None, note=payload.note
    )
    return Status(201, _registration_out(registration))


@router.post("/event-registrations/{pk}/cancel", response=RegistrationOut, auth=AUTH, summary="取消报名（候补者依次递补）")
def registration_cancel(request: AuthenticatedHttpRequest, pk: int) -> dict[str, Any]:
    registration = get_for_user(Registration.objects.all(), request.user, Action.CHANGE, pk=pk)
    return _registration_out(services.registration_cancel(actor=request.user, registration=registration))


class CheckinIn(Schema):
    token: str


@router.post("/events/{pk}/checkins", response=RegistrationOut, auth=AUTH, summary="主办方现场签到（入场码仅可使用一次）")
def checkin(request: AuthenticatedHttpRequest, pk: int, payload: CheckinIn) -> dict[str, Any]:
    event = get_for_user(Event.objects.all(), request.user, Action.CHANGE, pk=pk)
    return _registration_out(services.checkin(actor=request.user, event=event, token=payload.token))


class OutcomesOut(Schema):
    intent_count: int
    contract_count: int
    amount: Decimal
    window_end: dt.date
    contract_ids: list[int]
    engagement_ids: list[int]


@router.get("/events/{pk}/outcomes", response=OutcomesOut, auth=AUTH, summary="活动成效：对接意向与计入的合同（主办方）")
def outcomes(request: AuthenticatedHttpRequest, pk: int) -> dict[str, Any]:
    event = get_for_user(Event.objects.all(), request.user, Action.HISTORY, pk=pk)
    summary = selectors.outcome_summary(event)
    return {
        "intent_count": summary["intent_count"],
        "contract_count": summary["contract_count"],
        "amount": summary["amount"],
        "window_end": summary["window_end"],
        "contract_ids": [c.pk for c in summary["contracts"]],
        "engagement_ids": [g.pk for g in summary["intents"]],
    }
