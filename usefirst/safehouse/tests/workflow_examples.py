"""Example rows of the 安心屋's workflows for the generated test of every workflow."""

from __future__ import annotations

import datetime as dt

from usefirst.accounts.models import Membership, OrganisationKind
from usefirst.core.testing import make_org, make_user, workflow_example
from usefirst.safehouse.models import Dossier, ExemptionApplication, ManagementSystem
from usefirst.tests.factories import ContractFactory


def _unit() -> tuple[object, object]:
    province = make_org(OrganisationKind.PROVINCIAL_DEPARTMENT)
    unit = make_org(OrganisationKind.UNIVERSITY)
    unit.reviewing_department = province
    unit.save()
    return province, unit


@workflow_example("safehouse.exemption")
def exemption() -> ExemptionApplication:
    _, unit = _unit()
    staff = make_user(unit, role=Membership.Role.ADMIN)
    contract = ContractFactory(licensor=unit, licensee=make_org(OrganisationKind.ENTERPRISE), actor=staff, signed=False)
    dossier = Dossier.objects.create(contract=contract, unit=unit, ref=f"AXW-{contract.number}")
    return ExemptionApplication.objects.create(
        dossier=dossier,
        applicant=staff,
        applicant_name="测试用户",
        role="manager",
        role_label="转化管理人员",
        situations=[],
        statement="按制度办理",
        head_seq=4,
        head_hash="0" * 64,
    )


@workflow_example("safehouse.management_system")
def management_system() -> ManagementSystem:
    _, unit = _unit()
    return ManagementSystem.objects.create(
        unit=unit,
        title="先用后转管理办法",
        document="safehouse/systems/example.pdf",
        document_sha256="0" * 64,
        effective_from=dt.date(2026, 3, 1),
        filed_by=make_user(unit),
    )
