"""Twenty concurrent intents by the same enterprise on the same achievement: one engagement,
nineteen clear refusals; two answers to one intent at once: one moves it, the other is told the
state is stale. Real threads and transactions need PostgreSQL (SQLite serialises
writers, so the race this guards against cannot happen there)."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from django.db import connection, connections

from usefirst.core.errors import DomainError
from usefirst.matchmaking import services
from usefirst.matchmaking.choices import EngagementStatus
from usefirst.matchmaking.models import Engagement

# Skipped before any database work on SQLite: a transactional test empties the database
# afterwards, which later tests relying on seeded rows would notice.
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent writers (PostgreSQL)"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture(autouse=True)
def _tech_fields(transactional_db: Any) -> None:
    """A transactional test starts from an emptied database: the seeded fields are gone."""
    from usefirst.catalog.models import TechField

    top, _ = TechField.objects.get_or_create(code="01", defaults={"name": "电子信息"})
    TechField.objects.get_or_create(code="0101", defaults={"name": "软件", "parent": top})


def test_concurrent_duplicate_intents_leave_one_engagement(achievement, buyer, enterprise):
    def attempt(i: int) -> Any:
        try:
            return services.engagement_create(actor=buyer, organisation=enterprise, achievement=achievement)
        except DomainError as exc:
            return exc
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=20) as pool:
        results = list(pool.map(attempt, range(20)))
    made = [r for r in results if isinstance(r, Engagement)]
    refused = [r for r in results if isinstance(r, DomainError)]
    assert len(made) == 1
    assert len(refused) == 19 and {r.code for r in refused} == {"duplicate_intent"}
    assert Engagement.objects.count() == 1


def test_two_answers_to_one_intent_at_once_one_wins_the_other_is_stale(achievement, buyer, seller):
    engagement = services.engagement_create(
        actor=buyer, organisation=buyer.memberships.get().organisation, achievement=achievement
    )
    barrier = threading.Barrier(2)

    def attempt(call: Any) -> str:
        try:
            seen = Engagement.objects.get(pk=engagement.pk)
            barrier.wait()
            call(seen)
            return "moved"
        except DomainError as exc:
            return exc.code
        finally:
            connections.close_all()

    calls = [
        lambda seen: services.engagement_accept(actor=seller, engagement=seen),
        lambda seen: services.engagement_close(actor=buyer, engagement=seen, reason="改变主意"),
    ]
    with ThreadPoolExecutor(max_workers=2) as pool:
        outcomes = list(pool.map(attempt, calls))
    assert sorted(outcomes) == ["moved", "stale_state"]
    engagement.refresh_from_db()
    assert engagement.status in (EngagementStatus.TALKING, EngagementStatus.WITHDRAWN)
    assert engagement.events.count() == 2
