"""Builders for auto-inclusion tests: plan projects as the host platform sends them, evidence files."""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from usefirst.accounts.models import Organisation, User
from usefirst.catalog.choices import ProjectCategory
from usefirst.core.testing import make_credit_code
from usefirst.plan_projects.models import ImportBatch, ImportKind, ImportOutcome, PlanProject

_serial = itertools.count(1)
PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


def _batch(actor: User, organisation: Organisation) -> ImportBatch:
    return ImportBatch.objects.create(
        kind=ImportKind.PLAN_PROJECTS,
        outcome=ImportOutcome.IMPORTED,
        actor=actor,
        organisation=organisation,
        file_name="项目.xlsx",
        file_sha256=hashlib.sha256(str(next(_serial)).encode()).hexdigest(),
        file_size=1,
    )


def make_project(
    actor: User,
    unit: Organisation | None,
    *,
    accepted: dt.date | None = dt.date(2023, 11, 25),
    category: str = ProjectCategory.KEY_TECHNOLOGY,
    funded: bool = True,
    number: str | None = None,
    **extra: Any,
) -> PlanProject:
    province = actor.memberships.first().organisation  # type: ignore[union-attr]
    batch = _batch(actor, province)
    values: dict[str, Any] = {
        "number": number or f"2020B{next(_serial):010d}",
        "title": extra.pop("title", "高效低成本固态电池关键材料研究"),
        "category": category,
        "unit_credit_code": unit.credit_code if unit is not None else make_credit_code(),
        "unit_name": unit.name if unit is not None else "尚未注册的研究院",
        "unit": unit,
        "city": extra.pop("city", "广州市"),
        "leader_name": "张三",
        "acceptance_date": accepted,
        "provincial_funding": funded,
        "first_batch": batch,
        "last_batch": batch,
        **extra,
    }
    return PlanProject.objects.create(**values)


def pdf(name: str = "合同.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def fake_pdf(name: str = "合同.pdf") -> SimpleUploadedFile:
    """An executable renamed .pdf: judged by its bytes, refused."""
    return SimpleUploadedFile(name, b"MZ\x90\x00" + b"\x00" * 64, content_type="application/pdf")
