"""The demo's reports and rectification cases: each state there, made through the services."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.test import override_settings

from usefirst.reporting.choices import CaseStatus, ReportStatus
from usefirst.reporting.models import AnnualReport, RectificationCase


@pytest.fixture(autouse=True)
def _frozen_day():
    # The demo's stories are relative to the real day; no frozen clock here.
    yield


@pytest.mark.django_db
def test_the_demo_has_reports_and_cases_in_every_state(tmp_path, settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path)}},
    }
    with override_settings(DEMO_MODE=True):
        call_command("load_demo", "--limit", "40", "--demand-limit", "10", stdout=io.StringIO())
    assert set(AnnualReport.objects.values_list("status", flat=True)) == set(ReportStatus.values)
    assert set(RectificationCase.objects.values_list("status", flat=True)) == set(CaseStatus.values)
    returned = AnnualReport.objects.get(status=ReportStatus.RETURNED)
    assert returned.organisation.memberships.filter(user__email="university-admin@usefirst.example").exists()
    assert returned.flags  # the figures far from the platform's are flagged
