import pytest
from django.core.cache import cache

from usefirst.accounts.models import Membership, OrganisationKind
from usefirst.core.testing import make_org, make_user


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def city_department(db):
    return make_org(OrganisationKind.CITY_DEPARTMENT, name="广州市科学技术局", city="广州市", county="越秀区")


@pytest.fixture
def city_officer(city_department):
    return make_user(city_department, role=Membership.Role.STAFF)
