"""An annual report and a rectification case as example rows for the generated test of every workflow."""

from __future__ import annotations

from usefirst.accounts.models import Membership, OrganisationKind
from usefirst.core.testing import make_org, make_user, workflow_example
from usefirst.reporting.models import AnnualReport, RectificationCase


@workflow_example("reporting.report")
def report() -> AnnualReport:
    province = make_org(OrganisationKind.PROVINCIAL_DEPARTMENT)
    unit = make_org(OrganisationKind.UNIVERSITY)
    return AnnualReport.objects.create(
        organisation=unit, year=2025, form="unit", department=province, created_by=make_user(unit, role=Membership.Role.ADMIN)
    )


@workflow_example("reporting.case")
def case() -> RectificationCase:
    province = make_org(OrganisationKind.PROVINCIAL_DEPARTMENT)
    unit = make_org(OrganisationKind.UNIVERSITY)
    return RectificationCase.objects.create(
        number="ZG20260001",
        unit=unit,
        opened_by_org=province,
        title="年度报告数据与平台数据不符",
        finding="转让合同金额填报 500 万元，平台登记 120 万元",
        opened_by=make_user(province),
    )
