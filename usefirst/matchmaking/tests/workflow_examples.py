"""An engagement as the example row for the generated test of every workflow."""

from __future__ import annotations

from usefirst.accounts.models import Membership, OrganisationKind
from usefirst.catalog.tests.factories import make_achievement
from usefirst.core.testing import make_org, make_user, workflow_example
from usefirst.matchmaking.choices import Side
from usefirst.matchmaking.models import Engagement


@workflow_example("matchmaking.engagement")
def engagement() -> Engagement:
    """An enterprise's intent on a unit's achievement (the row only; the walk sets each state)."""
    unit = make_org(OrganisationKind.UNIVERSITY)
    enterprise = make_org(OrganisationKind.ENTERPRISE)
    achievement = make_achievement(unit, make_user(unit, role=Membership.Role.ADMIN))
    return Engagement.objects.create(unit=unit, enterprise=enterprise, achievement=achievement, initiator_side=Side.ENTERPRISE)
