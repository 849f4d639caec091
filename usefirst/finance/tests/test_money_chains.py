"""The money rows after a receipt are hash-chained as the receipts are (docs/security.md, "Hash
chains"): each achievement's part of a receipt (到账分摊), every line of a distribution — the
inventors' shares among them — (分配明细) and the guidance-fund ledger (引导资金台账). A figure
changed or a row removed by SQL is named by `manage.py integrity_verify`."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from usefirst.core import hash_chain
from usefirst.finance import services
from usefirst.finance.models import DistributionLine, GuidanceFundEntry, ReceiptAllocation

from .test_distributions import distribute, receive

CHAINS = (ReceiptAllocation, DistributionLine, GuidanceFundEntry)


def _paid_twice(contract, owner, unit):
    receive(contract, owner, key="k-1")
    services.distribution_pay(actor=owner, distribution=distribute(contract, owner))
    receive(contract, owner, amount="3333.33", key="k-2", day="2026-06-02")
    services.distribution_pay(actor=owner, distribution=distribute(contract, owner, inventor="70.5", unit_pct="19.5"))
    services.fund_spend(actor=owner, unit=unit, amount="1000.00", memo="奖励转化人员")


def test_allocations_distribution_lines_and_fund_entries_each_form_an_unbroken_chain(contract, owner, unit):
    _paid_twice(contract, owner, unit)
    for model in CHAINS:
        rows = list(model._base_manager.order_by("id"))
        assert len(rows) >= 2, model
        assert rows[0].prev_hash == hash_chain.GENESIS and rows[1].prev_hash == rows[0].row_hash
        assert hash_chain.verify(model) == (len(rows), None)
    call_command("integrity_verify")


def test_an_inventors_share_raised_by_sql_is_named_by_the_check_command(contract, owner, unit):
    _paid_twice(contract, owner, unit)
    line = DistributionLine.objects.filter(recipient=DistributionLine.Recipient.INVENTOR).order_by("id").first()
    assert line is not None
    with connection.cursor() as cursor:
        cursor.execute("UPDATE finance_distributionline SET amount = amount + 0.01 WHERE id = %s", [line.pk])
    with pytest.raises(CommandError, match=rf"分配明细（finance.distributionline）在第 {line.pk} 号记录处被篡改：内容与摘要不符"):
        call_command("integrity_verify", "--chain", "finance.distributionline")


def test_an_allocation_changed_and_a_fund_entry_removed_by_sql_are_each_named(contract, owner, unit):
    _paid_twice(contract, owner, unit)
    allocation = ReceiptAllocation.objects.order_by("id").last()
    assert allocation is not None
    first, second, *_ = GuidanceFundEntry.objects.order_by("id")
    with connection.cursor() as cursor:
        cursor.execute("UPDATE finance_receiptallocation SET amount = 1 WHERE id = %s", [allocation.pk])
        cursor.execute("DELETE FROM finance_guidancefundentry WHERE id = %s", [first.pk])
    assert hash_chain.verify(ReceiptAllocation)[1] == hash_chain.Break(allocation.pk, "内容与摘要不符：该记录被改动")
    broken = hash_chain.verify(GuidanceFundEntry)[1]
    assert broken is not None and broken.row_id == second.pk and broken.reason.startswith("前一条摘要不符")


def test_a_share_is_hashed_as_the_column_keeps_it_rounded_half_up(contract, owner, unit):
    """A weight or amount with more places than its column is rounded half up before the hash is
    taken, so the row read back from either database still verifies."""
    receive(contract, owner)
    distribution = distribute(contract, owner)
    line = DistributionLine(
        distribution=distribution, recipient=DistributionLine.Recipient.UNIT, amount=Decimal("0.125"), weight=Decimal("0.33335")
    )
    line.save()
    stored = DistributionLine.objects.get(pk=line.pk)
    assert stored.amount == Decimal("0.13") and stored.weight == Decimal("0.3334")
    assert hash_chain.verify(DistributionLine)[1] is None
