"""A proposed pool entry as the example row for the generated test of every workflow."""

from __future__ import annotations

from usefirst.accounts.models import Membership, OrganisationKind
from usefirst.catalog.tests.factories import make_achievement
from usefirst.core.testing import make_org, make_user, workflow_example
from usefirst.pools.models import Pool, PoolEntry


@workflow_example("pools.entry")
def entry() -> PoolEntry:
    operator = make_org(OrganisationKind.CITY_DEPARTMENT)
    user = make_user(operator, role=Membership.Role.ADMIN)
    pool = Pool.objects.create(name="新能源成果池", industry="新能源", operator=operator, description="示例", created_by=user)
    unit = make_org(OrganisationKind.UNIVERSITY)
    achievement = make_achievement(unit, make_user(unit, role=Membership.Role.ADMIN))
    return PoolEntry.objects.create(pool=pool, achievement=achievement, proposed_by=operator)
