"""Fixtures of the risk tests: a signed-off free-use licence between a university and an enterprise
in 韶关 (north Guangdong) for 500,000.00, under use first, pay later."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from usefirst.accounts.models import Membership, OrganisationKind
from usefirst.catalog.tests.factories import make_achievement
from usefirst.contracts import services as contract_services
from usefirst.contracts.models import ContractKind, Mode
from usefirst.core.dates import today
from usefirst.core.testing import make_org, make_user


@pytest.fixture
def deal(province):
    unit = make_org(OrganisationKind.UNIVERSITY)
    owner = make_user(unit, role=Membership.Role.ADMIN)
    enterprise = make_org(OrganisationKind.ENTERPRISE, city="韶关市", county="浈江区")
    licensee = make_user(enterprise, role=Membership.Role.ADMIN)
    achievement = make_achievement(unit, owner)  # TRL 6
    contract = contract_services.draft_without_text(
        actor=owner,
        data=contract_services.DraftData(
            kind=ContractKind.FREE_USE_LICENCE,
            mode=Mode.PAY_LATER,
            licensor_id=unit.pk,
            licensee_id=enterprise.pk,
            achievements=[contract_services.AchievementShare(achievement.pk, Decimal("100"))],
            free_use_start=today(),
            free_use_end=today() + dt.timedelta(days=364),
            price=Decimal("500000.00"),
        ),
    )
    return {"contract": contract, "owner": owner, "licensee": licensee, "unit": unit}
