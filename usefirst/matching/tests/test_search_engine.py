"""A search engine beside the database (engine.py; docs/deployment.md, "When search moves to an
engine"): it answers a keyword listing's page and count when the words are common, follows the
catalog after commit, and never shows what the public listing would not."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.tasks import task_backends
from django.tasks.backends.dummy import DummyBackend
from django.utils import timezone

from usefirst.catalog.choices import AchievementStatus
from usefirst.catalog.models import Achievement
from usefirst.catalog.selectors import achievement_facets
from usefirst.catalog.services.achievements import achievement_withdraw
from usefirst.catalog.tests.factories import make_published_achievement
from usefirst.matching import engine, ranking, search, tasks
from usefirst.matching.models import ItemKind, SearchDocument

pytestmark = pytest.mark.django_db


@pytest.fixture
def engine_on(settings: Any, tmp_path: Any, monkeypatch: Any) -> engine.SearchEngine:
    settings.SEARCH_ENGINE = "tantivy"
    settings.SEARCH_ENGINE_PATH = tmp_path / "engine"
    monkeypatch.setattr(search, "FUZZY_BELOW", 3)  # a handful of items stand for a common question of a million
    engine.forget_engines()
    cache.clear()
    found = engine.engine()
    assert found is not None
    yield found
    engine.forget_engines()


@pytest.fixture
def database_searches(monkeypatch: Any) -> list[str]:
    """Each keyword search the database makes for a listing, recorded."""
    calls: list[str] = []
    real = search.keyword_object_ids

    def counted(kind: str, q: str) -> Any:
        calls.append(q)
        return real(kind, q)

    monkeypatch.setattr(search, "keyword_object_ids", counted)
    return calls


def _publish(unit: Any, owner: Any, reviewer: Any, titles: list[str], summary: str = "叠层组件。") -> list[Achievement]:
    return [make_published_achievement(unit, owner, reviewer, title=t, summary=summary, keywords="") for t in titles]


def _listed(client: Any, **params: str) -> dict[str, Any]:
    response = client.get("/api/v1/achievements", params)
    assert response.status_code == 200, response.content
    return response.json()


def test_the_engine_answers_a_common_question_with_its_page_and_count(
    client, unit, owner, reviewer, engine_on, database_searches, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        made = _publish(unit, owner, reviewer, [f"钙钛矿太阳能电池第{i}代" for i in range(1, 6)])
    first = _listed(client, q="钙钛矿 电池", page_size="2")
    second = _listed(client, q="钙钛矿 电池", page_size="2", page="3")
    assert database_searches == []  # neither page searched the database
    assert first["count"] == 5 and second["count"] == 5
    assert len(first["items"]) == 2 and len(second["items"]) == 1
    pages = {i["id"] for i in first["items"]} | {
        i["id"] for i in _listed(client, q="钙钛矿 电池", page_size="2", page="2")["items"]
    }
    assert pages | {i["id"] for i in second["items"]} == {a.pk for a in made}  # the pages cut one list
    past = client.get("/api/v1/achievements", {"q": "钙钛矿 电池", "page_size": "2", "page": "4"})
    assert past.status_code == 404 and past.json()["code"] == "page_out_of_range"
    assert "共 3 页" in past.json()["detail"]
    before = client.get("/api/v1/achievements", {"q": "钙钛矿 电池", "page_size": "2", "page": "0"})
    assert before.status_code == 404 and "共 3 页" in before.json()["detail"]
    word = client.get("/api/v1/achievements", {"q": "钙钛矿 电池", "page": "二"})
    assert word.status_code == 400 and word.json()["code"] == "invalid_page"


def test_a_title_holding_the_words_comes_before_a_text_holding_them(client, unit, owner, reviewer, engine_on):
    with_text = _publish(unit, owner, reviewer, [f"光伏组件封装工艺{i}" for i in range(3)], summary="钙钛矿薄膜叠层。")
    in_title = _publish(unit, owner, reviewer, ["钙钛矿薄膜制备"], summary="工艺说明。")
    engine.rebuild(ItemKind.ACHIEVEMENT)
    listed = _listed(client, q="钙钛矿")
    assert listed["count"] == 4
    assert listed["items"][0]["id"] == in_title[0].pk
    assert {i["id"] for i in listed["items"][1:]} == {a.pk for a in with_text}


def test_words_seldom_together_are_completed_with_the_rarer_words_by_the_engine(
    client, unit, owner, reviewer, engine_on, database_searches
):
    both = _publish(unit, owner, reviewer, ["钙钛矿太阳能电池"])[0]
    _publish(unit, owner, reviewer, ["钙钛矿薄膜"])
    _publish(unit, owner, reviewer, ["硅基异质结电池"], summary="硅片。")
    engine.rebuild(ItemKind.ACHIEVEMENT)
    # One item holds both words, fewer than FALLBACK_MIN: the items holding either follow it, as
    # the database's listing would list them (ranking.lexical), without asking the database.
    listed = _listed(client, q="钙钛矿 电池")
    assert database_searches == []
    assert listed["count"] == 3
    assert listed["items"][0]["id"] == both.pk


def test_similar_titles_complete_a_list_shorter_than_fuzzy_below_and_only_then(
    client, unit, owner, reviewer, engine_on, database_searches, monkeypatch
):
    asked: list[int] = []

    def similar(kind: str, q: str, *, found: Any) -> list[int]:
        asked.append(len(found))
        return []

    monkeypatch.setattr(search, "similar_titles", similar)
    _publish(unit, owner, reviewer, ["钙钛矿太阳能电池", "钙钛矿电池组件"])  # FUZZY_BELOW - 1 = 2 hold both words
    engine.rebuild(ItemKind.ACHIEVEMENT)
    assert _listed(client, q="钙钛矿 电池")["count"] == 2
    assert asked == [2]
    with_third = _publish(unit, owner, reviewer, ["钙钛矿叠层电池"])[0]  # the 3rd: FUZZY_BELOW
    engine.rebuild(ItemKind.ACHIEVEMENT)  # the listing's generation moved on with the publication
    listed = _listed(client, q="钙钛矿 电池")
    assert listed["count"] == 3 and with_third.pk in {i["id"] for i in listed["items"]}
    assert asked == [2]  # a list of FUZZY_BELOW is not completed
    assert database_searches == []


def test_a_filtered_or_sorted_listing_is_not_asked_of_the_engine(client, unit, owner, reviewer, engine_on, database_searches):
    _publish(unit, owner, reviewer, [f"钙钛矿太阳能电池第{i}代" for i in range(1, 5)])
    engine.rebuild(ItemKind.ACHIEVEMENT)
    assert _listed(client, q="钙钛矿", sort="newest")["count"] == 4
    assert _listed(client, q="钙钛矿", trl_min="1")["count"] == 4
    assert database_searches == ["钙钛矿", "钙钛矿"]


def test_a_published_item_reaches_the_engine_after_commit_and_a_withdrawn_one_leaves_it(
    client, unit, owner, reviewer, engine_on, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        made = _publish(unit, owner, reviewer, [f"钙钛矿太阳能电池第{i}代" for i in range(1, 4)])
    assert engine_on.documents(kind=ItemKind.ACHIEVEMENT) == 3
    assert _listed(client, q="钙钛矿")["count"] == 3
    with django_capture_on_commit_callbacks(execute=True):
        newer = _publish(unit, owner, reviewer, ["钙钛矿光伏组件"])[0]
    listed = _listed(client, q="钙钛矿")  # the listing kept from before is asked afresh
    assert listed["count"] == 4 and newer.pk in {i["id"] for i in listed["items"]}
    with django_capture_on_commit_callbacks(execute=True):
        achievement_withdraw(actor=owner, achievement=made[0], reason="技术方案调整")
    assert engine_on.documents(kind=ItemKind.ACHIEVEMENT) == 3
    listed = _listed(client, q="钙钛矿")
    assert listed["count"] == 3 and made[0].pk not in {i["id"] for i in listed["items"]}


def test_an_item_the_engine_has_not_yet_forgotten_is_never_shown(client, unit, owner, reviewer, engine_on):
    made = _publish(unit, owner, reviewer, [f"钙钛矿太阳能电池第{i}代" for i in range(1, 5)])
    engine.rebuild(ItemKind.ACHIEVEMENT)
    Achievement.objects.filter(pk=made[0].pk).update(status=AchievementStatus.WITHDRAWN)  # behind the platform's back: no sync
    listed = _listed(client, q="钙钛矿", page_size="10")
    assert made[0].pk not in {i["id"] for i in listed["items"]}
    assert len(listed["items"]) == 3


def test_the_keyword_listing_page_shows_what_the_engine_found(client, unit, owner, reviewer, engine_on, database_searches):
    made = _publish(unit, owner, reviewer, [f"钙钛矿太阳能电池第{i}代" for i in range(1, 5)])
    engine.rebuild(ItemKind.ACHIEVEMENT)
    html = client.get("/achievements/", {"q": "钙钛矿"}).content.decode()
    assert all(a.title in html for a in made)
    assert "共 4 条" in html
    assert 'aria-label="结果分布"' in html  # the facets, counted by the engine too
    assert database_searches == []


def test_the_engine_counts_the_facets_as_the_database_would(unit, owner, reviewer, engine_on):
    made = _publish(unit, owner, reviewer, [f"钙钛矿太阳能电池第{i}代" for i in range(1, 5)])
    Achievement.objects.filter(pk__in=[made[0].pk, made[1].pk]).update(offers_open_licence=True)
    for a in made[:2]:
        a.refresh_from_db()
        a.save()  # the documents take the new mode
    _publish(unit, owner, reviewer, ["硅基异质结电池"], summary="硅片。")
    engine.rebuild(ItemKind.ACHIEVEMENT)
    matches = Achievement.objects.filter(pk__in=[a.pk for a in made])
    counted = search.engine_facets(ItemKind.ACHIEVEMENT, "钙钛矿")
    assert counted == achievement_facets(matches)
    assert counted is not None and counted["mode"]["open_licence"] == 2


def test_catch_up_rebuilds_an_engine_that_holds_another_number_of_documents(unit, owner, reviewer, engine_on):
    _publish(unit, owner, reviewer, [f"钙钛矿太阳能电池第{i}代" for i in range(1, 4)])  # no commit: the engine missed them
    assert engine_on.documents(kind=ItemKind.ACHIEVEMENT) == 0
    assert tasks.engine_catch_up.call() == {ItemKind.ACHIEVEMENT: 3}
    assert engine_on.documents(kind=ItemKind.ACHIEVEMENT) == SearchDocument.objects.filter(kind=ItemKind.ACHIEVEMENT).count()
    assert tasks.engine_catch_up.call() == {}  # in step: nothing to do


def test_the_command_rebuilds_the_engine_and_says_how_many(unit, owner, reviewer, engine_on, capsys):
    _publish(unit, owner, reviewer, [f"钙钛矿太阳能电池第{i}代" for i in range(1, 4)])
    call_command("search_index", "engine")
    out = capsys.readouterr().out
    assert "检索引擎 tantivy" in out and "已写入 3 篇" in out
    assert engine_on.documents(kind=ItemKind.ACHIEVEMENT) == 3


def test_without_an_engine_the_listing_searches_the_database(client, solar_cells, database_searches):
    solar_cells(3)
    assert engine.engine() is None
    assert _listed(client, q="钙钛矿")["count"] == 3
    assert database_searches == ["钙钛矿"]


def test_an_unknown_engine_is_refused_with_a_clear_message(settings):
    settings.SEARCH_ENGINE = "elastic"
    engine.forget_engines()
    with pytest.raises(ImproperlyConfigured, match="未知的检索引擎"):
        engine.engine()
    engine.forget_engines()


def test_the_engine_counts_document_frequencies_for_the_query_words(unit, owner, reviewer, engine_on):
    _publish(unit, owner, reviewer, ["钙钛矿太阳能电池", "钙钛矿薄膜"])
    engine.rebuild(ItemKind.ACHIEVEMENT)
    words = engine.vocabulary(ItemKind.ACHIEVEMENT, engine_on)
    assert words.n == 2
    assert words.df("钙钛矿") == ranking.vocabulary(ItemKind.ACHIEVEMENT).df("钙钛矿") == 2


def test_ensure_at_start_fills_an_engine_that_missed_the_documents(unit, owner, reviewer, engine_on, capsys):
    _publish(unit, owner, reviewer, [f"钙钛矿太阳能电池第{i}代" for i in range(1, 4)])  # no commit: the engine missed them
    call_command("search_index", "ensure")
    assert "检索引擎与全文索引不一致，已重建，写入 3 篇" in capsys.readouterr().out
    assert engine_on.documents(kind=ItemKind.ACHIEVEMENT) == 3
    call_command("search_index", "ensure")
    assert "检索引擎" not in capsys.readouterr().out.replace("检索引擎 tantivy 存有", "")  # in step: nothing rebuilt


def test_an_items_state_is_read_once_the_writers_lock_is_held(unit, owner, reviewer, engine_on, settings):
    # Two workers syncing one item: whichever writes second must write what the database holds
    # when it writes, not what it read before waiting for the first (the first may have read
    # an older state, and its write would then be the one left standing).
    made = _publish(unit, owner, reviewer, ["钙钛矿太阳能电池"])[0]
    other_worker = engine.TantivyEngine(settings.SEARCH_ENGINE_PATH)
    reads: list[list[int]] = []

    def read(object_ids: Any) -> list[SearchDocument]:
        with pytest.raises(engine.EngineBusy):  # the lock is held while the state is read
            other_worker._writer(ItemKind.ACHIEVEMENT, wait=0.0)
        reads.append(list(object_ids))
        return list(engine.documents_of(ItemKind.ACHIEVEMENT, object_ids))

    assert engine_on.write(kind=ItemKind.ACHIEVEMENT, object_ids=[made.pk], read=read) == 1
    assert reads == [[made.pk]]
    assert engine_on.documents(kind=ItemKind.ACHIEVEMENT) == 1


@pytest.fixture
def deferred_tasks() -> Any:
    """Tasks enqueued into a backend that keeps them (and their run_after) instead of running them."""
    queue = DummyBackend("default", {})
    immediate = task_backends["default"]
    task_backends["default"] = queue
    yield queue
    task_backends["default"] = immediate


def test_a_sync_refused_by_a_busy_writer_is_tried_again_a_minute_later(
    unit, owner, reviewer, engine_on, settings, monkeypatch, deferred_tasks
):
    made = _publish(unit, owner, reviewer, ["钙钛矿太阳能电池"])[0]  # not synced: no commit callbacks run
    monkeypatch.setattr(engine, "LOCK_WAIT_SECONDS", 0.2)
    queue = deferred_tasks
    rebuilding = engine.TantivyEngine(settings.SEARCH_ENGINE_PATH)._writer(ItemKind.ACHIEVEMENT)  # another process writes
    before = timezone.now()
    assert tasks.engine_sync.call(kind=ItemKind.ACHIEVEMENT, object_ids=[made.pk]) == 0
    (again,) = queue.results
    assert again.kwargs == {"kind": ItemKind.ACHIEVEMENT, "object_ids": [made.pk], "attempt": 2}
    assert again.task.run_after is not None and again.task.run_after >= before + dt.timedelta(seconds=60)
    with pytest.raises(engine.EngineBusy):  # the last attempt gives up; the catch-up mends the count
        tasks.engine_sync.call(kind=ItemKind.ACHIEVEMENT, object_ids=[made.pk], attempt=tasks.ENGINE_SYNC_ATTEMPTS)
    assert len(queue.results) == 1
    del rebuilding  # the other writer is done
    assert tasks.engine_sync.call(**again.kwargs) == 1
    assert engine_on.page(kind=ItemKind.ACHIEVEMENT, terms=["钙钛矿"], offset=0, limit=5).object_ids == [made.pk]


def test_a_misconfigured_engine_is_said_by_the_start_up_checks(settings, tmp_path):
    from usefirst.matching import checks

    engine.forget_engines()
    settings.SEARCH_ENGINE, settings.SEARCH_ENGINE_PATH = "", ""
    assert checks.search_engine_configured() == []  # the database alone
    settings.SEARCH_ENGINE, settings.SEARCH_ENGINE_PATH = "opensearch", tmp_path / "engine"
    (error,) = checks.search_engine_configured()
    assert error.id == "matching.E001" and "未知的检索引擎" in error.msg
    settings.SEARCH_ENGINE = "tantivy"
    assert checks.search_engine_configured() == []  # a folder not made yet, under one that can be written
    (tmp_path / "a-file").write_text("")
    settings.SEARCH_ENGINE_PATH = tmp_path / "a-file" / "engine"
    engine.forget_engines()
    (error,) = checks.search_engine_configured()
    assert error.id == "matching.E002" and "无法写入" in error.msg
    engine.forget_engines()


def test_the_search_api_and_page_rank_keywords_with_the_engine_and_find_what_the_database_finds(
    client, unit, owner, reviewer, engine_on, monkeypatch, settings
):
    monkeypatch.setattr(search, "FALLBACK_MIN", 3)  # a handful of items stand for a catalog's few
    monkeypatch.setattr(ranking, "FALLBACK_MIN", 3)
    titles = [f"钙钛矿太阳能电池第{i}代" for i in range(1, 5)] + ["钙钛矿光伏组件", "锂电池隔膜", "水稻种植机械"]
    made = {a.title: a.pk for a in _publish(unit, owner, reviewer, titles)}
    engine.rebuild(ItemKind.ACHIEVEMENT)
    asked = {
        "钙钛矿 电池": {made[t] for t in titles[:4]},  # every word
        "光伏 隔膜": {made["钙钛矿光伏组件"], made["锂电池隔膜"]},  # never together: either word
    }
    ranked_by_database: list[str] = []
    real = search.rank_text
    monkeypatch.setattr(search, "rank_text", lambda *a, **k: ranked_by_database.append(a[0]) or real(*a, **k))
    for q, expected in asked.items():
        settings.SEARCH_ENGINE = ""
        by_database = search.find(user=AnonymousUser(), kind=ItemKind.ACHIEVEMENT, params={"q": q}, semantic=False)
        settings.SEARCH_ENGINE = "tantivy"
        assert ranked_by_database == [q]
        ranked_by_database.clear()
        cache.clear()
        found = client.get("/api/v1/search", {"kind": "achievement", "q": q}).json()
        assert {i["object_id"] for i in found["items"]} == expected, q
        assert {r.object_id for r in by_database.items} == expected, q
        assert found["count"] == by_database.count and found["facets"] == by_database.facets
        assert found["query"]["match_all"] is by_database.query.match_all is (q == "钙钛矿 电池")
        assert [i["lexical_rank"] for i in found["items"]] == list(range(1, len(expected) + 1))
        html = client.get("/search/", {"q": q, "semantic": "0"}).content.decode()
        assert all(f"/achievements/{pk}/" in html for pk in expected) and f"共 {len(expected)} 条" in html
        assert ranked_by_database == []  # the engine ranked them


def test_the_engine_is_rebuilt_in_a_few_statements_however_many_documents(
    unit, owner, reviewer, engine_on, django_assert_max_num_queries
):
    _publish(unit, owner, reviewer, [f"钙钛矿太阳能电池第{i}代" for i in range(1, 7)])
    with django_assert_max_num_queries(3):  # not one a document
        assert engine.rebuild(ItemKind.ACHIEVEMENT) == 6
