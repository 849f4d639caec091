import datetime as dt
from typing import Any

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from usefirst.accounts.models import Membership, Organisation, OrganisationKind, User
from usefirst.core.testing import make_org, make_user
from usefirst.reporting import services

PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"
DEADLINE = dt.date(2026, 3, 31)


@pytest.fixture(autouse=True)
def _private_media(tmp_path: Any, settings: Any) -> None:
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path)}},
    }


@pytest.fixture(autouse=True)
def _frozen_day():
    # 2026-03-16 10:00 Asia/Shanghai: inside the 2025 filing window (2026-01-05 to 2026-03-31).
    with time_machine.travel(dt.datetime(2026, 3, 16, 2, 0, tzinfo=dt.UTC), tick=True):
        yield


def pdf(name: str = "封面.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


@pytest.fixture
def window(provincial_reviewer: User):
    return services.window_set(actor=provincial_reviewer, year=2025, opens_on="2026-01-05", deadline=DEADLINE.isoformat())


@pytest.fixture
def report(window: Any, owner: User, unit: Organisation):
    return services.report_start(actor=owner, organisation=unit, year=2025)


REQUIRED_TEXT = {"work_summary": "建立了成果转化制度，开展“先用后转”试点。", "service_count": "3", "service_amount": "45.5"}


@pytest.fixture
def ready(report: Any, owner: User):
    """A report with every required figure and both signed documents: ready to submit."""
    services.report_update(actor=owner, report=report, values=REQUIRED_TEXT)
    return services.report_upload(actor=owner, report=report, cover=pdf(), undertaking=pdf("承诺书.pdf"))


@pytest.fixture
def city_dept(province: Organisation) -> Organisation:
    return make_org(OrganisationKind.CITY_DEPARTMENT, name="广州市科学技术局", city="广州市", county="越秀区")


@pytest.fixture
def city_reviewer(city_dept: Organisation) -> User:
    return make_user(city_dept, role=Membership.Role.STAFF)
