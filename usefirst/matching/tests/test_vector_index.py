"""The ANN index's lifecycle: exact tail scan, extend and swap, rebuild after removals, memory per process."""

from __future__ import annotations

import datetime as dt
import json
import os
from io import StringIO
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from django.core.management import call_command
from django.utils import timezone

from usefirst.matching import tasks, vectors
from usefirst.matching.embeddings import DIM, to_bytes
from usefirst.matching.models import ItemKind, SearchDocument

pytestmark = pytest.mark.django_db

KIND = ItemKind.ACHIEVEMENT
T0 = dt.datetime(2026, 3, 1, tzinfo=dt.UTC)


def _unit(seed: int) -> np.ndarray:
    vector = np.random.default_rng(seed).standard_normal(DIM).astype(np.float32)
    return vector / np.linalg.norm(vector)


def _document(n: int, *, seed: int | None = None, minutes: int = 0) -> SearchDocument:
    return SearchDocument.objects.create(
        kind=KIND,
        object_id=n,
        title=f"成果 {n}",
        embedding=to_bytes(_unit(n if seed is None else seed)),
        embedded_at=T0 + dt.timedelta(minutes=minutes or n),
    )


def _best(vector: np.ndarray) -> int:
    return vectors.search(KIND, vector, limit=1)[0][0]


def _index_keys(kind: str = KIND) -> set[int]:
    loaded = vectors.current_index(kind)
    assert loaded is not None
    return {int(k) for k in loaded.index.keys}


@pytest.fixture
def indexed() -> list[SearchDocument]:
    documents = [_document(n) for n in range(1, 21)]
    meta = vectors.maintain(KIND)
    assert meta["action"] == "rebuild"
    assert meta["count"] == 20
    return documents


def test_a_new_item_is_found_by_the_exact_tail_scan_before_the_index_knows_it(indexed):
    late = _document(100, minutes=500)
    assert late.pk not in _index_keys()
    assert vectors.tail_size(KIND) == 1
    assert _best(_unit(100)) == late.pk


def test_the_worker_extends_the_index_with_the_tail_and_swaps_the_pointer(indexed, settings):
    directory = Path(settings.MATCHING_INDEX_DIR)
    before = json.loads((directory / f"{KIND}.json").read_text())
    late = [_document(n, minutes=500 + n) for n in (101, 102)]
    meta = vectors.maintain(KIND)
    assert meta["action"] == "extend"
    assert meta["count"] == 22
    assert meta["file"] != before["file"]
    assert json.loads((directory / f"{KIND}.json").read_text())["file"] == meta["file"]
    assert vectors.tail_size(KIND) == 0
    assert {d.pk for d in late} <= _index_keys()
    assert _best(_unit(102)) == late[1].pk  # now from the index itself, the tail being empty
    # The previous file stays for readers still on it; nothing half-written is left behind.
    assert (directory / before["file"]).exists()
    assert not list(directory.glob(".*"))
    assert vectors.maintain(KIND)["action"] == "none"


def test_an_item_embedded_again_replaces_its_old_vector_when_extending(indexed):
    changed = indexed[4]
    SearchDocument.objects.filter(pk=changed.pk).update(embedding=to_bytes(_unit(999)), embedded_at=T0 + dt.timedelta(days=1))
    meta = vectors.maintain(KIND)
    assert meta["action"] == "extend"
    assert meta["count"] == 20
    loaded = vectors.current_index(KIND)
    assert loaded is not None
    match = loaded.index.search(_unit(999), 1)
    assert int(match.keys[0]) == changed.pk
    assert float(match.distances[0]) < 0.01


def test_a_withdrawn_item_makes_the_worker_rebuild_the_index(indexed):
    gone = indexed[0]
    gone.delete()
    assert vectors.stale_count(KIND) == 1
    assert _best(_unit(1)) != gone.pk  # never returned, though still in the old file
    meta = tasks.maintain_vector_index.call()
    assert meta[KIND] == 19
    assert json.loads((Path(vectors.index_dir()) / f"{KIND}.json").read_text())["action"] == "rebuild"
    assert gone.pk not in _index_keys()
    assert vectors.stale_count(KIND) == 0


