"""A keyword listing and a search page are searched once, then served from the cache to every
visitor who asks the same (docs/deployment.md, "Searches kept five minutes"); what is published,
withdrawn or indexed meanwhile shows at once, because the keys name the catalog's and the
index's generations."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection, reset_queries
from django.test.utils import CaptureQueriesContext
from redis.exceptions import ConnectionError as RedisConnectionError

from usefirst.catalog.choices import AchievementStatus
from usefirst.catalog.selectors import catalog_changed, generation_key
from usefirst.catalog.services.achievements import achievement_withdraw
from usefirst.catalog.tests.factories import make_published_achievement
from usefirst.core.cache import generations
from usefirst.core.pagination import SEARCH_CACHE_SECONDS
from usefirst.matching import ranking, search

pytestmark = pytest.mark.django_db


@pytest.fixture
def solar(solar_cells):
    return solar_cells(3)


def _searched(monkeypatch: Any) -> list[str]:
    """Each call of the database part of the keyword search, recorded."""
    calls: list[str] = []
    real = ranking.lexical

    def counted(kind: str, terms: Any, **kwargs: Any) -> Any:
        calls.append(kind)
        return real(kind, terms, **kwargs)

    monkeypatch.setattr(ranking, "lexical", counted)
    monkeypatch.setattr(search, "lexical", counted)
    return calls


def test_the_same_keywords_again_are_answered_from_the_cache(client, solar, monkeypatch):
    searched = _searched(monkeypatch)
    first = client.get("/api/v1/achievements", {"q": "钙钛矿", "page_size": "2"}).json()
    reset_queries()  # each request empties the log: a capture counted from the first request's length saw nothing
    with CaptureQueriesContext(connection) as again:
        second = client.get("/api/v1/achievements", {"q": "钙钛矿", "page_size": "2"}).json()
    # (read before the next request: Django empties the query log when a request starts)
    sql = [q["sql"] for q in again.captured_queries if "ratecounter" not in q["sql"] and "SAVEPOINT" not in q["sql"]]
    next_page = client.get("/api/v1/achievements", {"q": "钙钛矿", "page_size": "2", "page": "2"}).json()
    assert searched == ["achievement"]  # one search for three requests
    assert second == first and first["count"] == 3
    assert {i["id"] for i in first["items"] + next_page["items"]} == {a.pk for a in solar}  # the pages cut one list
    assert sql == []  # no search, no count: the page's rows were kept with its ids


def test_an_achievement_published_after_the_search_shows_at_once(client, solar, unit, owner, reviewer):
    assert client.get("/api/v1/achievements", {"q": "钙钛矿"}).json()["count"] == 3
    make_published_achievement(unit, owner, reviewer, title="钙钛矿光伏组件", summary="封装。", keywords="")
    assert client.get("/api/v1/achievements", {"q": "钙钛矿"}).json()["count"] == 4
    html = client.get("/achievements/", {"q": "钙钛矿"}).content.decode()
    assert "钙钛矿光伏组件" in html


def test_a_withdrawn_achievement_leaves_the_cached_keyword_listing_at_once(client, solar, owner):
    assert client.get("/api/v1/achievements", {"q": "钙钛矿"}).json()["count"] == 3
    achievement_withdraw(actor=owner, achievement=solar[0], reason="技术方案调整")
    listed = client.get("/api/v1/achievements", {"q": "钙钛矿"}).json()
    assert listed["count"] == 2 and solar[0].title not in [i["title"] for i in listed["items"]]


def test_a_change_behind_the_platforms_back_shows_within_the_search_cache_time(client, solar):
    with time_machine.travel(dt.datetime(2026, 12, 7, 2, 0, tzinfo=dt.UTC), tick=False) as clock:
        assert client.get("/api/v1/achievements", {"q": "钙钛矿"}).json()["count"] == 3
        type(solar[0]).objects.filter(pk=solar[0].pk).update(status=AchievementStatus.WITHDRAWN)
        clock.shift(dt.timedelta(seconds=SEARCH_CACHE_SECONDS - 1))
        kept = client.get("/api/v1/achievements", {"q": "钙钛矿"}).json()
        assert kept["count"] == 3 and solar[0].title in [i["title"] for i in kept["items"]]  # the kept page
        clock.shift(dt.timedelta(seconds=2))
        listed = client.get("/api/v1/achievements", {"q": "钙钛矿"}).json()
        assert listed["count"] == 2 and solar[0].title not in [i["title"] for i in listed["items"]]


def test_words_without_a_searchable_term_list_the_catalog_without_keeping_its_ids(client, solar):
    listed = client.get("/api/v1/achievements", {"q": "！！！"}).json()
    assert listed["count"] == 3
    assert not [k for k in cache._cache if ":ids:" in k]  # type: ignore[attr-defined]  # locmem's store


def test_the_search_page_is_searched_once_for_the_same_question(client, solar, monkeypatch):
    searched = _searched(monkeypatch)
    first = client.get("/api/v1/search", {"kind": "achievement", "q": "钙钛矿"}).json()
    second = client.get("/api/v1/search", {"kind": "achievement", "q": "钙钛矿"}).json()
    assert second == first and first["count"] == 3
    assert searched == ["achievement"]
    client.get("/api/v1/search", {"kind": "achievement", "q": "钙钛矿", "sort": "newest"})
    assert searched == ["achievement", "achievement"]  # another question is searched


def test_the_search_page_shows_an_achievement_indexed_after_it_was_kept(client, solar, unit, owner, reviewer):
    assert client.get("/api/v1/search", {"kind": "achievement", "q": "钙钛矿"}).json()["count"] == 3
    make_published_achievement(unit, owner, reviewer, title="钙钛矿光伏组件", summary="封装。", keywords="")
    assert client.get("/api/v1/search", {"kind": "achievement", "q": "钙钛矿"}).json()["count"] == 4


def test_a_refused_search_is_not_kept(client, solar):
    for _ in range(2):
        response = client.get("/api/v1/search", {"kind": "achievement", "q": "钙钛矿", "page": "9"})
        assert response.status_code == 404 and response.json()["code"] == "page_out_of_range"


def test_a_save_goes_through_while_redis_is_away(monkeypatch):
    def away(*args: Any, **kwargs: Any) -> Any:
        raise RedisConnectionError("away")

    before = generations(generation_key("achievement"))
    monkeypatch.setattr(cache, "incr", away)
    catalog_changed("achievement")  # no error: the generation stays where it was
    assert generations(generation_key("achievement")) == before


def test_the_listing_page_asked_again_is_not_searched_again(client, solar, monkeypatch):
    searched = _searched(monkeypatch)
    first = client.get("/achievements/", {"q": "钙钛矿"})
    second = client.get("/achievements/", {"q": "钙钛矿"})
    assert searched == ["achievement"]
    assert second.context["page"].count == 3 and second.context["facets"] == first.context["facets"]


def test_a_question_nothing_matches_is_kept_too(client, solar, monkeypatch):
    searched = _searched(monkeypatch)
    for _ in range(2):
        assert client.get("/api/v1/achievements", {"q": "量子引力"}).json()["count"] == 0
    assert searched == ["achievement"]


def _scraped_searches(client: Any, way: str) -> float:
    """usefirst_searches_total for achievements searched one way, as the monitoring scrapes it."""
    text = client.get("/metrics", REMOTE_ADDR="127.0.0.1").content.decode()
    line = f'usefirst_searches_total{{kind="achievement",way="{way}"}} '
    return next((float(row.removeprefix(line)) for row in text.splitlines() if row.startswith(line)), 0.0)


def test_the_monitoring_counts_questions_searched_not_those_the_cache_answered(client, solar):
    listing, found = _scraped_searches(client, "listing"), _scraped_searches(client, "search")
    for _ in range(2):
        client.get("/api/v1/achievements", {"q": "钙钛矿"})
        client.get("/api/v1/search", {"kind": "achievement", "q": "钙钛矿"})
    client.get("/api/v1/achievements", {"q": "钙钛矿", "page_size": "2", "page": "2"})  # its ids were kept
    client.get("/api/v1/achievements", {"q": "！！！"})  # no word to search
    assert _scraped_searches(client, "listing") == listing + 1
    assert _scraped_searches(client, "search") == found + 1
    client.get("/api/v1/achievements", {"q": "钙钛矿 电池"})  # a new question
    assert _scraped_searches(client, "listing") == listing + 2
