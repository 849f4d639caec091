"""A draft support measure as the example row for the generated test of every workflow."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from usefirst.accounts.models import Membership, OrganisationKind
from usefirst.core.testing import make_org, make_user, workflow_example
from usefirst.measures.models import SupportMeasure


@workflow_example("measures.measure")
def measure() -> SupportMeasure:
    city = make_org(OrganisationKind.CITY_DEPARTMENT, city="佛山市", county="禅城区")
    return SupportMeasure.objects.create(
        publisher=city,
        title="科技成果转化补贴",
        kind="subsidy",
        city="佛山市",
        eligibility="在本市承接科技成果的企业",
        amount=Decimal("500000"),
        valid_from=dt.date(2026, 1, 1),
        contact_name="张科长",
        contact_phone="0757-12345678",
        created_by=make_user(city, role=Membership.Role.ADMIN),
    )
