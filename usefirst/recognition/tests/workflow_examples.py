"""A recognition application and a misconduct record as the example rows for the generated test of every workflow."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from usefirst.accounts.models import Membership, OrganisationKind
from usefirst.catalog.tests.factories import make_achievement
from usefirst.core.testing import make_org, make_user, workflow_example
from usefirst.recognition.models import MisconductRecord, RecognitionApplication


@workflow_example("recognition.application")
def application() -> RecognitionApplication:
    unit = make_org(OrganisationKind.UNIVERSITY)
    achievement = make_achievement(unit, make_user(unit, role=Membership.Role.ADMIN))
    return RecognitionApplication.objects.create(
        achievement=achievement, unit=unit, year=2026, mode="pay_later", amount_received=Decimal("500000.00")
    )


@workflow_example("recognition.misconduct")
def misconduct_record() -> MisconductRecord:
    province = make_org(OrganisationKind.PROVINCIAL_DEPARTMENT, name="广东省科学技术厅")
    return MisconductRecord.objects.create(
        subject_organisation=make_org(OrganisationKind.UNIVERSITY),
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2028, 12, 31),
        reason="伪造到账凭证",
        recorded_by=make_user(province),
    )
