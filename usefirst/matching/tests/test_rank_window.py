"""Both engines rank at most RANK_WINDOW matches of a query (the newest), so a common word stays
cheap over a million documents; below the window every match is ranked. On PostgreSQL the
ranked rows are the stored vectors of `matching_fts`, which follow every edit and removal."""

from __future__ import annotations

import pytest
from django.db import connection

from usefirst.catalog.tests.factories import make_published_achievement
from usefirst.matching import backends
from usefirst.matching.models import ItemKind, SearchDocument

pytestmark = pytest.mark.django_db


@pytest.fixture
def five_kilns(unit, owner, reviewer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        items = [
            make_published_achievement(unit, owner, reviewer, title=f"窑炉余热回收装置第{n}型", keywords="余热回收、窑炉")
            for n in range(5)
        ]
    return [SearchDocument.objects.get(kind=ItemKind.ACHIEVEMENT, object_id=a.pk).pk for a in items]


def search(terms: list[str]) -> set[int]:
    hits = backends.backend().search(kind=ItemKind.ACHIEVEMENT, terms=terms, match_all=False, limit=50)
    return {hit.document_id for hit in hits}


def test_below_the_window_every_match_is_ranked(five_kilns):
    assert search(["窑炉"]) == set(five_kilns)


def test_past_the_window_only_the_newest_matches_are_ranked(five_kilns, monkeypatch):
    monkeypatch.setattr(backends, "RANK_WINDOW", 3)
    assert search(["窑炉"]) == set(sorted(five_kilns)[-3:])
    assert search(["窑炉", "余热回收"]) == set(sorted(five_kilns)[-3:])


def test_an_edited_title_is_found_by_its_new_words_only(five_kilns):
    from usefirst.matching.indexing import upsert_document

    document = SearchDocument.objects.get(pk=five_kilns[0])
    fields = {"segmented_title": "陶瓷 窑炉 烟气 脱硝", "segmented": "", "embedded_text": document.embedded_text}
    upsert_document(kind=ItemKind.ACHIEVEMENT, object_id=document.object_id, fields=fields)
    assert search(["脱硝"]) == {document.pk}
    assert document.pk not in search(["余热回收"])


def test_a_removed_document_leaves_the_index(five_kilns):
    from usefirst.matching.indexing import remove_documents

    document = SearchDocument.objects.get(pk=five_kilns[0])
    remove_documents(kind=ItemKind.ACHIEVEMENT, object_ids=[document.object_id])
    assert search(["窑炉"]) == set(five_kilns[1:])
    with connection.cursor() as cursor:
        table = "matching_fts"
        column = "rowid" if connection.vendor == "sqlite" else "document_id"
        cursor.execute(f"SELECT count(*) FROM {table} WHERE {column} = %s", [document.pk])
        assert cursor.fetchone()[0] == 0


@pytest.mark.parametrize("few", [True, False])
def test_both_ways_to_the_window_find_the_same_newest_matches(five_kilns, monkeypatch, few):
    # PostgreSQL reads every match through the GIN index when few are expected, else walks the
    # newest documents; either way the window holds the newest RANK_WINDOW matches.
    monkeypatch.setattr(backends, "RANK_WINDOW", 3)
    estimate = backends.Estimate(matches=1 if few else 10**6, documents=10**6)
    hits = backends.backend().search(kind=ItemKind.ACHIEVEMENT, terms=["窑炉"], match_all=True, limit=50, estimate=estimate)
    assert {h.document_id for h in hits} == set(sorted(five_kilns)[-3:])


def test_a_common_words_frequency_above_the_exact_limit_is_estimated_from_the_newest(five_kilns, monkeypatch):
    from usefirst.matching import ranking

    monkeypatch.setattr(ranking, "DF_EXACT_UP_TO", 2)
    monkeypatch.setattr(ranking, "DF_SAMPLE", 2)
    achievements = SearchDocument.objects.filter(kind=ItemKind.ACHIEVEMENT).count()
    # The two newest achievements both contain it: its share among them, times every achievement.
    assert ranking._document_frequency("default", ItemKind.ACHIEVEMENT, "窑炉") == achievements
    monkeypatch.setattr(ranking, "DF_EXACT_UP_TO", 5)
    assert ranking._document_frequency("default", ItemKind.ACHIEVEMENT, "窑炉") == 5


@pytest.mark.parametrize("expected", [1, 9, 10, 50, 400, 1414])
def test_whatever_the_estimate_the_window_holds_the_newest_matches(five_kilns, monkeypatch, expected):
    # On PostgreSQL an expected common word is first looked for among the newest documents only
    # (those expected to hold NEWEST_MARGIN windows of matches), then among all when they hold
    # too few: an estimate far off costs a second statement, never a different answer.
    monkeypatch.setattr(backends, "RANK_WINDOW", 2)
    estimate = backends.Estimate(matches=expected, documents=10**6)
    assert estimate.few
    hits = backends.backend().search(kind=ItemKind.ACHIEVEMENT, terms=["窑炉"], match_all=True, limit=50, estimate=estimate)
    assert [h.document_id for h in sorted(hits, key=lambda h: -h.document_id)] == sorted(five_kilns)[-2:][::-1]


on_postgres = pytest.mark.skipif(connection.vendor != "postgresql", reason="the newest block ranges are PostgreSQL's")


def _searches(estimate: backends.Estimate) -> list[str]:
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        backends.backend().search(kind=ItemKind.ACHIEVEMENT, terms=["窑炉"], match_all=True, limit=50, estimate=estimate)
    return [q["sql"] for q in captured.captured_queries if "ts_rank" in q["sql"]]


@on_postgres
def test_a_common_word_reads_only_the_newest_documents_when_they_hold_the_window(five_kilns, monkeypatch):
    monkeypatch.setattr(backends, "RANK_WINDOW", 2)
    monkeypatch.setattr(backends, "NEWEST_MARGIN", 1.0)
    monkeypatch.setattr(backends, "NEWEST_WORTH_IT", 1.0)
    # The five achievements are the kind's newest documents. Two of their ids expected in three
    # (the newest) make a window of the newest three ids' worth, which holds both newest matches.
    ids = SearchDocument.objects.filter(kind=ItemKind.ACHIEVEMENT).values_list("id", flat=True)
    expected = max(1, 2 * (max(ids) - min(ids) + 1) // 3)
    statements = _searches(backends.Estimate(matches=expected, documents=10**6))
    assert len(statements) == 1
    assert "document_id >=" in statements[0]


@on_postgres
def test_too_few_matches_among_the_newest_asks_again_over_every_document(five_kilns, monkeypatch):
    monkeypatch.setattr(backends, "RANK_WINDOW", 2)
    # Expected in a thousand documents of a million: the window is the newest 0.4 % of the ids,
    # which holds at most one of them; the second statement finds the newest two among all.
    statements = _searches(backends.Estimate(matches=1000, documents=10**6))
    assert len(statements) == 2
    assert "document_id >=" in statements[0] and "document_id >=" not in statements[1]
