"""Finance's workflows (finance/workflows.py) refuse bad moves with their registered codes and
change nothing: an undeclared move, the wrong role, a stale state. Every move writes one event
row on the contract naming the action, the item and the real statuses."""

from __future__ import annotations

import pytest

from usefirst.core import workflow
from usefirst.core.errors import DomainError
from usefirst.core.testing import make_org, make_user
from usefirst.finance import services
from usefirst.finance.models import Distribution, FinanceEvent, Receipt, ScheduleLine
from usefirst.finance.tests.helpers import payer_of, record_confirmed
from usefirst.finance.workflows import DISTRIBUTION, LINE, RECEIPT, FinanceEventType


def refused(code, call):
    before = FinanceEvent.objects.count()
    with pytest.raises(DomainError) as info:
        call()
    assert info.value.code == code, info.value.detail
    assert FinanceEvent.objects.count() == before
    return info.value


def recorded(contract, owner, voucher="V-1", amount="1000.00"):
    return services.receipt_record(
        actor=owner, contract=contract, received_on="2026-06-01", amount=amount, payer="企业",
        voucher_number=voucher, idempotency_key=f"k-{voucher}",
    )[0]  # fmt: skip


def distributed(contract, owner, key="1"):
    record_confirmed(
        actor=owner, contract=contract, received_on="2026-06-01", amount="10000.00", payer="企业",
        voucher_number=f"D-{key}", idempotency_key=f"d-{key}",
    )  # fmt: skip
    return services.distribution_create(actor=owner, contract=contract, inventor_pct="70", unit_pct="30")


def a_line(contract, owner):
    services.plan_create(
        actor=owner, contract=contract, items=[{"kind": "lump_sum", "terms": {"date": "2026-07-01", "amount": "1000.00"}}]
    )
    return ScheduleLine.objects.get(plan__contract=contract)


# ---------------------------------------------------------------- event rows


def test_every_finance_event_names_its_action_item_and_real_statuses(contract, owner, licensee_user):
    line = a_line(contract, owner)
    receipt = recorded(contract, owner)
    services.receipt_confirm(actor=licensee_user, receipt=receipt)
    distribution = services.distribution_create(actor=owner, contract=contract, inventor_pct="70", unit_pct="30")
    services.distribution_pay(actor=owner, distribution=distribution)
    services.line_waive(actor=owner, line=line, reason="双方协商免除")
    rows = [
        (
            e.event_type,
            e.from_status,
            e.to_status,
            {k: e.payload.get(k) for k in ("line", "receipt", "distribution") if k in e.payload},
        )
        for e in FinanceEvent.objects.filter(subject=contract).order_by("pk")
    ]
    assert rows == [
        ("plan_create", "", "open", {"line": line.pk}),
        ("receipt_record", "", "pending", {"receipt": receipt.pk}),
        ("receipt_confirm", "pending", "confirmed", {"receipt": receipt.pk}),
        ("distribution_create", "", "computed", {"distribution": distribution.pk}),
        ("distribution_pay", "computed", "paid", {"distribution": distribution.pk}),
        ("line_waive", "open", "waived", {"line": line.pk}),
    ]
    labels = [workflow.event_label(DISTRIBUTION, e) for e in FinanceEvent.objects.filter(subject=contract).order_by("pk")]
    assert labels == ["登记付款计划", "登记到账", "确认到账", "核算收益分配", "确认发放", "豁免付款"]


def test_every_event_type_has_a_chinese_label():
    assert all(any("\u4e00" <= c <= "\u9fff" for c in str(label)) for label in FinanceEventType.labels)
    for wf in (DISTRIBUTION, RECEIPT, LINE):
        assert all(any("\u4e00" <= c <= "\u9fff" for c in str(label)) for label in wf.states.labels)


# ---------------------------------------------------------------- undeclared moves


def test_it_refuses_paying_a_cancelled_distribution_and_cancelling_a_paid_one(contract, owner):
    first = distributed(contract, owner)
    services.distribution_cancel(actor=owner, distribution=first, reason="比例有误")
    error = refused("illegal_transition", lambda: services.distribution_pay(actor=owner, distribution=first))
    assert error.detail == "已撤销的分配不能再发放"
    second = services.distribution_create(actor=owner, contract=contract, inventor_pct="70", unit_pct="30")
    services.distribution_pay(actor=owner, distribution=second)
    error = refused(
        "illegal_transition", lambda: services.distribution_cancel(actor=owner, distribution=second, reason="重新核算")
    )
    assert "已发放的分配不能撤销" in error.detail
    assert Distribution.objects.get(pk=second.pk).status == "paid"


