"""Matchmaking personas: the unit's staff (seller), the enterprise's admin (buyer), an
unrelated enterprise (stranger), an agency, and provincial staff; plus a published
achievement and a published demand between them."""

from __future__ import annotations

from typing import Any

import pytest

from usefirst.accounts.models import Membership, Organisation, OrganisationKind, User
from usefirst.catalog.models import Achievement, Demand
from usefirst.catalog.tests.factories import make_published_achievement, make_published_demand
from usefirst.core.testing import make_org, make_user


@pytest.fixture
def seller(owner: User) -> User:
    return owner


@pytest.fixture
def buyer(outsider: User) -> User:
    """The core `outsider` persona is the admin of the `enterprise` fixture: here a party."""
    return outsider


@pytest.fixture
def stranger(province: Organisation) -> User:
    org = make_org(OrganisationKind.ENTERPRISE, name="无关测试企业有限公司", city="广州市", county="天河区")
    return make_user(org, role=Membership.Role.ADMIN)


@pytest.fixture
def agency(province: Organisation) -> Organisation:
    return make_org(OrganisationKind.AGENCY, name="南粤测试技术转移中心", city="广州市", county="天河区")


@pytest.fixture
def agency_user(agency: Organisation) -> User:
    return make_user(agency, role=Membership.Role.ADMIN)


@pytest.fixture
def provincial(provincial_reviewer: User) -> User:
    return provincial_reviewer


@pytest.fixture
def city_reviewer(enterprise: Organisation) -> User:
    assert enterprise.reviewing_department is not None
    return make_user(enterprise.reviewing_department, role=Membership.Role.STAFF)


@pytest.fixture
def achievement(unit: Organisation, seller: User, provincial_reviewer: User) -> Achievement:
    return make_published_achievement(unit, seller, provincial_reviewer)


@pytest.fixture
def demand(enterprise: Organisation, buyer: User, city_reviewer: User) -> Demand:
    return make_published_demand(enterprise, buyer, city_reviewer)


@pytest.fixture(autouse=True)
def _private_media(tmp_path: Any, settings: Any) -> None:
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path)}},
    }
