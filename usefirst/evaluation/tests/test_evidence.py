"""The self-report's evidence is an uploaded file (佐证材料): judged by its bytes, kept in private
storage, and downloaded only by the organisation, its city and the evaluators."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from usefirst.accounts.models import Membership, OrganisationKind
from usefirst.core.errors import DomainError
from usefirst.core.testing import make_org, make_user
from usefirst.evaluation import services
from usefirst.evaluation.models import SelfReport
from usefirst.evaluation.services import SchemeData

from .builders import agency, institution_user

PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _private_media(tmp_path: Any, settings: Any) -> None:
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path)}},
    }


@pytest.fixture
def filed(db):
    evaluator = institution_user()
    evaluation = services.evaluation_create(
        actor=evaluator, data=SchemeData(kind="agency", year=2026, name="2026年度服务机构评价")
    )
    host = agency("广州佐证技术转移中心", city="广州市")
    member = make_user(host, role=Membership.Role.ADMIN)
    report = services.self_report_submit(
        actor=member,
        evaluation=evaluation,
        organisation=host,
        statement="本年度促成多项转化",
        evidence="服务合同清单",
        evidence_file=SimpleUploadedFile("佐证.pdf", PDF, content_type="application/pdf"),
    )
    return report, member, evaluator


def test_the_evidence_file_is_stored_under_a_random_name_and_kept_when_the_report_is_sent_again(filed):
    report, member, _ = filed
    assert report.evidence_file.name.endswith(".pdf") and "佐证" not in report.evidence_file.name
    again = services.self_report_submit(
        actor=member, evaluation=report.evaluation, organisation=report.organisation, statement="补充说明"
    )
    assert again.pk == report.pk and again.evidence_file.name == report.evidence_file.name


def test_an_executable_renamed_pdf_is_refused_and_nothing_is_saved(filed):
    report, member, _ = filed
    with pytest.raises(DomainError) as exc:
        services.self_report_submit(
            actor=member,
            evaluation=report.evaluation,
            organisation=report.organisation,
            statement="换一个文件",
            evidence_file=SimpleUploadedFile("佐证.pdf", b"MZ\x90\x00" + b"\x00" * 64),
        )
    assert exc.value.code == "file_type"
    assert SelfReport.objects.get(pk=report.pk).statement == "本年度促成多项转化"


def test_the_evidence_downloads_for_the_agency_its_city_and_the_evaluators_only(client, filed):
    report, member, evaluator = filed
    city = make_org(OrganisationKind.CITY_DEPARTMENT, name="广州市科学技术局", city="广州市", county="越秀区")
    other_city = make_org(OrganisationKind.CITY_DEPARTMENT, name="深圳市科技创新局", city="深圳市", county="福田区")
    url = f"/evaluation/reports/{report.pk}/evidence/"
    for allowed in (member, evaluator, make_user(city)):
        client.force_login(allowed)
        response = client.get(url)
        assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF")
    for refused in (make_user(other_city), make_user(agency("另一家服务机构"))):
        client.force_login(refused)
        assert client.get(url).status_code == 404
    client.force_login(evaluator)
    listing = client.get(f"/evaluation/{report.evaluation_id}/reports/").content.decode()
    assert url in listing
