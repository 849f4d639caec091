"""Capacity under concurrent sign-ups: N + 5 people signing up at once for N seats give N
confirmed and 5 waitlisted — never N + 1 confirmed — on SQLite and on PostgreSQL alike (a
conditional UPDATE of the seats-taken counter, backed by a check constraint)."""

from __future__ import annotations

import threading

import pytest
from django.db import connections

from usefirst.core.testing import database_for_threads, in_a_thread
from usefirst.events import services
from usefirst.events.choices import RegistrationStatus as R
from usefirst.events.models import Event, Registration

from .conftest import attendee, make_event

SEATS = 3


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_n_plus_five_signups_at_once_on_n_seats_confirm_n_and_waitlist_five(organiser, incubator, tmp_path):
    event = make_event(organiser, incubator, capacity=str(SEATS))
    people = [attendee(i) for i in range(SEATS + 5)]
    barrier = threading.Barrier(len(people))
    errors: list[BaseException] = []
    lock = threading.Lock()

    def sign_up(person: object) -> None:
        try:
            barrier.wait()
            services.registration_signup(actor=person, event=Event.objects.get(pk=event.pk))  # type: ignore[arg-type]
        except BaseException as exc:
            with lock:
                errors.append(exc)
        finally:
            connections.close_all()

    with database_for_threads(tmp_path):
        threads = [threading.Thread(target=sign_up, args=(person,)) for person in people]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        statuses, taken = in_a_thread(
            lambda: (
                sorted(Registration.objects.filter(event_id=event.pk).values_list("status", flat=True)),
                Event.objects.get(pk=event.pk).seats_taken,
            )
        )
    assert errors == []
    assert statuses.count(R.CONFIRMED) == SEATS
    assert statuses.count(R.WAITLISTED) == 5
    assert taken == SEATS


@pytest.mark.django_db
def test_the_counter_follows_cancellations_rejections_and_the_waitlist(organiser, incubator):
    event = make_event(organiser, incubator, capacity="1", signup_mode="approval")
    a, b = attendee(1), attendee(2)
    first = services.registration_signup(actor=a, event=event)
    second = services.registration_signup(actor=b, event=event)
    assert (first.status, second.status) == (R.PENDING, R.WAITLISTED)
    assert Event.objects.get(pk=event.pk).seats_taken == 1
    services.registration_reject(actor=organiser, registration=first, reason="名额调整")
    second.refresh_from_db()
    assert second.status == R.PENDING  # moved up into the freed seat
    assert Event.objects.get(pk=event.pk).seats_taken == 1
    services.registration_cancel(actor=b, registration=second)
    assert Event.objects.get(pk=event.pk).seats_taken == 0


@pytest.mark.django_db
def test_the_database_itself_refuses_more_seats_than_capacity(event):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Event.objects.filter(pk=event.pk).update(seats_taken=event.capacity + 1)
