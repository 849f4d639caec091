"""The advisory ranking and the statistics."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.test import Client
from openpyxl import load_workbook

from usefirst.core.testing import make_org
from usefirst.recognition import selectors
from usefirst.recognition.models import ApplicationStatus, RecognitionApplication

from .builders import make_achievement

pytestmark = pytest.mark.django_db


def _application(unit, amount, status=ApplicationStatus.RECOMMENDED):
    return RecognitionApplication.objects.create(
        achievement=make_achievement(unit), unit=unit, year=2026, mode="pay_later", amount_received=Decimal(amount), status=status
    )


def test_the_ranking_lowers_a_unit_with_projects_already_shortlisted(unit, provincial_reviewer, set_parameter):
    other = make_org(name="另一所大学", city="韶关市", county="浈江区")
    _application(unit, "900000.00", ApplicationStatus.PUBLIC_NOTICE)
    _application(unit, "900000.00", ApplicationStatus.RECOGNISED)
    ours = _application(unit, "700000.00")
    theirs = _application(other, "600000.00")
    ranked = selectors.ranking(provincial_reviewer, year=2026)
    # weight 0.10: 70 万 / (1 + 0.1 × 2) = 58.33 < 60.00
    assert [(r.application, r.score, r.shortlisted_of_unit) for r in ranked] == [
        (theirs, Decimal("60.00"), 0),
        (ours, Decimal("58.33"), 2),
    ]
    set_parameter("ranking_shortlist_weight", "0")
    assert [r.application for r in selectors.ranking(provincial_reviewer, year=2026)] == [ours, theirs]


def test_statistics_count_applications_and_recognitions_by_region(unit):
    north = make_org(name="粤北大学", city="韶关市", county="浈江区")
    _application(unit, "600000.00")
    _application(north, "600000.00")
    _application(north, "600000.00", ApplicationStatus.DRAFT)  # drafts are not counted
    rows = {r.label: (r.applications, r.recognised) for r in selectors.statistics(year=2026, dimension="region")}
    assert rows == {"珠三角": (1, 0), "粤北": (1, 0)}


def test_the_statistics_page_draws_a_chart_and_exports_excel(unit):
    _application(unit, "600000.00")
    page = Client().get("/recognition/statistics/?year=2026").content.decode()
    assert "<svg" in page
    assert "珠三角" in page
    response = Client().get("/recognition/statistics/export.xlsx?year=2026")
    workbook = load_workbook(io.BytesIO(response.content))
    assert "历年" in workbook.sheetnames
    assert Client().get("/recognition/statistics/?year=abc").status_code == 200
