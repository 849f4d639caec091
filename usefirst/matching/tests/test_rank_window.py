"""SQLite ranks at most RANK_WINDOW matches of a query (the newest), so a common word stays cheap
over a million documents; below the window every match is ranked."""

from __future__ import annotations

import pytest
from django.db import connection

from usefirst.catalog.tests.factories import make_published_achievement
from usefirst.matching import backends
from usefirst.matching.models import ItemKind, SearchDocument

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "sqlite", reason="the window bounds SQLite's bm25"),
]


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
