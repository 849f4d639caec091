"""The department's review queues as a reviewer works them: oldest first with the days each item
has waited (Asia/Shanghai dates), filtered, paginated, decided on the item's own page."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from usefirst.catalog.choices import AchievementStatus
from usefirst.catalog.services.achievements import achievement_submit
from usefirst.catalog.services.demands import demand_submit

from .factories import make_achievement, make_demand

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


def text(response):
    return response.content.decode()


def _submitted(unit, owner, title, when):
    with time_machine.travel(when, tick=False):
        achievement = make_achievement(unit, owner, title=title)
        achievement_submit(actor=owner, achievement=achievement)
    return achievement


def _rows(page):
    return re.findall(r"<tr><td>([^<]+)</td>.*?<td>(\d+) 天</td>", page, flags=re.S)


def test_the_queue_is_oldest_first_with_days_waiting_counted_in_shanghai_dates(client, unit, owner, reviewer):
    now = dt.datetime(2026, 12, 10, 10, 0, tzinfo=SHANGHAI)
    # 23:30 on 1 December in Shanghai is 15:30 UTC the same day; 00:30 on 2 December is still 1 December in UTC.
    _submitted(unit, owner, "十二月二日零点半提交", dt.datetime(2026, 12, 2, 0, 30, tzinfo=SHANGHAI))
    _submitted(unit, owner, "十二月一日深夜提交", dt.datetime(2026, 12, 1, 23, 30, tzinfo=SHANGHAI))
    _submitted(unit, owner, "今天提交", dt.datetime(2026, 12, 10, 9, 0, tzinfo=SHANGHAI))
    with time_machine.travel(now, tick=False):
        client.force_login(reviewer)  # signed in then: a session ends after its idle and absolute timeouts
        page = text(client.get(reverse("catalog:review_achievements")))
        assert _rows(page) == [("十二月一日深夜提交", "9"), ("十二月二日零点半提交", "8"), ("今天提交", "0")]
        assert "共 <strong>3</strong> 项待审核" in page
        # "8 days or more" is not offered; 7 days or more keeps both December items, 15 days none.
        week = text(client.get(reverse("catalog:review_achievements"), {"waited": "7"}))
        assert [t for t, _ in _rows(week)] == ["十二月一日深夜提交", "十二月二日零点半提交"]
        assert "符合筛选条件 2 项" in week
        assert "没有符合筛选条件的待审核成果" in text(client.get(reverse("catalog:review_achievements"), {"waited": "15"}))


def test_the_boundary_of_the_waiting_filter_is_the_business_date(client, unit, owner, reviewer):
    # Seven days before 10 December is 3 December: submitted at 23:59 on the 3rd counts, 00:00 on the 4th not.
    _submitted(unit, owner, "三日最后一分钟", dt.datetime(2026, 12, 3, 23, 59, tzinfo=SHANGHAI))
    _submitted(unit, owner, "四日零点", dt.datetime(2026, 12, 4, 0, 0, tzinfo=SHANGHAI))
    with time_machine.travel(dt.datetime(2026, 12, 10, 8, 0, tzinfo=SHANGHAI), tick=False):
        client.force_login(reviewer)
        page = text(client.get(reverse("catalog:review_achievements"), {"waited": "7"}))
    assert [t for t, _ in _rows(page)] == ["三日最后一分钟"]


def test_filters_by_title_and_organisation_and_an_unknown_filter_is_named(client, unit, owner, reviewer):
    make = make_achievement(unit, owner, title="石墨烯散热膜")
    achievement_submit(actor=owner, achievement=make)
    other = make_achievement(unit, owner, title="水稻抗倒伏品种")
    achievement_submit(actor=owner, achievement=other)
    client.force_login(reviewer)
    url = reverse("catalog:review_achievements")
    assert [t for t, _ in _rows(text(client.get(url, {"q": "石墨烯"})))] == ["石墨烯散热膜"]
    assert len(_rows(text(client.get(url, {"organisation": unit.name[:3]})))) == 2
    assert _rows(text(client.get(url, {"organisation": "不存在的单位"}))) == []
    bad = text(client.get(url, {"waited": "8"}))
    assert "等待天数筛选无效" in bad and len(_rows(bad)) == 2


def test_the_queue_is_paginated_twenty_to_a_page_and_keeps_the_filter(client, unit, owner, reviewer):
    for n in range(23):
        achievement_submit(actor=owner, achievement=make_achievement(unit, owner, title=f"待审成果{n:02d}"))
    client.force_login(reviewer)
    first = text(client.get(reverse("catalog:review_achievements"), {"q": "待审成果"}))
    assert len(_rows(first)) == 20
    assert "第 1 / 2 页，共 23 条" in first
    assert "?q=%E5%BE%85%E5%AE%A1%E6%88%90%E6%9E%9C&amp;page=2" in first
    second = text(client.get(reverse("catalog:review_achievements"), {"q": "待审成果", "page": 2}))
    assert len(_rows(second)) == 3


def test_an_item_decided_meanwhile_is_named_and_not_decided_twice(client, unit, owner, reviewer):
    achievement = make_achievement(unit, owner, title="已被他人审核的成果")
    achievement_submit(actor=owner, achievement=achievement)
    client.force_login(reviewer)
    url = reverse("catalog:review_achievement_decide", args=[achievement.pk])
    assert client.post(url, {"decision": "return", "reason": "请补充试验数据"}).status_code == 302
    again = client.post(url, {"decision": "approve", "checked": "yes"})
    assert again.status_code == 400
    assert "成果《已被他人审核的成果》：" in text(again)
    assert "不在待审核队列中" in text(again)
    achievement.refresh_from_db()
    assert achievement.status == AchievementStatus.RETURNED
    assert achievement.events.filter(to_status=AchievementStatus.PUBLISHED).count() == 0


def test_the_demand_queue_shows_days_and_needs_the_confirmation(client, enterprise, outsider, city_reviewer):
    with time_machine.travel(dt.datetime(2026, 12, 1, 9, 0, tzinfo=SHANGHAI), tick=False):
        demand = make_demand(enterprise, outsider, title="城市污水处理需求", deadline=dt.date(2027, 3, 1))
        demand_submit(actor=outsider, demand=demand)
    client.force_login(city_reviewer)
    with time_machine.travel(dt.datetime(2026, 12, 4, 9, 0, tzinfo=SHANGHAI), tick=False):
        page = text(client.get(reverse("catalog:review_demands")))
        assert ("城市污水处理需求", "3") in re.findall(r"<tr><td>([^<]+)</td>.*?<td>(\d+) 天</td>", page, flags=re.S)
        url = reverse("catalog:review_demand_decide", args=[demand.pk])
        refused = client.post(url, {"decision": "approve"})
        assert refused.status_code == 400 and "技术需求《城市污水处理需求》：通过前请勾选" in text(refused)
        demand.refresh_from_db()
        assert demand.status == "submitted"
        client.post(url, {"decision": "approve", "checked": "yes"})
    demand.refresh_from_db()
    assert demand.status == "published"


def test_the_review_pages_refuse_those_who_do_not_review(client, unit, owner, outsider):
    achievement = make_achievement(unit, owner)
    achievement_submit(actor=owner, achievement=achievement)
    client.force_login(owner)
    assert client.get(reverse("catalog:review_achievements")).status_code == 403
    response = client.get(reverse("catalog:review_achievement_decide", args=[achievement.pk]))
    assert response.status_code in (403, 404)
    assert client.post(
        reverse("catalog:review_achievement_decide", args=[achievement.pk]), {"decision": "approve", "checked": "yes"}
    ).status_code in (403, 404)
    achievement.refresh_from_db()
    assert achievement.status == AchievementStatus.SUBMITTED
