"""The demo loader ends with engagements in every status, made through the services."""

from __future__ import annotations

import pytest
from django.test import override_settings

from usefirst.accounts.models import User
from usefirst.demo.engagements import demo_summary
from usefirst.demo.loader import load_demo
from usefirst.matchmaking.choices import EngagementStatus
from usefirst.matchmaking.models import Engagement, EngagementEvent
from usefirst.matchmaking.selectors import engagement_list

pytestmark = pytest.mark.django_db


def test_the_demo_has_engagements_in_every_status_for_the_demo_logins():
    with override_settings(DEMO_MODE=True):
        counts = load_demo(achievement_limit=40, demand_limit=12, log=lambda message: None)
    assert counts["engagements"] == Engagement.objects.count() >= 25
    summary = demo_summary()
    assert set(EngagementStatus.values) <= set(summary), summary
    assert summary["facilitated"] >= 1
    # Every engagement has its history, starting with the intent.
    for engagement in Engagement.objects.all():
        assert EngagementEvent.objects.filter(subject=engagement, event_type="intent").exists()
    enterprise_admin = User.objects.get(email="enterprise-admin@usefirst.example")
    assert engagement_list(user=enterprise_admin).count() >= 3
    agency = User.objects.get(email="agency@usefirst.example")
    assert engagement_list(user=agency).exists()
