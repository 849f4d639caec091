"""The catalog's listings order a keyword search by relevance (the search ranking), newest still selectable."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from usefirst.catalog.models import Achievement, Demand
from usefirst.catalog.selectors import parse_filters
from usefirst.catalog.tests.factories import make_published_achievement, make_published_demand

pytestmark = pytest.mark.django_db

FILLERS = [
    "海水淡化反渗透膜",
    "中药材检测试剂盒",
    "工业机器人减速器",
    "城市污泥资源化",
    "农田土壤修复",
    "通信基站天线",
    "石墨烯导热薄膜",
]


def _age(item: Achievement | Demand, days: int) -> None:
    type(item).objects.filter(pk=item.pk).update(published_at=timezone.now() - dt.timedelta(days=days))
    item.refresh_from_db()
    item.save()


@pytest.fixture
def achievements(unit, owner, reviewer):
    for title in FILLERS:
        make_published_achievement(unit, owner, reviewer, title=title, summary=f"{title}的工程化方案。", keywords="")
    in_title = make_published_achievement(
        unit, owner, reviewer, title="钙钛矿太阳能电池", summary="叠层组件的制备方法。", keywords=""
    )
    in_summary = make_published_achievement(
        unit, owner, reviewer, title="光伏组件封装胶膜", summary="适用于晶硅与钙钛矿组件的封装材料。", keywords=""
    )
    _age(in_title, 30)  # the better match is the older one
    _age(in_summary, 1)
    return in_title, in_summary


def _order(html: str, *titles: str) -> list[str]:
    return sorted(titles, key=html.find)


def test_a_keyword_listing_shows_the_best_match_first(client, achievements):
    in_title, in_summary = achievements
    html = client.get("/achievements/", {"q": "钙钛矿"}).content.decode()
    assert _order(html, in_title.title, in_summary.title) == [in_title.title, in_summary.title]
    assert '<option value="relevance" selected>' in html


def test_newest_first_is_still_selectable_with_keywords(client, achievements):
    in_title, in_summary = achievements
    html = client.get("/achievements/", {"q": "钙钛矿", "sort": "newest"}).content.decode()
    assert _order(html, in_title.title, in_summary.title) == [in_summary.title, in_title.title]
    assert '<option value="newest" selected>' in html


def test_the_listing_api_orders_by_relevance_too(client, achievements):
    in_title, in_summary = achievements
    ids = [item["id"] for item in client.get("/api/v1/achievements", {"q": "钙钛矿"}).json()["items"]]
    assert ids == [in_title.pk, in_summary.pk]
    ids = [item["id"] for item in client.get("/api/v1/achievements", {"q": "钙钛矿", "sort": "newest"}).json()["items"]]
    assert ids == [in_summary.pk, in_title.pk]


def test_without_keywords_the_listing_is_newest_first(client, achievements):
    in_title, in_summary = achievements
    assert parse_filters({}).sort == "newest"
    assert parse_filters({"q": "钙钛矿"}).sort == "relevance"
    html = client.get("/achievements/").content.decode()
    assert _order(html, in_title.title, in_summary.title) == [in_summary.title, in_title.title]
    assert '<option value="newest" selected>' in html
    relevance_without_words = client.get("/achievements/", {"sort": "relevance"}).content.decode()
    assert _order(relevance_without_words, in_title.title, in_summary.title) == [in_summary.title, in_title.title]


def test_the_demand_listing_orders_by_relevance(client, enterprise, outsider, city_reviewer):
    for title in FILLERS[:6]:
        make_published_demand(
            enterprise, outsider, city_reviewer, title=f"寻求{title}技术", description="希望合作。", keywords=[]
        )
    in_title = make_published_demand(
        enterprise, outsider, city_reviewer, title="寻求陶瓷釉料配方优化", description="提高良品率。", keywords=[]
    )
    in_text = make_published_demand(
        enterprise, outsider, city_reviewer, title="瓷砖烧成缺陷分析", description="疑与釉料有关。", keywords=[]
    )
    _age(in_title, 20)
    _age(in_text, 2)
    html = client.get("/demands/", {"q": "釉料"}).content.decode()
    assert _order(html, in_title.title, in_text.title) == [in_title.title, in_text.title]
    html = client.get("/demands/", {"q": "釉料", "sort": "newest"}).content.decode()
    assert _order(html, in_title.title, in_text.title) == [in_text.title, in_title.title]
