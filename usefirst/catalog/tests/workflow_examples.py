"""Achievements and demands as example rows for the generated test of every workflow."""

from __future__ import annotations

from usefirst.accounts.models import Membership, OrganisationKind
from usefirst.catalog.models import Achievement, Demand
from usefirst.core.testing import make_org, make_user, workflow_example

from .factories import make_achievement, make_demand


@workflow_example("catalog.achievement")
def achievement() -> Achievement:
    unit = make_org(OrganisationKind.UNIVERSITY)
    return make_achievement(unit, make_user(unit, role=Membership.Role.ADMIN))


@workflow_example("catalog.demand")
def demand() -> Demand:
    enterprise = make_org(OrganisationKind.ENTERPRISE, city="韶关市", county="浈江区")
    return make_demand(enterprise, make_user(enterprise, role=Membership.Role.ADMIN))
