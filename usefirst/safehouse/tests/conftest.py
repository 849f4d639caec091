from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec

from usefirst.accounts.models import Membership, Organisation, OrganisationKind, Sector, User
from usefirst.contracts import signing
from usefirst.contracts.models import Contract, ContractKind
from usefirst.core.testing import make_org, make_user
from usefirst.tests.factories import ContractFactory, achievements_of


@pytest.fixture(scope="session")
def _session_root() -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate]:
    return signing.build_root()


@pytest.fixture(autouse=True)
def _private_media(tmp_path: Any, settings: Any) -> None:
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path / "media")}},
    }


@pytest.fixture
def platform_ca(db: Any, _session_root: tuple[ec.EllipticCurvePrivateKey, x509.Certificate]) -> Any:
    key, cert = _session_root
    return signing.store_root(key, cert)


@pytest.fixture
def education(province: Organisation) -> Organisation:
    return make_org(OrganisationKind.SECTOR_DEPARTMENT, name="广东省教育厅", sector=Sector.EDUCATION)


@pytest.fixture
def education_reviewer(education: Organisation) -> User:
    return make_user(education)


@pytest.fixture
def university(education: Organisation) -> Organisation:
    org = make_org(OrganisationKind.UNIVERSITY, name="安心测试大学", sector=Sector.EDUCATION)
    org.reviewing_department = education
    org.save()
    return org


@pytest.fixture
def staff(university: Organisation) -> User:
    return make_user(university, role=Membership.Role.ADMIN)


@pytest.fixture
def colleague(university: Organisation) -> User:
    return make_user(university)


@pytest.fixture
def deal(university: Organisation, enterprise: Organisation, staff: User) -> Contract:
    return ContractFactory(
        kind=ContractKind.LICENCE,
        licensor=university,
        licensee=enterprise,
        actor=staff,
        achievements=achievements_of(university, staff),
        signed=True,
        signed_on=dt.date(2026, 3, 2),
    )


@pytest.fixture
def auditor(db: Any) -> User:
    from django.contrib.auth.models import Permission

    user = make_user(None)
    user.user_permissions.add(Permission.objects.get(codename="audit_readonly", content_type__app_label="safehouse"))
    return User.objects.get(pk=user.pk)
