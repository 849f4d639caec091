"""Catalog personas: the reviewer of the owner unit (provincial department) and of the enterprise
(its city department)."""

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


@pytest.fixture
def enterprise_user(outsider: User) -> User:
    """The outsider persona is an enterprise's admin: for demands it is the owner."""
    return outsider


@pytest.fixture(autouse=True)
def _private_media(tmp_path: Any, settings: Any) -> None:
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path)}},
    }
