"""The digests of new matches are a daily job (`matching.digests`, usefirst/core/daily_jobs.py):
one digest per person, frequency and business date, covering the matches since the person's
previous digest; a date run again sends nothing twice, and a date caught up after its next
digest is due is left to that one, so an outage never yields a pile of digests."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from usefirst.core import daily_jobs
from usefirst.core.models import DailyJobRun
from usefirst.matching.digests import digests_due
from usefirst.matching.models import DigestDelivery, ItemKind, Recommendation, SearchDocument
from usefirst.notifications.models import Notification, Preference

pytestmark = pytest.mark.django_db

SH = daily_jobs.SHANGHAI
TUESDAY, WEDNESDAY, THURSDAY = dt.date(2026, 12, 8), dt.date(2026, 12, 9), dt.date(2026, 12, 10)
MONDAY = dt.date(2026, 12, 7)


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=SH)


@pytest.fixture
def demand_of(enterprise):
    return SearchDocument.objects.create(
        kind=ItemKind.DEMAND, object_id=901, title="寻求陶瓷窑炉余热回收技术", owner_id=enterprise.pk
    )


def match(demand: SearchDocument, target: int, when: dt.datetime) -> Recommendation:
    return Recommendation.objects.create(
        source_kind=ItemKind.DEMAND, source_id=demand.object_id, target_id=target, rank=target % 100, score=1.0, created_at=when
    )


def digests(user) -> list[Notification]:
    return list(Notification.objects.filter(recipient=user, kind="matching.digest").order_by("pk"))


def tick(now: dt.datetime) -> list[daily_jobs.Outcome]:
    with time_machine.travel(now, tick=False):
        return [o for o in daily_jobs.catch_up(now) if o.job == "matching.digests"]


def test_the_digests_are_on_the_registry_and_no_longer_a_plain_periodic_task():
    from usefirst.matching import tasks

    assert daily_jobs.job("matching.digests").at == dt.time(8, 0)
    assert not hasattr(tasks, "send_daily_match_digests") and not hasattr(tasks, "send_weekly_match_digests")


def test_a_daily_digest_is_sent_once_even_when_its_date_is_run_again(outsider, demand_of):
    Preference.objects.create(user=outsider, digest=Preference.Digest.DAILY)
    match(demand_of, 11, at(TUESDAY, 20))
    with time_machine.travel(at(WEDNESDAY, 8, 1), tick=False):
        daily_jobs.run(daily_jobs.job("matching.digests"), WEDNESDAY)
    match(demand_of, 12, at(WEDNESDAY, 9))
    outcomes = tick(at(THURSDAY, 8, 5))
    assert [(o.day, o.ran) for o in outcomes] == [(THURSDAY, True)]
    [wednesday, thursday] = digests(outsider)
    assert "#11" in wednesday.body and "#12" in thursday.body and "#11" not in thursday.body
    with time_machine.travel(at(THURSDAY, 9), tick=False):
        forced = daily_jobs.run(daily_jobs.job("matching.digests"), THURSDAY, force=True)
    assert forced.ran and forced.result == {"daily": 0}
    assert len(digests(outsider)) == 2
    assert DailyJobRun.objects.get(job="matching.digests", business_date=THURSDAY).runs == 2


def test_after_an_outage_one_digest_covers_the_missed_days(outsider, demand_of):
    Preference.objects.create(user=outsider, digest=Preference.Digest.DAILY)
    with time_machine.travel(at(TUESDAY, 8, 1), tick=False):
        daily_jobs.run(daily_jobs.job("matching.digests"), TUESDAY)
    match(demand_of, 21, at(TUESDAY, 12))  # after Tuesday's digest
    match(demand_of, 22, at(WEDNESDAY, 12))  # Wednesday: the scheduler is down all day
    outcomes = tick(at(THURSDAY, 9))
    assert [(o.day, o.status) for o in outcomes] == [(WEDNESDAY, "finished"), (THURSDAY, "finished")]
    assert outcomes[0].result == {"daily_skipped": 1}
    [digest] = digests(outsider)
    assert "#21" in digest.body and "#22" in digest.body and digest.title == "新的匹配推荐 2 条"
    assert DigestDelivery.objects.get(user=outsider).business_date == THURSDAY


def test_a_late_but_not_superseded_date_is_still_sent(outsider, demand_of):
    Preference.objects.create(user=outsider, digest=Preference.Digest.DAILY)
    with time_machine.travel(at(TUESDAY, 8, 1), tick=False):
        daily_jobs.run(daily_jobs.job("matching.digests"), TUESDAY)
    match(demand_of, 31, at(TUESDAY, 12))
    outcomes = tick(at(THURSDAY, 7, 50))  # down from Wednesday 07:00; Thursday's 08:00 has not come
    assert [(o.day, o.result) for o in outcomes] == [(WEDNESDAY, {"daily": 1})]
    assert "#31" in digests(outsider)[0].body


def test_weekly_digests_go_out_on_mondays_to_those_who_chose_weekly(owner, outsider, demand_of, enterprise):
    from usefirst.core.testing import make_user

    colleague = make_user(enterprise)  # no preference set: weekly
    Preference.objects.create(user=outsider, digest=Preference.Digest.NEVER)
    match(demand_of, 41, at(MONDAY - dt.timedelta(days=3), 10))
    with time_machine.travel(at(MONDAY, 8, 30), tick=False):
        assert digests_due(MONDAY)["每周摘要"] == [f"{colleague.full_name}：1 条"]
        outcome = daily_jobs.run(daily_jobs.job("matching.digests"), MONDAY)
    assert outcome.result == {"daily": 0, "weekly": 1}
    assert len(digests(colleague)) == 1 and digests(outsider) == [] and digests(owner) == []
