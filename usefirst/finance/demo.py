"""Demo finance data for a signed contract, written through the services (for the demo loader:
`from usefirst.finance.demo import seed_contract_finance`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

from django.utils import timezone

from usefirst.accounts.models import Membership, User
from usefirst.contracts.models import Contract
from usefirst.core.actors import Actor
from usefirst.core.dates import today

from . import services
from .models import Receipt

# A stand-in bank slip: the demo's receipts carry one, as the rules ask from the threshold.
DEMO_SLIP = b"%PDF-1.4\n% demo bank slip\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def demo_slip(voucher: str) -> Any:
    from django.core.files.base import ContentFile

    return ContentFile(DEMO_SLIP, name=f"{voucher}.pdf")


def payer_user(contract: Contract) -> User | None:
    """An administrator of the paying organisation (the licensee), who confirms in the demo."""
    if contract.licensee_id is None:
        return None
    membership = (
        Membership.objects.filter(organisation_id=contract.licensee_id, is_active=True)
        .select_related("user")
        .order_by("role", "pk")  # an administrator ("admin" sorts before "staff") first
        .first()
    )
    return membership.user if membership is not None else None


def confirm_as_payer(receipt: Receipt, payer: Any = None) -> None:
    payer = payer or payer_user(receipt.contract)
    if payer is not None and not receipt.is_confirmed:
        services.receipt_confirm(actor=payer, receipt=receipt)
        receipt.refresh_from_db()


def seed_contract_finance(*, contract: Contract, unit_user: Actor, licensee_user: Actor, paid: bool = True) -> None:
    """A combined plan (entry fee, two installments, a milestone, quarterly royalty), two
    receipts, one reversal and a distribution at 70 / 20 / 10, paid when `paid`."""
    signed = timezone.localdate(contract.signed_at) if contract.signed_at else today()  # the Shanghai date, as finance compares
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
    first, _ = services.receipt_record(
        actor=unit_user, contract=contract, received_on=start + dt.timedelta(days=12), amount="50000.00",
        payer=contract.licensee.name if contract.licensee else "企业", voucher_number=f"DEMO-{contract.pk}-1", idempotency_key=f"{key}-1",
        slip=demo_slip(f"DEMO-{contract.pk}-1"),
    )  # fmt: skip
    confirm_as_payer(first, licensee_user)
    second, _ = services.receipt_record(
        actor=unit_user, contract=contract, received_on=min(today(), start + dt.timedelta(days=92)), amount="100000.00",
        payer=contract.licensee.name if contract.licensee else "企业", voucher_number=f"DEMO-{contract.pk}-2", idempotency_key=f"{key}-2",
        slip=demo_slip(f"DEMO-{contract.pk}-2"),
    )  # fmt: skip
    confirm_as_payer(second, licensee_user)
    services.receipt_reverse(
        actor=unit_user, original=second, reason="付款方多付，退回部分款项", idempotency_key=f"{key}-r", amount="2000.00"
    )
    distribution = services.distribution_create(
        actor=unit_user, contract=contract, inventor_pct="70", unit_pct="20", fund_pct="10", taxes="3000.00", fees="500.00"
    )
    if paid:
        services.distribution_pay(actor=unit_user, distribution=distribution)


def seed_licence_finance(
    *,
    contract: Contract,
    unit_user: Actor,
    at: Callable[..., AbstractContextManager[None]],
    log: Callable[[str], None] | None = None,
) -> None:
    """The finance of the demo's main licence (3,600,000.00), each step on its own day through
    `at(days_ago, hour=…)` (the demo loader's clock): a combined plan the day after signing,
    three receipts (the second overpaid by 2,000.00, which is reversed) reaching 3,200,000.00,
    and a distribution at 70 / 20 / 10, paid. Every receipt is dated on or before its day."""
    assert contract.signed_at is not None
    signed = timezone.localdate(contract.signed_at)
    s = (today() - signed).days
    if s < 75:
        raise ValueError("the demo licence must have been signed at least 75 days before today")

    def day(offset: int) -> str:
        return (signed + dt.timedelta(days=offset)).isoformat()

    with at(s - 1):
        services.plan_create(
            actor=unit_user,
            contract=contract,
            items=[
                {"kind": "lump_sum", "terms": {"date": day(8), "amount": "1200000.00"}},
                {
                    "kind": "installment",
                    "terms": {
                        "installments": [
                            {"date": day(35), "amount": "1000000.00"},
                            {"date": day(70), "amount": "1000000.00"},
                        ]
                    },
                },
                {
                    "kind": "milestone",
                    "terms": {"milestones": [{"name": "中试线验收", "amount": "400000.00"}], "payment_days": 30},
                },
                {
                    "kind": "royalty",
                    "terms": {
                        "base": "net_sales",
                        "rate": "3",
                        "start": day(0),
                        "periods": 8,
                        "period_months": 3,
                        "cap": "1000000",
                        "cap_scope": "cumulative",
                    },
                },
            ],
            non_technical_costs="20000.00",
            note="双方于合同签署次日确认的付款计划",
        )
    payer = contract.licensee.name if contract.licensee else "企业"
    key = f"demo-licence-{contract.pk}"
    receipts = [(6, "1200000.00", "入门费"), (33, "1002000.00", "第一期分期款"), (68, "1000000.00", "第二期分期款")]
    recorded = []
    for n, (offset, amount, _what) in enumerate(receipts, start=1):
        with at(s - offset, hour=11):
            receipt, _ = services.receipt_record(
                actor=unit_user, contract=contract, received_on=day(offset), amount=amount, payer=payer,
                voucher_number=f"DEMO-{contract.pk}-{n}", idempotency_key=f"{key}-{n}", slip=demo_slip(f"DEMO-{contract.pk}-{n}"),
            )  # fmt: skip
            recorded.append(receipt)
        with at(s - offset - 1, hour=10):  # the enterprise confirms the next morning
            confirm_as_payer(receipt)
        if n == 2:
            with at(s - offset - 2):
                services.receipt_reverse(
                    actor=unit_user, original=receipt, reason="付款方多付 2,000.00 元，原路退回", idempotency_key=f"{key}-r",
                    amount="2000.00",
                )  # fmt: skip
    with at(s - 70):
        distribution = services.distribution_create(
            actor=unit_user,
            contract=contract,
            inventor_pct="70",
            unit_pct="20",
            fund_pct="10",
            taxes="96000.00",
            fees="8000.00",
            note="按学校科技成果转化收益分配办法核算",
        )
    with at(s - 72):
        services.distribution_pay(actor=unit_user, distribution=distribution)
    # A royalty payment recorded yesterday, waiting for the enterprise to confirm it.
    with at(1, hour=15):
        services.receipt_record(
            actor=unit_user, contract=contract, received_on=(today() - dt.timedelta(days=1)).isoformat(), amount="36000.00",
            payer=payer, voucher_number=f"DEMO-{contract.pk}-{len(receipts) + 1}", idempotency_key=f"{key}-{len(receipts) + 1}",
        )  # fmt: skip
    if log is not None:
        log(f"财务：付款计划、到账 {len(recorded)} 笔已经企业确认（含冲销 1 笔）、1 笔待企业确认、收益分配 1 次（已发放）")
