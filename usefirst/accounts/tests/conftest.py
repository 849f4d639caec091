"""Builders for the accounts tests: uploads, departments with reviewers, a registration payload."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from usefirst.accounts.models import Membership, Organisation, OrganisationKind, Sector, User
from usefirst.core.testing import make_credit_code, make_org, make_user

PDF_BYTES = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<<>>\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 40
EXE_BYTES = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48 + b"PE\x00\x00" + b"\x00" * 200


def pdf(name: str = "licence.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


@pytest.fixture(autouse=True)
def private_storage(settings: Any, tmp_path: Any) -> Any:
    """Uploaded licences go to a temporary private directory, never the project's var/."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path / "private")}},
    }
    return tmp_path / "private"


@pytest.fixture
def guangzhou_department(province: Organisation) -> Organisation:
    return make_org(OrganisationKind.CITY_DEPARTMENT, name="广州市科学技术局", city="广州市", county="越秀区")


@pytest.fixture
def guangzhou_reviewer(guangzhou_department: Organisation) -> User:
    return make_user(guangzhou_department, role=Membership.Role.STAFF, email="gz-reviewer@example.com")


@pytest.fixture
def education_department(province: Organisation) -> Organisation:
    return make_org(
        OrganisationKind.SECTOR_DEPARTMENT, name="广东省教育厅", city="广州市", county="越秀区", sector=Sector.EDUCATION
    )


@pytest.fixture
def education_reviewer(education_department: Organisation) -> User:
    return make_user(education_department, role=Membership.Role.STAFF, email="edu-reviewer@example.com")


def registration_data(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": "广州示例科技有限公司",
        "kind": OrganisationKind.ENTERPRISE,
        "credit_code": make_credit_code(),
        "legal_representative": "李四",
        "city": "广州市",
        "county": "天河区",
        "enterprise_size": "small",
        "sector": "",
        "superior_department": "",
        "superior_department_name": "",
        "licence": pdf(),
        "admin_full_name": "王五",
        "admin_email": "admin@shili.example.com",
        "admin_password": "Guangdong-2026-safe",
        "admin_password2": "Guangdong-2026-safe",
    }
    data.update(overrides)
    return data


def service_kwargs(**overrides: Any) -> dict[str, Any]:
    data = registration_data(**overrides)
    data.pop("admin_password2")
    data["superior_department"] = data["superior_department"] or None
    return data
