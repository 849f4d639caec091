"""Receipts carry evidence and count only once confirmed (docs/domain.md,
"Actually received"): a bank slip from the threshold, a voucher number once per paying
organisation, the payer's confirmation or dispute, the department's verification after the
payer's answer period, and a flag when receipts exceed a fixed plan."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse

from usefirst.core.errors import DomainError
from usefirst.core.testing import make_org, make_user
from usefirst.finance import selectors, services
from usefirst.finance.models import Receipt
from usefirst.notifications.models import Notification

from .helpers import licence_for, slip

pytestmark = pytest.mark.django_db


def record(contract, owner, amount="1000.00", voucher="V-1", key=None, **extra):
    return services.receipt_record(
        actor=owner, contract=contract, received_on="2026-06-01", amount=amount, payer="企业", voucher_number=voucher,
        idempotency_key=key or f"k-{voucher}-{amount}", **extra,
    )[0]  # fmt: skip


def refused(code, call):
    with pytest.raises(DomainError) as info:
        call()
    assert info.value.code == code, info.value.detail
    return info.value


def test_a_recorded_receipt_counts_only_once_the_payer_confirms_it(contract, owner, licensee_user):
    receipt = record(contract, owner)
    assert receipt.state_label == "待付款方确认"
    assert selectors.received_for_contract(contract) == 0
    assert Notification.objects.filter(recipient=licensee_user, kind="finance.receipt_to_confirm").exists()
    assert list(selectors.receipts_awaiting_confirmation(licensee_user)) == [receipt]
    services.receipt_confirm(actor=licensee_user, receipt=receipt)
    receipt.refresh_from_db()
    assert receipt.confirmed_as == "payer" and selectors.received_for_contract(contract) == Decimal("1000.00")
    refused("already_confirmed", lambda: services.receipt_confirm(actor=licensee_user, receipt=receipt))


def test_the_unit_cannot_confirm_what_it_recorded_itself(contract, owner, licensee_user):
    receipt = record(contract, owner)
    refused("receipt_not_payer", lambda: services.receipt_confirm(actor=owner, receipt=receipt))
    assert selectors.received_for_contract(contract) == 0


def test_another_organisation_cannot_confirm_and_the_page_says_why_in_chinese(contract, owner, licensee_user):
    receipt = record(contract, owner)
    stranger = make_user(make_org("enterprise"))
    refused("receipt_not_payer", lambda: services.receipt_confirm(actor=stranger, receipt=receipt))
    client = Client()
    client.force_login(owner)  # a party, but not the payer
    response = client.post(reverse("finance:receipt_confirm", args=[receipt.pk]), {"checked": "1"})
    assert response.status_code == 403 and "付款方" in response.content.decode()
    assert Receipt.objects.get(pk=receipt.pk).confirmed_at is None


def test_a_voucher_number_is_used_once_per_paying_organisation(contract, owner, unit, enterprise):
    record(contract, owner, voucher="PZ-001")
    error = refused("voucher_number_used", lambda: record(contract, owner, amount="2000.00", voucher="PZ-001"))
    assert "PZ-001" in error.detail and contract.number in error.detail
    assert "voucher_number" in error.field_errors
    assert Receipt.objects.filter(voucher_number="PZ-001").count() == 1
    # Another contract of the same payer: still refused; another payer may use the number.
    same_payer = licence_for(unit, enterprise, owner)
    refused("voucher_number_used", lambda: record(same_payer, owner, amount="3000.00", voucher="PZ-001"))
    other_payer = licence_for(unit, make_org("enterprise", name="另一企业"), owner)
    assert record(other_payer, owner, amount="3000.00", voucher="PZ-001").pk


def test_a_bank_slip_is_required_from_the_threshold(contract, owner):
    refused("receipt_slip_required", lambda: record(contract, owner, amount="50000.00", voucher="V-50k"))
    assert record(contract, owner, amount="49999.99", voucher="V-below").slip.name == ""
    with_slip = record(contract, owner, amount="50000.00", voucher="V-50k", slip=slip())
    assert with_slip.slip.name.endswith(".pdf")
    not_a_slip = ContentFile(b"MZ\x90\x00 an executable", name="slip.pdf")
    refused("receipt_slip_invalid", lambda: record(contract, owner, amount="60000.00", voucher="V-exe", slip=not_a_slip))


def test_the_payer_may_dispute_and_a_disputed_receipt_never_counts(contract, owner, licensee_user, provincial_reviewer):
    receipt = record(contract, owner, voucher="PZ-9")
    refused("reason_invalid", lambda: services.receipt_dispute(actor=licensee_user, receipt=receipt, reason="x"))
    services.receipt_dispute(actor=licensee_user, receipt=receipt, reason="我方未支付该笔款项，\n请核对")
    receipt.refresh_from_db()
    assert receipt.state_label == "付款方有异议" and selectors.received_for_contract(contract) == 0
    refused("receipt_disputed", lambda: services.receipt_confirm(actor=licensee_user, receipt=receipt))
    assert Notification.objects.filter(recipient=owner, kind="finance.receipt_disputed").exists()
    # The corrected receipt may use the disputed one's voucher number.
    assert record(contract, owner, amount="900.00", voucher="PZ-9").pk != receipt.pk


def test_the_department_verifies_only_after_the_payers_answer_period(contract, owner, licensee_user, provincial_reviewer):
    receipt = record(contract, owner)  # recorded on 2026-06-15; the payer answers until 2026-06-30 (15 days)
    assert services.payer_answer_due(receipt) == dt.date(2026, 6, 30)
    with time_machine.travel(dt.datetime(2026, 6, 30, 4, tzinfo=dt.UTC), tick=False):
        refused("receipt_not_payer", lambda: services.receipt_confirm(actor=provincial_reviewer, receipt=receipt))
    with time_machine.travel(dt.datetime(2026, 7, 1, 4, tzinfo=dt.UTC), tick=False):
        assert receipt in selectors.receipts_awaiting_confirmation(provincial_reviewer)
        services.receipt_confirm(actor=provincial_reviewer, receipt=receipt)
    receipt.refresh_from_db()
    assert receipt.confirmed_as == "department" and selectors.received_for_contract(contract) == Decimal("1000.00")


def test_receipts_beyond_a_fixed_plan_are_flagged_not_refused(contract, owner, licensee_user):
    services.plan_create(
        actor=owner, contract=contract, items=[{"kind": "lump_sum", "terms": {"date": "2026-07-01", "amount": "1000.00"}}]
    )
    record(contract, owner, amount="1000.00", voucher="V-a")
    assert selectors.beyond_plan(contract) is None
    record(contract, owner, amount="1000.00", voucher="V-b")
    assert selectors.beyond_plan(contract) == Decimal("1000.00")
    assert Notification.objects.filter(recipient=owner, kind="finance.receipts_beyond_plan").exists()
    client = Client()
    client.force_login(owner)
    assert "已超出付款计划总额 1,000.00 元" in client.get(reverse("finance:contract", args=[contract.pk])).content.decode()


def test_the_payer_confirms_from_its_list_after_ticking_that_it_checked(contract, owner, licensee_user):
    receipt = record(contract, owner)
    client = Client()
    client.force_login(licensee_user)
    page = client.get(reverse("finance:receipts_to_confirm")).content.decode()
    assert contract.number in page and "确认到账" in page and "提出异议" in page
    client.post(reverse("finance:receipt_confirm", args=[receipt.pk]))
    assert Receipt.objects.get(pk=receipt.pk).confirmed_at is None  # not ticked: nothing confirmed
    client.post(reverse("finance:receipt_confirm", args=[receipt.pk]), {"checked": "1"})
    assert Receipt.objects.get(pk=receipt.pk).confirmed_as == "payer"
    assert "暂无待确认的到账" in client.get(reverse("finance:receipts_to_confirm")).content.decode()


def test_a_receipt_awaiting_the_payer_shows_as_a_pending_badge_saying_who_is_awaited(contract, owner):
    record(contract, owner, amount="1000.00", voucher="V-badge")
    client = Client()
    client.force_login(owner)
    page = client.get(reverse("finance:contract", args=[contract.pk])).content.decode()
    assert '<span class="status-badge status-pending" title="待办理">待付款方确认</span>' in page