def test_items_removed_from_the_best_leave_no_gap_in_the_results(indexed):
    query = _unit(1)
    before = [pk for pk, _ in vectors.search(KIND, query, limit=5)]
    SearchDocument.objects.filter(pk__in=before[:2]).delete()
    assert [pk for pk, _ in vectors.search(KIND, query, limit=3)] == before[2:5]


def test_a_long_tail_is_rebuilt_rather_than_extended(indexed, monkeypatch):
    monkeypatch.setattr(vectors, "TAIL_REBUILD_THRESHOLD", 2)
    for n in (201, 202, 203):
        _document(n, minutes=900 + n)
    meta = vectors.maintain(KIND)
    assert meta["action"] == "rebuild"
    assert meta["count"] == 23


def test_a_failed_write_leaves_the_current_index_in_place(indexed, monkeypatch, settings):
    pointer = Path(settings.MATCHING_INDEX_DIR) / f"{KIND}.json"
    before = pointer.read_text()
    late = _document(300, minutes=2000)

    def broken_save(self: Any, path: str, *args: Any, **kwargs: Any) -> None:
        Path(path).write_bytes(b"half an index")
        raise OSError("disk full")

    from usearch.index import Index

    monkeypatch.setattr(Index, "save", broken_save)
    with pytest.raises(OSError, match="disk full"):
        vectors.maintain(KIND)
    assert pointer.read_text() == before
    assert not list(pointer.parent.glob(".*"))  # the half-written file is gone
    assert _best(_unit(300)) == late.pk  # the old index plus the tail still answer
    assert _best(_unit(3)) == indexed[2].pk


def test_a_reader_switches_to_the_new_index_on_its_next_query(indexed):
    first = vectors.current_index(KIND)
    assert first is not None
    _document(400, minutes=3000)
    vectors.maintain(KIND)
    second = vectors.current_index(KIND)
    assert second is not None and second.path != first.path
    assert len(first.index) == 20  # a query already running on the old mapping is unaffected
    assert len(second.index) == 21


def test_memory_is_reported_for_this_and_every_process_mapping_the_index(indexed):
    _best(_unit(7))
    own = vectors.memory_report()
    assert own["rss_kib"] > 0
    assert own[KIND]["count"] == 20
    assert own[KIND]["file_bytes"] > 0
    processes = {row["pid"]: row for row in vectors.process_memory()}
    assert os.getpid() in processes
    mine = processes[os.getpid()]
    assert mine["rss_kib"] >= mine["mapped_rss_kib"] > 0
    out = StringIO()
    call_command("vector_index", "status", stdout=out)
    text = out.getvalue()
    assert "向量 20 个" in text
    assert f"进程 {os.getpid()}" in text
    assert "索引映射" in text


def test_the_tail_kept_in_memory_follows_a_re_embedded_document():
    def embed(document, axis):
        vector = np.zeros(DIM, dtype=np.float32)
        vector[axis] = 1.0
        document.embedding = to_bytes(vector)
        document.embedded_at = timezone.now()
        document.save()

    first = SearchDocument.objects.create(kind=ItemKind.ACHIEVEMENT, object_id=9001, title="甲")
    second = SearchDocument.objects.create(kind=ItemKind.ACHIEVEMENT, object_id=9002, title="乙")
    embed(first, 0)
    embed(second, 1)
    query = np.zeros(DIM, dtype=np.float32)
    query[0] = 1.0
    assert vectors.search(ItemKind.ACHIEVEMENT, query, limit=1)[0][0] == first.pk
    embed(second, 0)  # now the closer one is the newer vector of the second
    embed(first, 1)
    assert vectors.search(ItemKind.ACHIEVEMENT, query, limit=1)[0][0] == second.pk
