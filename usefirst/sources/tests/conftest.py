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
def city_department(province: Organisation) -> Organisation:
    return make_org(OrganisationKind.CITY_DEPARTMENT, name="广州市科学技术局", city="广州市", county="越秀区")


@pytest.fixture
def city_reviewer(city_department: Organisation) -> User:
    return make_user(city_department, role=Membership.Role.STAFF)


@pytest.fixture
def recommender(city_department: Organisation) -> User:
    """A member of a Guangzhou enterprise: its batches go to the city's department."""
    org = make_org(OrganisationKind.ENTERPRISE, name="广州领航科技有限公司", city="广州市", county="天河区")
    return make_user(org, role=Membership.Role.ADMIN)


@pytest.fixture
def outside_institute(province: Organisation) -> Organisation:
    return make_org(OrganisationKind.OUT_OF_PROVINCE_INSTITUTE, name="湖南某研究院", city="省外", county="")


@pytest.fixture
def other_user(province: Organisation) -> User:
    org = make_org(OrganisationKind.ENTERPRISE, name="深圳无关科技有限公司", city="深圳市", county="南山区")
    return make_user(org, role=Membership.Role.ADMIN)


@pytest.fixture
def other_unit(province: Organisation) -> Organisation:
    org = make_org(OrganisationKind.UNIVERSITY, name="粤东测试学院", city="汕头市", county="金平区")
    org.reviewing_department = province
    org.save()
    return org
