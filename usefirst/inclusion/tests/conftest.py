from typing import Any

import pytest

from usefirst.accounts.models import Membership, Organisation, OrganisationKind, User
from usefirst.core.testing import make_org, make_user


@pytest.fixture(autouse=True)
def _private_media(tmp_path: Any, settings: Any) -> None:
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path)}},
    }


@pytest.fixture
def other_unit(province: Organisation) -> Organisation:
    org = make_org(OrganisationKind.UNIVERSITY, name="粤东测试学院", city="汕头市", county="金平区")
    org.reviewing_department = province
    org.save()
    return org


@pytest.fixture
def other_owner(other_unit: Organisation) -> User:
    return make_user(other_unit, role=Membership.Role.ADMIN)
