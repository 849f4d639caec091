from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from usefirst.accounts.models import Membership, Organisation, OrganisationKind, User
from usefirst.core.testing import make_org, make_user
from usefirst.policy.services import parameter_set


@pytest.fixture
def reviewer(provincial_reviewer: User) -> User:
    return provincial_reviewer


@pytest.fixture
def superior(province: Organisation) -> Organisation:
    return make_org(OrganisationKind.SECTOR_DEPARTMENT, name="广东省教育厅", sector="education")


@pytest.fixture
def superior_staff(superior: Organisation) -> User:
    return make_user(superior, role=Membership.Role.ADMIN)


@pytest.fixture
def other_department(province: Organisation) -> Organisation:
    return make_org(OrganisationKind.SECTOR_DEPARTMENT, name="广东省卫生健康委员会", sector="health")


@pytest.fixture
def other_department_staff(other_department: Organisation) -> User:
    return make_user(other_department, role=Membership.Role.ADMIN)


@pytest.fixture
def unit_with_superior(unit: Organisation, superior: Organisation) -> Organisation:
    unit.superior_department = superior
    unit.save()
    return unit


@pytest.fixture
def set_parameter(provincial_admin: User) -> Any:
    def setter(key: str, value: Any) -> None:
        parameter_set(actor=provincial_admin, key=key, value=value, effective_from=dt.date(2026, 2, 1), reason="测试设置")

    return setter
