"""A keyword listing by relevance shows its matches in the search's order, keeping only the public
ones, without asking the database to sort by that order (at 2,000 matches the position
expression cost more than the rest of the statement); and titles similar to the text complete
only a short list of word matches (matching/search.py, FUZZY_BELOW)."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection, reset_queries
from django.test.utils import CaptureQueriesContext

from usefirst.catalog.services.achievements import achievement_withdraw
from usefirst.catalog.tests.factories import make_published_achievement
from usefirst.matching import backends, search
from usefirst.matching.backends import trigram_status

pytestmark = pytest.mark.django_db


@pytest.fixture
def four(solar_cells):
    return solar_cells(4)


def test_the_listing_keeps_the_searchs_order_and_drops_what_is_not_public(client, four, owner, monkeypatch):
    first, second, third, fourth = four
    achievement_withdraw(actor=owner, achievement=second, reason="技术方案调整")
    ranked = [third.pk, second.pk, fourth.pk, first.pk]  # not the order of publication
    monkeypatch.setattr(search, "keyword_object_ids", lambda kind, q: list(ranked))
    reset_queries()  # the request empties the log: the capture must start from an empty one
    with CaptureQueriesContext(connection) as captured:
        listed = client.get("/api/v1/achievements", {"q": "钙钛矿"}).json()
    # (read before the next request, which empties the log)
    statements = [q["sql"] for q in captured.captured_queries]
    positions = [sql for sql in statements if "array_position" in sql or "INSTR(" in sql]
    by_relevance = [item["id"] for item in listed["items"]]
    newest = [item["id"] for item in client.get("/api/v1/achievements", {"q": "钙钛矿", "sort": "newest"}).json()["items"]]
    page = client.get("/achievements/", {"q": "钙钛矿"}).content.decode()

    assert by_relevance == [third.pk, fourth.pk, first.pk] and listed["count"] == 3  # the withdrawn one left
    assert newest == [fourth.pk, third.pk, first.pk]  # another sort still comes from the database
    assert page.index(third.title) < page.index(fourth.title) < page.index(first.title)
    assert statements and positions == []


def _fuzzy_calls(monkeypatch: Any) -> list[str]:
    calls: list[str] = []
    for engine in (backends.SqliteBackend, backends.PostgresBackend):
        real = engine.fuzzy_titles

        def spy(self: Any, *, kind: str, text: str, limit: int, real: Any = real) -> Any:
            calls.append(text)
            return real(self, kind=kind, text=text, limit=limit)

        monkeypatch.setattr(engine, "fuzzy_titles", spy)
    return calls


@pytest.fixture
def graphene(unit, owner, reviewer):
    titles = ["石墨烯导热薄膜", "石墨烯防腐涂料", "海水淡化反渗透膜"]
    return [make_published_achievement(unit, owner, reviewer, title=t, summary="中试完成。", keywords="") for t in titles]


@pytest.mark.parametrize(("question", "word_matches", "asked"), [("导热", 1, True), ("石墨烯", 2, False)])
def test_similar_titles_complete_only_a_short_list(client, graphene, monkeypatch, question, word_matches, asked):
    """At the boundary (FUZZY_BELOW lowered to 2): one word match is below it, two are at it.
    The listing, the search API and the search page each ask for similar titles only below it
    (the latter two only where pg_trgm is offered)."""
    monkeypatch.setattr(search, "FUZZY_BELOW", 2)
    calls = _fuzzy_calls(monkeypatch)
    words = [h.object_id for h in search.lexical("achievement", [question], limit=10)[0]]
    listed = client.get("/api/v1/achievements", {"q": question}).json()
    client.get("/api/v1/search", {"kind": "achievement", "q": question, "semantic": "0"})
    page = client.get("/search/", {"q": question, "semantic": "0"})

    assert len(words) == word_matches and listed["count"] >= word_matches and page.status_code == 200
    assert len(calls) == ((1 + 2 * trigram_status()[0]) if asked else 0)
