from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from usefirst.accounts.models import Membership, Organisation, OrganisationKind, User
from usefirst.core.dates import today
from usefirst.core.testing import make_org, make_user
from usefirst.events import services
from usefirst.events.models import Event
from usefirst.tests.factories import AchievementFactory


@pytest.fixture(autouse=True)
def _private_media(tmp_path: Any, settings: Any) -> None:
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path)}},
    }


@pytest.fixture
def incubator(province: Organisation) -> Organisation:
    return make_org(OrganisationKind.INCUBATOR, name="广州测试孵化器", city="广州市", county="天河区")


@pytest.fixture
def organiser(incubator: Organisation) -> User:
    return make_user(incubator, role=Membership.Role.ADMIN)


def attendee(n: int) -> User:
    return make_user(make_org(OrganisationKind.ENTERPRISE, name=f"参会企业{n}"))


def make_event(organiser: User, organisation: Organisation, achievement: Any = None, **data: Any) -> Event:
    fields = {
        "title": "新材料成果发布推介会",
        "kind": "launch",
        "place": "广州市天河区科技园 1 号楼",
        "starts_on": (today() + dt.timedelta(days=10)).isoformat(),
        "signup_deadline": (today() + dt.timedelta(days=8)).isoformat(),
        "capacity": "2",
    } | data
    event = services.event_create(actor=organiser, organiser=organisation, data=fields)
    services.event_add_item(actor=organiser, event=event, achievement=achievement or AchievementFactory())
    return services.event_publish(actor=organiser, event=event)


@pytest.fixture
def event(organiser: User, incubator: Organisation, province: Organisation) -> Event:
    return make_event(organiser, incubator)
