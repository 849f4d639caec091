"""A recognition application as the example row for the generated test of every workflow."""

from __future__ import annotations

from decimal import Decimal

from usefirst.accounts.models import Membership, OrganisationKind
from usefirst.catalog.tests.factories import make_achievement
from usefirst.core.testing import make_org, make_user, workflow_example
from usefirst.recognition.models import RecognitionApplication


@workflow_example("recognition.application")
def application() -> RecognitionApplication:
    unit = make_org(OrganisationKind.UNIVERSITY)
    achievement = make_achievement(unit, make_user(unit, role=Membership.Role.ADMIN))
    return RecognitionApplication.objects.create(
        achievement=achievement, unit=unit, year=2026, mode="pay_later", amount_received=Decimal("500000.00")
    )
