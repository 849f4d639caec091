"""Sign-up (first come, approval, waitlist, capacity, deadline) and the signed check-in token."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core import signing

from usefirst.core.dates import today
from usefirst.core.errors import DomainError, Forbidden
from usefirst.events import services
from usefirst.events.choices import RegistrationStatus as R
from usefirst.events.models import Registration

from .conftest import attendee, make_event

pytestmark = pytest.mark.django_db


def test_first_come_fills_the_seats_then_the_waitlist_moves_up_when_someone_cancels(event):
    a, b, c, d = (attendee(i) for i in range(4))
    assert services.registration_signup(actor=a, event=event).status == R.CONFIRMED
    assert services.registration_signup(actor=b, event=event).status == R.CONFIRMED
    third = services.registration_signup(actor=c, event=event)
    fourth = services.registration_signup(actor=d, event=event)
    assert (third.status, fourth.status) == (R.WAITLISTED, R.WAITLISTED)

    services.registration_cancel(actor=a, registration=Registration.objects.get(event=event, user=a))

    third.refresh_from_db()
    fourth.refresh_from_db()
    assert third.status == R.CONFIRMED  # the oldest on the waitlist moves up
    assert fourth.status == R.WAITLISTED
    assert c.notifications.filter(kind="events.promoted").exists()


def test_it_refuses_a_signup_past_capacity_when_the_event_says_so(organiser, incubator):
    event = make_event(organiser, incubator, capacity="1", when_full="refuse")
    services.registration_signup(actor=attendee(1), event=event)
    late = attendee(2)
    with pytest.raises(DomainError) as exc:
        services.registration_signup(actor=late, event=event)
    assert exc.value.code == "event_full"
    assert not Registration.objects.filter(user=late).exists()


def test_it_refuses_a_signup_after_the_deadline_but_takes_one_on_the_last_day(event):
    last_day = event.signup_deadline
    with time_machine.travel(dt.datetime.combine(last_day, dt.time(12, 0)).astimezone(), tick=False):
        assert services.registration_signup(actor=attendee(1), event=event).status == R.CONFIRMED
    after = dt.datetime.combine(last_day + dt.timedelta(days=1), dt.time(9, 0)).astimezone()
    with time_machine.travel(after, tick=False), pytest.raises(DomainError) as exc:
        services.registration_signup(actor=attendee(2), event=event)
    assert exc.value.code == "signup_closed"


def test_it_refuses_a_second_signup_by_the_same_person(event):
    person = attendee(1)
    services.registration_signup(actor=person, event=event)
    with pytest.raises(DomainError) as exc:
        services.registration_signup(actor=person, event=event)
    assert exc.value.code == "already_signed_up"


def test_with_approval_a_signup_waits_for_the_organiser_and_a_rejection_frees_the_seat(organiser, incubator):
    event = make_event(organiser, incubator, capacity="1", signup_mode="approval")
    first = services.registration_signup(actor=attendee(1), event=event)
    second = services.registration_signup(actor=attendee(2), event=event)
    assert (first.status, second.status) == (R.PENDING, R.WAITLISTED)
    services.registration_reject(actor=organiser, registration=first, reason="名额优先本地企业")
    second.refresh_from_db()
    assert second.status == R.PENDING
    assert services.registration_approve(actor=organiser, registration=second).status == R.CONFIRMED


def test_the_entry_code_admits_once_and_a_reused_or_forged_code_is_refused(event, organiser):
    registration = services.registration_signup(actor=attendee(1), event=event)
    token = services.checkin_token(registration)

    assert services.checkin(actor=organiser, event=event, token=token).checked_in_at is not None

    with pytest.raises(DomainError) as reused:
        services.checkin(actor=organiser, event=event, token=token)
    assert reused.value.code == "checkin_token_used"

    forged = signing.dumps({"e": event.pk, "r": registration.pk}, salt="another-salt")
    tampered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    for bad in (forged, tampered, "not-a-token", ""):
        with pytest.raises(DomainError) as exc:
            services.checkin(actor=organiser, event=event, token=bad)
        assert exc.value.code == "checkin_token_invalid"


def test_a_code_of_another_event_or_an_unconfirmed_signup_is_refused(event, organiser, incubator):
    other = make_event(organiser, incubator, title="另一场路演", kind="roadshow")
    elsewhere = services.registration_signup(actor=attendee(1), event=other)
    with pytest.raises(DomainError) as exc:
        services.checkin(actor=organiser, event=event, token=services.checkin_token(elsewhere))
    assert exc.value.code == "checkin_token_invalid"

    services.registration_signup(actor=attendee(2), event=event)
    services.registration_signup(actor=attendee(3), event=event)
    waiting = services.registration_signup(actor=attendee(4), event=event)
    with pytest.raises(DomainError) as exc:
        services.checkin(actor=organiser, event=event, token=services.checkin_token(waiting))
    assert exc.value.code == "checkin_not_confirmed"


def test_only_the_organiser_checks_people_in(event):
    person = attendee(1)
    registration = services.registration_signup(actor=person, event=event)
    with pytest.raises(Forbidden):
        services.checkin(actor=person, event=event, token=services.checkin_token(registration))
    registration.refresh_from_db()
    assert registration.checked_in_at is None


def test_it_refuses_an_event_from_an_organisation_that_does_not_organise(province):
    from usefirst.accounts.models import OrganisationKind
    from usefirst.core.testing import make_org, make_user

    unit = make_org(OrganisationKind.UNIVERSITY)
    with pytest.raises(Forbidden) as exc:
        services.event_create(
            actor=make_user(unit),
            organiser=unit,
            data={"title": "x路演", "kind": "roadshow", "place": "广州", "starts_on": today().isoformat(), "capacity": "5"},
        )
    assert exc.value.code == "not_an_event_organiser"


def test_it_refuses_an_event_without_place_or_link_or_with_a_late_deadline(organiser, incubator):
    base = {
        "title": "成果对接会",
        "kind": "matchmaking",
        "starts_on": (today() + dt.timedelta(days=3)).isoformat(),
        "capacity": "5",
    }
    with pytest.raises(DomainError) as exc:
        services.event_create(actor=organiser, organiser=incubator, data=base)
    assert exc.value.code == "event_place_required"
    with pytest.raises(DomainError) as exc:
        services.event_create(
            actor=organiser,
            organiser=incubator,
            data=base | {"place": "广州", "signup_deadline": (today() + dt.timedelta(days=9)).isoformat()},
        )
    assert exc.value.code == "event_dates_invalid"
