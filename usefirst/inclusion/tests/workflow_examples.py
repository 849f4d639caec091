"""An off-platform conversion declaration as the example row for the generated test of every workflow."""

from __future__ import annotations

import datetime as dt

from usefirst.accounts.models import Membership, OrganisationKind
from usefirst.core.testing import make_org, make_user, workflow_example
from usefirst.inclusion.models import ConversionDeclaration

from .builders import make_project


@workflow_example("inclusion.declaration")
def declaration() -> ConversionDeclaration:
    province = make_org(OrganisationKind.PROVINCIAL_DEPARTMENT)
    unit = make_org(OrganisationKind.UNIVERSITY)
    unit.reviewing_department = province
    unit.save()
    # The row only (its evidence file is the service's business, tested in the app): the
    # generated test walks the table and must not write files.
    return ConversionDeclaration.objects.create(
        project=make_project(make_user(province), unit),
        unit=unit,
        kind="transfer",
        counterparty="广州某科技有限公司",
        signed_on=dt.date(2025, 6, 30),
        contract_file="inclusion/declarations/example.pdf",
        created_by=make_user(unit, role=Membership.Role.ADMIN),
    )
