"""A large kind's document frequencies come from the worker's term counts plus the documents
indexed since, so a demand's first ranking does not count its words over the whole index.
Here the query's own sample is shrunk to two documents, so that five make a large kind."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from usefirst.matching import backends, ranking, tasks, term_counts
from usefirst.matching.indexing import remove_documents, upsert_document
from usefirst.matching.models import TERM_MAX_LENGTH, ItemKind, SearchDocument

pytestmark = pytest.mark.django_db
ACHIEVEMENT = ItemKind.ACHIEVEMENT


def add(object_id: int, segmented: str) -> SearchDocument:
    fields = {"title": f"成果{object_id}", "segmented_title": "", "segmented": segmented, "embedded_text": ""}
    return upsert_document(kind=ACHIEVEMENT, object_id=object_id, fields=fields)


def frequencies(*tokens: str) -> dict[str, int]:
    return ranking.document_frequencies("default", ACHIEVEMENT, list(tokens))


@pytest.fixture
def large_kind(monkeypatch):
    monkeypatch.setattr(ranking, "DF_SAMPLE", 2)
    monkeypatch.setattr(ranking, "DF_TAIL_SAMPLE", 2)
    for n in range(1, 5):
        add(n, "窑炉 余热 回收")
    add(5, "陶瓷 窑炉")


@pytest.fixture
def no_exact_counts(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("a word was counted over the whole index")

    monkeypatch.setattr(backends.SqliteBackend, "count", refuse)
    monkeypatch.setattr(backends.PostgresBackend, "count", refuse)


def test_counting_stores_each_token_with_its_documents(large_kind):
    run = term_counts.refresh(ACHIEVEMENT)
    assert (run.documents, run.tokens) == (5, 4)
    assert term_counts.stored(ACHIEVEMENT, ["窑炉", "陶瓷", "脱硝"]) == {"窑炉": 5, "陶瓷": 1, "脱硝": 0}


def test_a_large_kind_is_read_from_the_counts_without_counting_a_word_over_the_index(large_kind, no_exact_counts):
    term_counts.refresh(ACHIEVEMENT)
    assert frequencies("窑炉", "余热", "陶瓷", "脱硝") == {"窑炉": 5, "余热": 4, "陶瓷": 1, "脱硝": 0}


def test_documents_indexed_after_the_count_are_added_from_the_index(large_kind, no_exact_counts):
    term_counts.refresh(ACHIEVEMENT)
    add(6, "窑炉 脱硝")
    assert frequencies("窑炉", "脱硝", "陶瓷") == {"窑炉": 6, "脱硝": 1, "陶瓷": 1}


def test_the_tail_kept_in_memory_reads_only_the_documents_joining_it(large_kind, no_exact_counts):
    term_counts.refresh(ACHIEVEMENT)
    add(6, "窑炉 脱硝")
    assert frequencies("脱硝") == {"脱硝": 1}
    add(7, "脱硝")
    with CaptureQueriesContext(connection) as queries:
        assert frequencies("脱硝", "窑炉") == {"脱硝": 2, "窑炉": 6}
    seventh = SearchDocument.objects.get(kind=ACHIEVEMENT, object_id=7).pk
    assert any(str(seventh - 1) in q["sql"] for q in queries.captured_queries)  # read from the sixth on


def test_a_document_removed_from_the_tail_counts_until_the_next_count(large_kind, no_exact_counts):
    term_counts.refresh(ACHIEVEMENT)
    add(6, "脱硝")
    assert frequencies("脱硝") == {"脱硝": 1}
    remove_documents(kind=ACHIEVEMENT, object_ids=[6])
    assert frequencies("脱硝") == {"脱硝": 1}
    term_counts.refresh(ACHIEVEMENT)
    assert frequencies("脱硝") == {"脱硝": 0}


def test_a_tail_too_long_to_keep_is_counted_on_the_index_and_scaled(large_kind, monkeypatch):
    monkeypatch.setattr(term_counts, "TAIL_IN_MEMORY", 3)
    term_counts.refresh(ACHIEVEMENT)
    add(6, "脱硝")
    add(7, "脱硝")
    add(8, "窑炉")
    add(9, "窑炉")
    # The two newest of a four-document tail hold 窑炉: twice that stands for the tail.
    assert frequencies("窑炉", "脱硝") == {"窑炉": 5 + 4, "脱硝": 0}


def test_an_edited_document_is_counted_by_its_new_words_at_the_next_count(large_kind):
    term_counts.refresh(ACHIEVEMENT)
    add(5, "陶瓷 脱硝")  # the same document, re-indexed
    term_counts.refresh(ACHIEVEMENT)
    assert frequencies("窑炉", "脱硝") == {"窑炉": 4, "脱硝": 1}


def test_a_small_kind_is_counted_whole_whatever_the_stored_counts_say(large_kind, monkeypatch):
    term_counts.refresh(ACHIEVEMENT)
    remove_documents(kind=ACHIEVEMENT, object_ids=[1, 2])
    monkeypatch.setattr(ranking, "DF_SAMPLE", 10)
    assert frequencies("窑炉", "余热") == {"窑炉": 3, "余热": 2}


def test_a_count_may_stop_at_a_document(large_kind):
    newest = SearchDocument.objects.get(kind=ACHIEVEMENT, object_id=4).pk
    run = term_counts.refresh(ACHIEVEMENT, up_to=newest)
    assert (run.documents, run.newest_document_id) == (4, newest)
    # The fifth document is the tail: counted on the index by the query.
    assert frequencies("窑炉", "陶瓷") == {"窑炉": 5, "陶瓷": 1}
    assert term_counts.stored(ACHIEVEMENT, ["陶瓷"]) == {"陶瓷": 0}


def test_a_token_longer_than_a_term_is_not_counted(large_kind):
    add(6, "窑炉 " + "x" * (TERM_MAX_LENGTH + 1))
    assert term_counts.refresh(ACHIEVEMENT).tokens == 4


def test_counts_go_stale_when_the_tail_or_the_removed_pass_a_limit(large_kind, monkeypatch):
    monkeypatch.setattr(term_counts, "STALE_DOCUMENTS", 0)
    assert term_counts.is_stale(ACHIEVEMENT)  # larger than the sample, never counted
    assert not term_counts.is_stale(ItemKind.DEMAND)  # no documents: nothing to count
    term_counts.refresh(ACHIEVEMENT)
    assert not term_counts.is_stale(ACHIEVEMENT)
    add(6, "窑炉")
    assert term_counts.is_stale(ACHIEVEMENT)
    term_counts.refresh(ACHIEVEMENT)
    remove_documents(kind=ACHIEVEMENT, object_ids=[1])
    assert term_counts.is_stale(ACHIEVEMENT)


def test_the_hourly_task_counts_only_the_stale_kinds(large_kind):
    assert tasks.count_terms.call() == {ACHIEVEMENT: 5}
    assert tasks.count_terms.call() == {}


def test_the_command_counts_and_reports(large_kind):
    out = StringIO()
    call_command("search_index", "status", stdout=out)
    assert "科技成果：文档 5 篇；尚未统计词项" in out.getvalue()
    out = StringIO()
    call_command("search_index", "count", stdout=out)
    assert "5/5（100%）" in out.getvalue()
    assert "覆盖 5 篇、4 个词项" in out.getvalue()
    assert "此后新增 0 篇" in out.getvalue()
