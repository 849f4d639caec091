"""An off-platform conversion declaration as the example row for the generated test of every workflow."""

from __future__ import annotations

from usefirst.accounts.models import Membership, OrganisationKind
from usefirst.core.testing import make_org, make_user, workflow_example
from usefirst.inclusion.models import ConversionDeclaration
from usefirst.inclusion.services import declaration_submit

from .builders import make_project, pdf


@workflow_example("inclusion.declaration")
def declaration() -> ConversionDeclaration:
    province = make_org(OrganisationKind.PROVINCIAL_DEPARTMENT)
    unit = make_org(OrganisationKind.UNIVERSITY)
    unit.reviewing_department = province
    unit.save()
    project = make_project(make_user(province), unit)
    return declaration_submit(
        actor=make_user(unit, role=Membership.Role.ADMIN),
        project=project,
        kind="transfer",
        counterparty="广州某科技有限公司",
        signed_on="2025-06-30",
        contract_file=pdf(),
    )
