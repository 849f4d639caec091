"""The record is computed from platform facts: payments judged against confirmed receipts, disputes,
claims paid on the licensee's behalf (the hook risk will answer)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from usefirst.core.hooks import receivers
from usefirst.performance import hooks, selectors
from usefirst.performance.choices import Grade, Outcome

pytestmark = pytest.mark.django_db


def _by_label(record):
    return {e.label: e for e in record.entries if e.kind == "payment"}


def test_each_installment_due_is_on_time_late_or_missed_and_one_not_due_is_not_an_entry(deal):
    record = selectors.record(deal["enterprise"])
    rows = _by_label(record)
    assert set(rows) == {"第1期", "第2期", "第3期"}
    assert rows["第1期"].outcome == Outcome.ON_TIME and rows["第1期"].settled_on == dt.date(2026, 3, 31)
    assert (rows["第2期"].outcome, rows["第2期"].days_late) == (Outcome.LATE, 9)
    assert (rows["第3期"].outcome, rows["第3期"].days_late) == (Outcome.MISSED, 14)
    s = record.summary
    assert (s.on_time, s.late, s.missed, s.missed_amount) == (1, 1, 1, Decimal("100000.00"))
    assert s.grade == Grade.POOR


def test_a_payment_on_its_due_date_is_on_time_and_a_day_later_is_late(deal):
    from usefirst.finance.tests.helpers import record_confirmed

    record_confirmed(
        actor=deal["owner"],
        contract=deal["contract"],
        received_on="2026-06-01",
        amount="100000.00",
        payer=deal["enterprise"].name,
        voucher_number="V-3",
        idempotency_key="perf-3",
    )
    rows = _by_label(selectors.record(deal["enterprise"]))
    assert rows["第3期"].outcome == Outcome.ON_TIME
    assert selectors.record(deal["enterprise"]).summary.grade == Grade.GOOD


def test_an_installment_is_missed_from_the_day_after_its_due_date(deal):
    rows = _by_label(selectors.record(deal["enterprise"], on=dt.date(2026, 6, 1)))
    assert "第3期" not in rows
    rows = _by_label(selectors.record(deal["enterprise"], on=dt.date(2026, 6, 2)))
    assert (rows["第3期"].outcome, rows["第3期"].days_late) == (Outcome.MISSED, 1)


def test_a_disputed_receipt_is_a_dispute_entry_with_its_outcome(deal):
    from usefirst.finance import services

    receipt, _ = services.receipt_record(
        actor=deal["owner"],
        contract=deal["contract"],
        received_on="2026-06-10",
        amount="50000.00",
        payer=deal["enterprise"].name,
        voucher_number="V-9",
        idempotency_key="perf-9",
        slip=__import__("usefirst.finance.tests.helpers", fromlist=["slip"]).slip(),
    )
    services.receipt_dispute(actor=deal["licensee"], receipt=receipt, reason="该笔款项并非本合同的许可费")
    record = selectors.record(deal["enterprise"])
    [dispute] = [e for e in record.entries if e.kind == "dispute"]
    assert dispute.outcome == Outcome.RECEIPT_DISPUTED and dispute.detail == "该笔款项并非本合同的许可费"
    assert record.summary.disputes == 1


def test_claims_paid_on_its_behalf_come_from_the_hook_risk_answers(deal):
    def paid(enterprise_id):
        if enterprise_id != deal["enterprise"].pk:
            return []
        return [
            hooks.PaidClaim(
                key="c1",
                contract_id=deal["contract"].pk,
                contract_number=deal["contract"].number,
                paid_on=dt.date(2026, 6, 12),
                amount=Decimal("80000.00"),
                payer_name="测试财产保险广东分公司",
                recourse="已向被许可方追偿",
            )
        ]

    hooks.claims_paid.connect(paid)
    try:
        record = selectors.record(deal["enterprise"])
    finally:
        hooks.claims_paid._receivers.remove(paid)
    [claim] = [e for e in record.entries if e.kind == "claim"]
    assert claim.key == "claim:c1" and claim.outcome == Outcome.CLAIM_PAID
    assert (record.summary.claims, record.summary.claims_amount) == (1, Decimal("80000.00"))
    assert paid not in receivers(hooks.claims_paid)


def test_an_enterprise_with_no_facts_has_no_record_yet(enterprise):
    record = selectors.record(enterprise)
    assert record.entries == [] and record.summary.grade == Grade.NONE
