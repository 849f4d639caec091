"""Demo finance data for a signed contract, written through the services (for the demo loader:
`from usefirst.finance.demo import seed_contract_finance`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from usefirst.contracts.models import Contract
from usefirst.core.dates import today

from . import services


def seed_contract_finance(*, contract: Contract, unit_user: Any, licensee_user: Any, paid: bool = True) -> None:
    """A combined plan (entry fee, two installments, a milestone, quarterly royalty), two
    receipts, one reversal and a distribution at 70 / 20 / 10, paid when `paid`."""
    signed = contract.signed_at.date() if contract.signed_at else today()
    start = max(signed, today() - dt.timedelta(days=200))
    services.plan_create(
        actor=unit_user,
        contract=contract,
        items=[
            {"kind": "lump_sum", "terms": {"date": (start + dt.timedelta(days=10)).isoformat(), "amount": "50000.00"}},
            {
                "kind": "installment",
                "terms": {
                    "installments": [
                        {"date": (start + dt.timedelta(days=90)).isoformat(), "amount": "100000.00"},
                        {"date": (start + dt.timedelta(days=400)).isoformat(), "amount": "100000.00"},
                    ]
                },
            },
            {"kind": "milestone", "terms": {"milestones": [{"name": "中试完成", "amount": "80000.00"}], "payment_days": 30}},
            {
                "kind": "royalty",
                "terms": {
                    "base": "net_sales",
                    "rate": "3",
                    "start": start.isoformat(),
                    "periods": 4,
                    "period_months": 3,
                    "cap": "200000",
                    "cap_scope": "cumulative",
                },
            },
        ],
        non_technical_costs="5000.00",
    )
    key = f"demo-{contract.pk}"
    services.receipt_record(
        actor=unit_user, contract=contract, received_on=start + dt.timedelta(days=12), amount="50000.00",
        payer=contract.licensee.name if contract.licensee else "企业", voucher_number=f"DEMO-{contract.pk}-1", idempotency_key=f"{key}-1",
    )  # fmt: skip
    second, _ = services.receipt_record(
        actor=unit_user, contract=contract, received_on=min(today(), start + dt.timedelta(days=92)), amount="100000.00",
        payer=contract.licensee.name if contract.licensee else "企业", voucher_number=f"DEMO-{contract.pk}-2", idempotency_key=f"{key}-2",
    )  # fmt: skip
    services.receipt_reverse(
        actor=unit_user, original=second, reason="付款方多付，退回部分款项", idempotency_key=f"{key}-r", amount="2000.00"
    )
    distribution = services.distribution_create(
        actor=unit_user, contract=contract, inventor_pct="70", unit_pct="20", fund_pct="10", taxes="3000.00", fees="500.00"
    )
    if paid:
        services.distribution_pay(actor=unit_user, distribution=distribution)
