import datetime as dt

import pytest
import time_machine

from usefirst.accounts.models import Membership
from usefirst.core.testing import make_user

from .helpers import licence_for


@pytest.fixture(autouse=True)
def _frozen_day():
    # 2026-06-15 10:00 Asia/Shanghai, a Monday.
    with time_machine.travel(dt.datetime(2026, 6, 15, 2, 0, tzinfo=dt.UTC), tick=True):
        yield


@pytest.fixture
def licensee_user(enterprise):
    return make_user(enterprise, role=Membership.Role.ADMIN)


@pytest.fixture
def contract(unit, enterprise, owner):
    return licence_for(unit, enterprise, owner)


@pytest.fixture
def two_achievement_contract(unit, enterprise, owner):
    return licence_for(unit, enterprise, owner, "33.33", "66.67")
