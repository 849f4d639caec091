"""Matching personas and an index directory per test (the ANN files)."""

from __future__ import annotations

from typing import Any

import pytest

from usefirst.accounts.models import Membership, Organisation, User
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
