"""The engagement workflow's own rules, by name: who may take each move, its guards, a stale
copy, the buttons drawn from it and the Chinese words of the history."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django.test import Client
from django.urls import reverse

from usefirst.accounts.models import Membership
from usefirst.catalog.tests.factories import bearer_for
from usefirst.core import workflow
from usefirst.core.errors import Conflict, Forbidden, IllegalTransition
from usefirst.matchmaking import services
from usefirst.matchmaking.choices import DeclineReason, EngagementStatus
from usefirst.matchmaking.models import Engagement, EngagementEvent
from usefirst.matchmaking.workflows import ENGAGEMENT
from usefirst.notifications.models import Notification

from .factories import intent_on, talking

pytestmark = pytest.mark.django_db


def moves(engagement: Engagement, user) -> list[str]:
    return [step.name for step in workflow.allowed(ENGAGEMENT, engagement, user)]


def test_it_refuses_a_move_from_a_stale_copy_and_changes_nothing(achievement, buyer, seller):
    engagement = intent_on(achievement, buyer)
    seen_by_buyer = Engagement.objects.get(pk=engagement.pk)
    services.engagement_accept(actor=seller, engagement=engagement)
    events = EngagementEvent.objects.filter(subject=engagement).count()
    with pytest.raises(Conflict) as exc:
        services.engagement_close(actor=buyer, engagement=seen_by_buyer, reason="改变主意")
    assert exc.value.code == "stale_state"
    assert "洽谈中" in exc.value.detail
    engagement.refresh_from_db()
    assert engagement.status == EngagementStatus.TALKING
    assert EngagementEvent.objects.filter(subject=engagement).count() == events
    assert not Notification.objects.filter(kind="matchmaking.withdraw").exists()


def test_it_refuses_a_decline_from_a_stale_copy(achievement, buyer, seller):
    engagement = intent_on(achievement, buyer)
    stale = Engagement.objects.get(pk=engagement.pk)
    services.engagement_close(actor=buyer, engagement=engagement)
    assert Notification.objects.filter(recipient=seller, kind="matchmaking.withdraw").exists()
    with pytest.raises(Conflict) as exc:
        services.engagement_decline(actor=seller, engagement=stale, reason=DeclineReason.PRICE)
    assert exc.value.code == "stale_state"
    engagement.refresh_from_db()
    assert (engagement.status, engagement.decline_reason) == (EngagementStatus.WITHDRAWN, "")


def test_it_refuses_an_answer_from_the_side_that_made_the_intent(achievement, buyer):
    engagement = intent_on(achievement, buyer)
    with pytest.raises(Forbidden) as exc:
        services.engagement_decline(actor=buyer, engagement=engagement, reason=DeclineReason.PRICE)
    assert exc.value.code == "wrong_side"
    engagement.refresh_from_db()
    assert engagement.status == EngagementStatus.INTENT


def test_it_refuses_a_second_proposal_of_agreement(achievement, buyer, seller):
    engagement = talking(achievement, buyer, seller)
    services.engagement_propose_agreement(actor=buyer, engagement=engagement)
    with pytest.raises(IllegalTransition) as exc:
        services.engagement_propose_agreement(actor=seller, engagement=engagement)
    assert exc.value.code == "agreement_pending"


def test_it_refuses_to_confirm_an_agreement_nobody_proposed(achievement, buyer, seller):
    engagement = talking(achievement, buyer, seller)
    with pytest.raises(IllegalTransition) as exc:
        services.engagement_confirm_agreement(actor=seller, engagement=engagement)
    assert (exc.value.code, exc.value.detail) == ("illegal_transition", "对接当前状态为“洽谈中”，不能确认达成一致")


def test_it_refuses_an_agreement_by_one_person_serving_both_sides(achievement, buyer, seller, unit):
    engagement = talking(achievement, buyer, seller)
    Membership.objects.create(user=buyer, organisation=unit, role=Membership.Role.STAFF)
    with pytest.raises(Forbidden) as exc:
        services.engagement_propose_agreement(actor=buyer, engagement=engagement)
    assert exc.value.code == "both_sides"
    engagement.refresh_from_db()
    assert engagement.agreement_proposed_side == ""


def test_the_buttons_are_the_moves_each_side_may_take(achievement, buyer, seller, agency_user):
    engagement = intent_on(achievement, buyer)
    assert moves(engagement, seller) == ["accept", "decline"]
    assert moves(engagement, buyer) == ["withdraw"]
    assert moves(engagement, agency_user) == []
    services.engagement_accept(actor=seller, engagement=engagement)
    assert moves(engagement, buyer) == moves(engagement, seller) == ["close", "propose_agreement"]
    services.engagement_propose_agreement(actor=buyer, engagement=engagement)
    assert moves(engagement, buyer) == ["close"]
    assert moves(engagement, seller) == ["close", "confirm_agreement"]


def test_the_history_names_each_event_in_chinese(achievement, buyer, seller):
    engagement = talking(achievement, buyer, seller)
    labels = [workflow.event_label(ENGAGEMENT, e) for e in engagement.events.order_by("at", "id")]
    assert labels == ["提出对接意向", "接受意向，进入洽谈"]
    client = Client()
    client.force_login(buyer)
    page = client.get(reverse("matchmaking:engagement_detail", args=[engagement.pk])).content.decode()
    assert "<td>接受意向，进入洽谈</td><td>意向已提出 → 洽谈中</td>" in page


def test_rows_written_before_event_types_get_theirs_from_the_step_they_named(achievement, buyer):
    engagement = intent_on(achievement, buyer)
    EngagementEvent.objects.filter(subject=engagement).update(event_type="", payload={"step": "intent"})
    migration = importlib.import_module("usefirst.matchmaking.migrations.0003_engagement_event_types")
    migration.fill_event_types(apps, None)
    assert list(EngagementEvent.objects.filter(subject=engagement).values_list("event_type", flat=True)) == ["intent"]


@pytest.mark.parametrize(
    ("who", "action", "api", "status", "code"),
    [
        ("buyer", "accept", "accept", 403, "wrong_side"),  # the side that made the intent may not answer it
        ("seller", "withdraw", "close", 409, "decline_instead"),  # the addressed side declines instead
        ("seller", "confirm-agreement", "agreement/confirm", 409, "illegal_transition"),  # the table forbids it
    ],
)
def test_a_refused_move_answers_its_code_on_the_page_and_in_the_api_and_changes_nothing(
    achievement, buyer, seller, who, action, api, status, code
):
    engagement = intent_on(achievement, buyer)
    actor = {"buyer": buyer, "seller": seller}[who]
    events = engagement.events.count()
    client = Client()
    client.force_login(actor)
    page = client.post(reverse("matchmaking:engagement_action", args=[engagement.pk, action]))
    assert page.status_code == status
    answer = Client().post(
        f"/api/v1/engagements/{engagement.pk}/{api}", {}, content_type="application/json", headers=bearer_for(actor)
    )
    assert (answer.status_code, answer.json()["code"]) == (status, code)
    assert answer.json()["detail"] in page.content.decode()
    engagement.refresh_from_db()
    assert (engagement.status, engagement.events.count()) == (EngagementStatus.INTENT, events)
