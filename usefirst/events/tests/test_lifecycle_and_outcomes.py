"""The event's lifecycle on the kernel, its reminders, and the outcomes credited to it."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from usefirst.core.dates import today
from usefirst.core.errors import DomainError
from usefirst.events import selectors, services
from usefirst.events.choices import EventStatus
from usefirst.events.models import Event
from usefirst.tests.factories import AchievementFactory, ContractFactory, EngagementFactory, admin_of

from .conftest import attendee, make_event

pytestmark = pytest.mark.django_db


def test_it_refuses_to_publish_an_event_without_items(organiser, incubator):
    draft = services.event_create(
        actor=organiser,
        organiser=incubator,
        data={
            "title": "场景应用对接",
            "kind": "scenario",
            "online_url": "https://meeting.example.cn/1",
            "starts_on": today().isoformat(),
            "capacity": "50",
        },
    )
    with pytest.raises(DomainError) as exc:
        services.event_publish(actor=organiser, event=draft)
    assert exc.value.code == "event_without_items"


def test_it_refuses_to_mark_held_an_event_that_has_not_started(event, organiser):
    with pytest.raises(DomainError) as exc:
        services.event_hold(actor=organiser, event=event)
    assert exc.value.code == "event_not_started"
    with time_machine.travel(dt.datetime.combine(event.starts_on, dt.time(12, 0)).astimezone(), tick=False):
        assert services.event_hold(actor=organiser, event=event).status == EventStatus.HELD


def test_cancelling_tells_the_registrants(event, organiser):
    person = attendee(1)
    services.registration_signup(actor=person, event=event)
    services.event_cancel(actor=organiser, event=event, reason="场地临时无法使用")
    assert person.notifications.filter(kind="events.changed").exists()


def test_reminders_go_once_to_confirmed_registrants_the_day_before(event):
    person = attendee(1)
    services.registration_signup(actor=person, event=event)
    two_days_before = event.starts_on - dt.timedelta(days=2)
    assert services.send_reminders(two_days_before) == {"events": 0, "people": 0}
    day_before = event.starts_on - dt.timedelta(days=1)
    assert services.send_reminders(day_before) == {"events": 1, "people": 1}
    assert services.send_reminders(day_before) == {"events": 0, "people": 0}  # a re-run sends nothing twice
    assert person.notifications.filter(kind="events.reminder").count() == 1


def test_a_contract_signed_within_the_window_on_a_presented_item_is_credited_to_the_event_and_its_organiser(organiser, incubator):
    achievement = AchievementFactory()
    event = make_event(organiser, incubator, achievement=achievement, outcome_window_days="30")
    event_day = event.starts_on
    with time_machine.travel(dt.datetime.combine(event_day, dt.time(11, 0)).astimezone(), tick=False):
        services.event_hold(actor=organiser, event=event)
        engagement = EngagementFactory(achievement=achievement)
    in_window = ContractFactory(
        licensor=achievement.owner,
        actor=admin_of(achievement.owner),
        achievements=[(achievement, "100")],
        signed_on=event.ends_on + dt.timedelta(days=30),
    )

    event.refresh_from_db()
    outcomes = selectors.outcome_summary(event)
    assert [g.pk for g in outcomes["intents"]] == [engagement.pk]
    assert [c.pk for c in outcomes["contracts"]] == [in_window.pk]
    credits = selectors.credited_deals(organiser_id=incubator.pk)
    assert [(c.contract_id, c.event_id, c.organiser_id) for c in credits] == [(in_window.pk, event.pk, incubator.pk)]


def test_a_contract_signed_after_the_window_or_before_the_event_is_not_credited(organiser, incubator):
    achievement = AchievementFactory()
    event = make_event(organiser, incubator, achievement=achievement, outcome_window_days="30")
    ContractFactory(
        licensor=achievement.owner, actor=admin_of(achievement.owner), achievements=[(achievement, "100")], signed_on=today()
    )
    event.refresh_from_db()
    assert selectors.contracts_of(event) == []  # signed before the event
    other = AchievementFactory()
    later = make_event(organiser, incubator, achievement=other, outcome_window_days="30", title="第二场")
    ContractFactory(
        licensor=other.owner,
        actor=admin_of(other.owner),
        achievements=[(other, "100")],
        signed_on=later.ends_on + dt.timedelta(days=31),
    )
    assert selectors.contracts_of(Event.objects.get(pk=later.pk)) == []


def test_a_concierge_is_credited_with_the_deals_on_their_project_after_the_appointment(event, organiser):
    item = event.items.get()
    assert item.achievement is not None
    concierge = services.concierge_assign(actor=organiser, achievement=item.achievement, person=organiser, event=event)
    contract = ContractFactory(
        licensor=item.achievement.owner,
        actor=admin_of(item.achievement.owner),
        achievements=[(item.achievement, "100")],
        signed_on=today() + dt.timedelta(days=12),
    )
    credits = selectors.concierge_credits(person_id=organiser.pk)
    assert [(c.contract_id, c.concierge_organisation_id) for c in credits] == [(contract.pk, concierge.organisation_id)]


def test_items_are_classified_by_the_organiser(event, organiser):
    item = event.items.get()
    services.event_classify_item(actor=organiser, item=item, classification="problem")
    item.refresh_from_db()
    assert item.get_classification_display() == "待解决的问题"
    with pytest.raises(DomainError):
        services.event_classify_item(actor=organiser, item=item, classification="nonsense")


def test_a_new_concierge_ends_the_current_one_and_each_is_credited_with_the_deals_whose_intent_came_in_office(
    event, organiser, incubator
):
    """The history keeps who, from, to and by whom; a deal goes to the concierge in office at the
    time of its intent (the engagement), not to the one in office when it was signed. Boundary:
    an intent at the very moment of the change belongs to the new concierge (from included, to
    excluded)."""
    from usefirst.contracts.models import Contract
    from usefirst.core.testing import make_user
    from usefirst.events.models import Concierge

    item = event.items.get()
    project = item.achievement
    assert project is not None
    colleague = make_user(incubator)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        first = services.concierge_assign(actor=organiser, achievement=project, person=organiser, event=event)
    with time_machine.travel(start + dt.timedelta(days=1), tick=False):
        early = EngagementFactory(achievement=project)
    change = start + dt.timedelta(days=2)
    with time_machine.travel(change, tick=False):
        second = services.concierge_assign(actor=organiser, achievement=project, person=colleague, event=event)
        late = EngagementFactory(achievement=project)  # the same instant as the change
    deals = []
    for engagement in (early, late):
        contract = ContractFactory(
            licensor=project.owner,
            actor=admin_of(project.owner),
            achievements=[(project, "100")],
            signed_on=today() + dt.timedelta(days=12),
        )
        Contract.objects.filter(pk=contract.pk).update(engagement=engagement)
        deals.append(contract.pk)

    history = list(Concierge.objects.filter(achievement=project).order_by("assigned_at"))
    assert [(c.person_id, c.assigned_at, c.ended_at, c.assigned_by_id) for c in history] == [
        (organiser.pk, start, change, organiser.pk),
        (colleague.pk, change, None, organiser.pk),
    ]
    assert history[0].ended_by_id == organiser.pk
    assert (first.pk, second.pk) == (history[0].pk, history[1].pk)
    assert [c.contract_id for c in selectors.concierge_credits(person_id=organiser.pk)] == [deals[0]]
    assert [c.contract_id for c in selectors.concierge_credits(person_id=colleague.pk)] == [deals[1]]
    assert sorted(c.contract_id for c in selectors.concierge_credits(organisation_id=incubator.pk)) == sorted(deals)


def test_a_deal_whose_intent_came_before_any_concierge_is_credited_to_none(event, organiser):
    from usefirst.contracts.models import Contract

    project = event.items.get().achievement
    assert project is not None
    engagement = EngagementFactory(achievement=project)
    services.concierge_assign(actor=organiser, achievement=project, person=organiser, event=event)
    contract = ContractFactory(
        licensor=project.owner, actor=admin_of(project.owner), achievements=[(project, "100")], signed_on=today()
    )
    Contract.objects.filter(pk=contract.pk).update(engagement=engagement)
    assert selectors.concierge_credits(person_id=organiser.pk) == []
