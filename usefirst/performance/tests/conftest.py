"""A signed licence between the `unit` and `enterprise` personas, with four yearly installments:
the first paid on time, the second late, the third missed, the fourth not yet due (today is
2026-06-15, a Monday)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from usefirst.accounts.models import Membership, OrganisationKind
from usefirst.core.testing import make_org, make_user
from usefirst.finance import services as finance_services
from usefirst.finance.tests.helpers import licence_for, record_confirmed


@pytest.fixture(autouse=True)
def _frozen_day():
    with time_machine.travel(dt.datetime(2026, 6, 15, 2, 0, tzinfo=dt.UTC), tick=True):
        yield


@pytest.fixture
def deal(unit, enterprise, owner):
    licensee = make_user(enterprise, role=Membership.Role.ADMIN)
    contract = licence_for(unit, enterprise, owner)
    finance_services.plan_create(
        actor=owner,
        contract=contract,
        items=[
            {
                "kind": "installment",
                "terms": {
                    "installments": [
                        {"date": "2026-04-01", "amount": "100000.00"},
                        {"date": "2026-05-11", "amount": "100000.00"},
                        {"date": "2026-06-01", "amount": "100000.00"},
                        {"date": "2026-09-30", "amount": "100000.00"},
                    ]
                },
            }
        ],
    )
    for n, day in enumerate(("2026-03-31", "2026-05-20"), start=1):
        record_confirmed(
            actor=owner,
            contract=contract,
            received_on=day,
            amount="100000.00",
            payer=enterprise.name,
            voucher_number=f"V-{n}",
            idempotency_key=f"perf-{n}",
        )
    insurer = make_org(OrganisationKind.INSURER, name="测试财产保险广东分公司")
    return {
        "contract": contract,
        "licensee": licensee,
        "owner": owner,
        "enterprise": enterprise,
        "unit": unit,
        "insurer": insurer,
        "insurer_user": make_user(insurer, role=Membership.Role.ADMIN),
    }
