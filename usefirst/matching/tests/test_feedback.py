"""Pseudo-relevance feedback: the first results of a query show what the user meant, and the
ranking looks once more around them (usefirst/matching/ranking.py, FEEDBACK_DOCS)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from usefirst.matching import ranking
from usefirst.matching.backends import backend
from usefirst.matching.embeddings import DIM, to_bytes
from usefirst.matching.models import ItemKind, SearchDocument
from usefirst.matching.text import index_text

pytestmark = pytest.mark.django_db

KIND = ItemKind.ACHIEVEMENT


def _axis(*weights: tuple[int, float]) -> np.ndarray:
    vector = np.zeros(DIM, np.float32)
    for axis, weight in weights:
        vector[axis] = weight
    return vector / np.linalg.norm(vector)


def _document(n: int, title: str, vector: np.ndarray, keywords: list[str] | None = None) -> SearchDocument:
    document = SearchDocument.objects.create(
        kind=KIND,
        object_id=n,
        title=title,
        body="",
        keywords=keywords or [],
        segmented_title=index_text(title),
        segmented=index_text(" ".join(keywords or [])),
        embedding=to_bytes(vector),
    )
    backend().index(document)
    return document


QUERY = _axis((0, 1.0))


def _rank(text: str) -> list[ranking.Ranked]:
    _, items = ranking.rank_text(text, KIND, limit=10, encode=lambda _: QUERY, rrf_k=60)
    return items


@pytest.fixture
def neighbourhood() -> dict[str, SearchDocument]:
    """Two documents on the user's words and near their vector; one that says the same in other
    words and sits beside those two, but far from the user's own vector; and six near the
    user's vector that have nothing to do with the first two."""
    found = {
        "first": _document(1, "水稻抗病育种新品系", _axis((0, 0.6), (1, 0.8))),
        "second": _document(2, "水稻分子育种技术", _axis((0, 0.6), (1, 0.8), (2, 0.1))),
        "neighbour": _document(3, "籼稻杂交亲本选配方法", _axis((1, 1.0))),
    }
    for n in range(4, 10):
        found[f"other{n}"] = _document(n, f"港口起重机结构监测 {n}", _axis((0, 0.3), (10 + n, 0.95)))
    return found


def test_feedback_brings_up_what_the_first_results_are_about_in_other_words(neighbourhood, monkeypatch):
    monkeypatch.setattr(ranking, "FEEDBACK_KEYWORD_WEIGHT", 0.0)
    monkeypatch.setattr(ranking, "FEEDBACK_DOCS", 0)
    without = [r.document_id for r in _rank("水稻育种")]
    monkeypatch.setattr(ranking, "FEEDBACK_DOCS", 2)
    with_feedback = [r.document_id for r in _rank("水稻育种")]

    neighbour = neighbourhood["neighbour"].pk
    assert without.index(neighbour) > 2  # on the user's own vector it is the last of all
    assert with_feedback[:3] == [neighbourhood["first"].pk, neighbourhood["second"].pk, neighbour]


def test_the_similarity_shown_is_the_one_to_the_users_own_words(neighbourhood, monkeypatch):
    monkeypatch.setattr(ranking, "FEEDBACK_DOCS", 2)
    items = {r.document_id: r for r in _rank("水稻育种")}

    assert items[neighbourhood["neighbour"].pk].similarity == pytest.approx(0.0, abs=1e-3)
    assert items[neighbourhood["first"].pk].similarity == pytest.approx(0.6, abs=1e-3)


def test_keywords_the_first_results_share_find_documents_that_share_nothing_with_the_query(monkeypatch):
    unrelated = _document(1, "港口起重机结构监测", _axis((0, 0.05), (6, 1.0)), ["结构健康监测"])
    _document(2, "水稻抗病育种新品系", _axis((0, 1.0)), ["分子标记", "抗稻瘟病"])
    _document(3, "水稻分子育种技术", _axis((0, 0.99), (1, 0.1)), ["分子标记", "抗稻瘟病", "粳稻"])
    related = _document(4, "稻瘟病菌致病机理研究", _axis((5, 1.0)), ["抗稻瘟病"])
    monkeypatch.setattr(ranking, "FEEDBACK_DOCS", 2)

    monkeypatch.setattr(ranking, "FEEDBACK_KEYWORD_WEIGHT", 0.0)
    without = [r.document_id for r in _rank("水稻育种")]
    monkeypatch.setattr(ranking, "FEEDBACK_KEYWORD_WEIGHT", 0.5)
    items = _rank("水稻育种")
    ranked = [r.document_id for r in items]

    assert without.index(unrelated.pk) < without.index(related.pk)
    assert ranked.index(related.pk) < ranked.index(unrelated.pk)
    assert next(r for r in items if r.document_id == related.pk).lexical_rank is None  # not a match of the user's words


@pytest.mark.parametrize(
    ("lists", "expected"),
    [
        ([["分子标记", "抗病"], ["分子标记", "粳稻"], ["抗病", "分子标记"]], ["分子标记", "抗病"]),
        ([["分子标记", "分子标记"], ["粳稻"]], []),  # one document repeating a keyword is not two
        ([[f"词{i}" for i in range(8)], [f"词{i}" for i in range(8)]], [f"词{i}" for i in range(5)]),
        ([[], [" "], ["抗病"]], []),
    ],
)
def test_only_keywords_shared_by_two_first_results_are_used_at_most_five(lists: Any, expected: list[str]):
    assert ranking.feedback_keywords(lists) == expected