def test_it_refuses_cancelling_a_distribution_that_is_not_the_latest(contract, owner):
    first = distributed(contract, owner, "1")
    services.distribution_pay(actor=owner, distribution=first)
    distributed(contract, owner, "2")
    # Only computed ones can be cancelled; the guard speaks when an earlier computed one exists.
    Distribution.objects.filter(pk=first.pk).update(status="computed")
    first.refresh_from_db()
    error = refused(
        "illegal_transition", lambda: services.distribution_cancel(actor=owner, distribution=first, reason="重新核算")
    )
    assert error.detail == "只能撤销最近一批分配"
    assert not workflow.possible(DISTRIBUTION, first, "distribution_cancel")
    assert Distribution.objects.get(pk=first.pk).status == "computed"


def test_it_refuses_a_second_waiver_and_an_answered_receipt(contract, owner, licensee_user):
    line = a_line(contract, owner)
    services.line_waive(actor=owner, line=line, reason="双方协商免除")
    refused("already_waived", lambda: services.line_waive(actor=owner, line=line, reason="再次豁免"))
    receipt = recorded(contract, owner)
    services.receipt_dispute(actor=licensee_user, receipt=receipt, reason="我方未支付该笔款项")
    refused("receipt_already_answered", lambda: services.receipt_dispute(actor=licensee_user, receipt=receipt, reason="再次异议"))
    refused("receipt_disputed", lambda: services.receipt_confirm(actor=licensee_user, receipt=receipt))
    assert Receipt.objects.get(pk=receipt.pk).status == "disputed"


# ---------------------------------------------------------------- wrong role


def test_it_refuses_the_wrong_role_and_changes_nothing(contract, owner, licensee_user):
    line = a_line(contract, owner)
    receipt = recorded(contract, owner)
    distribution = distributed(contract, owner)
    stranger = make_user(make_org("enterprise"))
    refused("forbidden", lambda: services.distribution_pay(actor=licensee_user, distribution=distribution))
    refused("forbidden", lambda: services.distribution_cancel(actor=stranger, distribution=distribution, reason="无权撤销"))
    refused("forbidden", lambda: services.line_waive(actor=licensee_user, line=line, reason="自行豁免"))
    refused("receipt_not_payer", lambda: services.receipt_dispute(actor=owner, receipt=receipt, reason="单位不能提出异议"))
    refused("receipt_not_payer", lambda: services.receipt_confirm(actor=stranger, receipt=receipt))
    assert Distribution.objects.get(pk=distribution.pk).status == "computed"
    assert ScheduleLine.objects.get(pk=line.pk).status == "open"
    assert Receipt.objects.get(pk=receipt.pk).status == "pending"
    # The buttons: only the unit may pay or cancel, only the payer may answer.
    assert [t.name for t in workflow.allowed(DISTRIBUTION, distribution, owner)] == ["distribution_pay", "distribution_cancel"]
    assert workflow.allowed(DISTRIBUTION, distribution, licensee_user) == []
    assert [t.name for t in workflow.allowed(RECEIPT, receipt, licensee_user)] == ["receipt_confirm", "receipt_dispute"]
    assert workflow.allowed(RECEIPT, receipt, owner) == []


# ---------------------------------------------------------------- stale state


def test_of_two_confirmations_of_one_receipt_one_wins_and_the_other_is_told_it_is_stale(contract, owner, licensee_user):
    receipt = recorded(contract, owner)
    first, second = Receipt.objects.get(pk=receipt.pk), Receipt.objects.get(pk=receipt.pk)
    colleague = payer_of(contract)
    services.receipt_confirm(actor=licensee_user, receipt=first)
    error = refused("stale_state", lambda: services.receipt_confirm(actor=colleague, receipt=second))
    assert "已确认" in error.detail
    stored = Receipt.objects.get(pk=receipt.pk)
    assert (stored.status, stored.confirmed_by_id) == ("confirmed", licensee_user.pk)
    assert stored.allocations.count() == 1
    assert FinanceEvent.objects.filter(event_type="receipt_confirm").count() == 1


def test_a_dispute_after_a_confirmation_meanwhile_is_stale(contract, owner, licensee_user):
    receipt = recorded(contract, owner)
    seen = Receipt.objects.get(pk=receipt.pk)
    services.receipt_confirm(actor=licensee_user, receipt=receipt)
    refused("stale_state", lambda: services.receipt_dispute(actor=licensee_user, receipt=seen, reason="我方未支付该笔款项"))
    assert Receipt.objects.get(pk=receipt.pk).disputed_at is None
