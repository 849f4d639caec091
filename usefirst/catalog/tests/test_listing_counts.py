"""The public listings do not count the whole published table on every request: their totals and
facets are kept a minute, yet a visitor never sees a stale total after a change saved through
the platform (the catalog's generation moves on); only a bulk update waits out the minute."""

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from usefirst.catalog.choices import AchievementStatus
from usefirst.catalog.models import Achievement

from .factories import make_published_achievement, make_published_demand

pytestmark = pytest.mark.django_db


def _counts(queries):
    return [q["sql"] for q in queries if "COUNT(" in q["sql"].upper()]


def test_the_second_visitor_of_a_listing_is_not_counted_again(client, unit, owner, reviewer):
    make_published_achievement(unit, owner, reviewer, title="甲")
    with CaptureQueriesContext(connection) as first:
        assert client.get("/achievements/").status_code == 200
    with CaptureQueriesContext(connection) as second:
        page = client.get("/achievements/")
    assert page.context["page"].count == 1
    assert _counts(first.captured_queries) and not _counts(second.captured_queries)  # total and facets cached


def test_a_change_saved_through_the_platform_shows_at_once_and_a_bulk_update_within_a_minute(client, unit, owner, reviewer):
    with time_machine.travel(dt.datetime(2026, 12, 7, 2, 0, tzinfo=dt.UTC), tick=False) as clock:
        first = make_published_achievement(unit, owner, reviewer, title="甲")
        assert client.get("/api/v1/achievements").json()["count"] == 1
        make_published_achievement(unit, owner, reviewer, title="乙")
        assert client.get("/api/v1/achievements").json()["count"] == 2  # saved: at once
        Achievement.objects.filter(pk=first.pk).update(status=AchievementStatus.WITHDRAWN)  # bypasses the signals
        assert client.get("/api/v1/achievements").json()["count"] == 2  # the cached total, up to a minute
        clock.shift(dt.timedelta(seconds=59))
        assert client.get("/api/v1/achievements").json()["count"] == 2
        clock.shift(dt.timedelta(seconds=2))
        assert client.get("/api/v1/achievements").json()["count"] == 1


def test_filtered_listings_count_their_own_results(client, unit, owner, reviewer):
    make_published_achievement(unit, owner, reviewer, title="高成熟度成果", trl=7)
    make_published_achievement(unit, owner, reviewer, title="低成熟度成果", trl=3)
    assert client.get("/api/v1/achievements", {"trl_min": "6"}).json()["count"] == 1
    assert client.get("/api/v1/achievements").json()["count"] == 2
    assert client.get("/api/v1/achievements", {"trl_max": "4"}).json()["count"] == 1


def test_a_demand_listing_total_follows_its_own_changes(client, enterprise, outsider, city_reviewer):
    make_published_demand(enterprise, outsider, city_reviewer, title="需求一")
    assert client.get("/api/v1/demands").json()["count"] == 1
    make_published_demand(enterprise, outsider, city_reviewer, title="需求二")
    assert client.get("/api/v1/demands").json()["count"] == 2
