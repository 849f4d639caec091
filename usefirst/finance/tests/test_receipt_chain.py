"""Receipts are hash-chained (docs/security.md, "Hash chains"): an amount changed by SQL is found
by the check command, which names the receipt; confirming a receipt later keeps its chain whole."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from usefirst.core import hash_chain
from usefirst.finance import services
from usefirst.finance.models import Receipt

from .helpers import payer_of, record_confirmed


def _record(contract, owner, key, amount="1000.00"):
    return record_confirmed(
        actor=owner, contract=contract, received_on="2026-06-01", amount=amount, payer="韶关测试科技有限公司",
        voucher_number=f"V-{key}", idempotency_key=key,
    )[0]  # fmt: skip


def test_receipts_confirmed_and_reversed_form_one_unbroken_chain(contract, owner):
    first = _record(contract, owner, "k-1")
    second = _record(contract, owner, "k-2", amount="250.50")
    services.receipt_reverse(actor=owner, original=first, reason="重复登记", idempotency_key="k-3", amount="100.00")
    rows = list(Receipt.objects.order_by("id"))
    assert rows[0].prev_hash == hash_chain.GENESIS and rows[1].prev_hash == first.row_hash
    assert second.is_confirmed  # the confirmation (a later field) is outside the chain
    assert hash_chain.verify(Receipt) == (len(rows), None)


def test_an_amount_changed_by_sql_is_named_by_the_check_command(contract, owner):
    _record(contract, owner, "k-1")
    forged = _record(contract, owner, "k-2")
    _record(contract, owner, "k-3")
    with connection.cursor() as cursor:
        cursor.execute("UPDATE finance_receipt SET amount = %s WHERE id = %s", ["100000.00", forged.pk])
    with pytest.raises(CommandError, match=rf"到账记录（finance.receipt）在第 {forged.pk} 号记录处被篡改：内容与摘要不符"):
        call_command("integrity_verify", "--chain", "finance.receipt")


def test_a_pending_receipt_confirmed_later_still_verifies(contract, owner):
    receipt, _ = services.receipt_record(
        actor=owner, contract=contract, received_on="2026-06-01", amount="80.00", payer="企业", voucher_number="V9",
        idempotency_key="k-9",
    )  # fmt: skip
    services.receipt_confirm(actor=payer_of(contract), receipt=receipt)
    assert hash_chain.verify(Receipt)[1] is None
    call_command("integrity_verify", "--chain", "finance.receipt")


def test_chaining_rows_already_there_gives_the_links_they_were_written_with(contract, owner):
    """The migrations that made receipts and the register chained link the existing rows with
    `hash_chain.chain_existing_rows`; on rows written through the model it changes nothing."""
    for key in ("k-1", "k-2", "k-3"):
        _record(contract, owner, key)
    written = list(Receipt.objects.order_by("id").values_list("prev_hash", "row_hash"))
    with connection.cursor() as cursor:
        cursor.execute("UPDATE finance_receipt SET prev_hash = 'x' || id, row_hash = ''")

    class Historical:  # what a migration hands over: a model whose manager may update
        objects = Receipt._base_manager

    hash_chain.chain_existing_rows(Historical, Receipt, "default")
    assert list(Receipt.objects.order_by("id").values_list("prev_hash", "row_hash")) == written
