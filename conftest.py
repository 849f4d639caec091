"""Shared fixtures: named personas per role (see usefirst/core/testing.py)."""

import pytest
from django.core.cache import cache

from usefirst.core.testing import *  # noqa: F403


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache: figures cached by one test (the home page's lists,
    say) must not reach another test's database."""
    cache.clear()
    yield
