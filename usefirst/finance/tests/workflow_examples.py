"""Finance's lifecycles as example rows for the generated test of every workflow: each hangs off
a signed licence between a unit and an enterprise."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from usefirst.accounts.models import Membership, OrganisationKind
from usefirst.contracts.models import Contract, ContractKind
from usefirst.core.testing import make_org, make_user, workflow_example
from usefirst.finance.models import Distribution, PaymentPlan, PlanItem, Receipt, ScheduleLine
from usefirst.tests.factories import ContractFactory, achievements_of


def _licence() -> Contract:
    province = make_org(OrganisationKind.PROVINCIAL_DEPARTMENT, name="广东省科学技术厅", city="广州市", county="越秀区")
    unit = make_org(OrganisationKind.UNIVERSITY, reviewing_department=province)
    enterprise = make_org(OrganisationKind.ENTERPRISE, city="韶关市", county="浈江区")
    owner = make_user(unit, role=Membership.Role.ADMIN)
    return ContractFactory(
        kind=ContractKind.LICENCE, licensor=unit, licensee=enterprise, actor=owner, achievements=achievements_of(unit, owner)
    )


@workflow_example("finance.distribution")
def distribution() -> Distribution:
    contract = _licence()
    return Distribution.objects.create(
        contract=contract,
        sequence=1,
        unit=contract.licensor,
        inventor_pct=Decimal(70),
        unit_pct=Decimal(30),
        fund_pct=Decimal(0),
        created_by=contract.created_by,
    )


@workflow_example("finance.receipt")
def receipt() -> Receipt:
    contract = _licence()
    return Receipt.objects.create(
        contract=contract,
        received_on=dt.date(2026, 6, 1),
        amount=Decimal("1000.00"),
        payer=contract.licensee.name,
        voucher_number="PZ-1",
        idempotency_key=f"example-{contract.pk}",
        payload_hash="example",
        recorded_by=contract.created_by,
        payer_organisation=contract.licensee,
    )


@workflow_example("finance.schedule_line")
def schedule_line() -> ScheduleLine:
    contract = _licence()
    plan = PaymentPlan.objects.create(contract=contract, created_by=contract.created_by)
    item = PlanItem.objects.create(plan=plan, kind="lump_sum", terms={"date": "2026-07-01", "amount": "1000.00"})
    return ScheduleLine.objects.create(plan=plan, item=item, label="一次性支付", amount=Decimal("1000.00"))
