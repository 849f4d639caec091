"""Matching personas and an index directory per test (the ANN files)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from usefirst.accounts.models import Membership, Organisation, User
from usefirst.catalog.models import Achievement
from usefirst.catalog.tests.factories import make_published_achievement
from usefirst.core.testing import make_user


@pytest.fixture
def reviewer(provincial_reviewer: User) -> User:
    return provincial_reviewer


@pytest.fixture
def city_reviewer(enterprise: Organisation) -> User:
    assert enterprise.reviewing_department is not None
    return make_user(enterprise.reviewing_department, role=Membership.Role.STAFF)


@pytest.fixture(autouse=True)
def _index_dir(tmp_path: Any, settings: Any) -> None:
    settings.MATCHING_INDEX_DIR = str(tmp_path / "matching")
    from usefirst.matching import ranking, term_counts, vectors

    ranking.forget_vocabularies()
    vectors.forget_tails()
    term_counts.forget_tails()


@pytest.fixture(scope="session")
def encoder() -> Any:
    """The embedding model, loaded once per test session."""
    from usefirst.matching.embeddings import model

    return model()


@pytest.fixture
def solar_cells(unit: Organisation, owner: User, reviewer: User) -> Callable[[int], list[Achievement]]:
    """Published achievements "钙钛矿太阳能电池第1代" … "第n代", in that order of publication."""

    def make(n: int) -> list[Achievement]:
        return [
            make_published_achievement(unit, owner, reviewer, title=f"钙钛矿太阳能电池第{i}代", summary="叠层组件。", keywords="")
            for i in range(1, n + 1)
        ]

    return make
