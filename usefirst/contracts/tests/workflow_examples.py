"""A drafted free-use licence as the example row for the generated test of every workflow."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from usefirst.accounts.models import Membership, OrganisationKind
from usefirst.catalog.tests.factories import make_achievement
from usefirst.contracts import services
from usefirst.contracts.models import Contract, ContractKind, Mode
from usefirst.core.dates import today
from usefirst.core.testing import make_org, make_user, workflow_example


@workflow_example("contracts.contract")
def contract() -> Contract:
    unit = make_org(OrganisationKind.UNIVERSITY)
    owner = make_user(unit, role=Membership.Role.ADMIN)
    achievement = make_achievement(unit, owner)
    # Its text (the PDF) is not needed to walk the table.
    return services.draft_without_text(
        actor=owner,
        data=services.DraftData(
            kind=ContractKind.FREE_USE_LICENCE,
            mode=Mode.PAY_LATER,
            licensor_id=unit.pk,
            licensee_id=make_org(OrganisationKind.ENTERPRISE).pk,
            achievements=[services.AchievementShare(achievement.pk, Decimal("100"))],
            free_use_start=today(),
            free_use_end=today() + dt.timedelta(days=364),
        ),
    )
