"""Concurrent receipts with real threads and real transactions: on PostgreSQL against the test
database, on SQLite against a file copy of it (the in-memory test database cannot show how
separate connections wait for each other's write lock)."""

import sqlite3
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection, connections

from usefirst.core.errors import DomainError
from usefirst.finance import selectors
from usefirst.finance.models import Receipt
from usefirst.finance.tests.helpers import payer_of, record_confirmed

# Transactional tests end by emptying the database; serialized rollback puts the seeded rows
# (technical fields, standard texts…) back for the transactional tests of other apps that follow.
pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture(autouse=True)
def _tech_fields(transactional_db):
    """Earlier transactional tests may have emptied the seeded fields this test's builders use."""
    from usefirst.catalog.models import TechField

    top, _ = TechField.objects.get_or_create(code="01", defaults={"name": "电子信息"})
    TechField.objects.get_or_create(code="0101", defaults={"name": "软件", "parent": top})


def use_file_copy(tmp_path) -> Callable[[], None]:
    if connection.vendor != "sqlite":
        return lambda: None
    path = tmp_path / "concurrency.sqlite3"
    connection.ensure_connection()
    target = sqlite3.connect(path)
    connection.connection.backup(target)
    target.close()
    settings_dict = connections.settings["default"]
    old = settings_dict["NAME"]
    settings_dict["NAME"] = str(path)

    def restore() -> None:
        settings_dict["NAME"] = old

    return restore


def in_threads(fn: Callable[[int], Any], n: int) -> list[Any]:
    def run(i: int) -> Any:
        try:
            return fn(i)
        except DomainError as exc:
            return exc
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=min(n, 20)) as pool:
        return list(pool.map(run, range(n)))


def test_the_same_receipt_posted_100_times_concurrently_is_one_row(tmp_path, contract, owner):
    payer_of(contract)  # the confirming member exists before the threads start
    restore = use_file_copy(tmp_path)
    try:
        results = in_threads(
            lambda i: record_confirmed(
                actor=owner,
                contract=contract,
                received_on="2026-06-01",
                amount="1234.56",
                payer="企业",
                voucher_number="V1",
                idempotency_key="same",
            ),
            100,
        )
        assert not [r for r in results if isinstance(r, Exception)]
        assert len({r[0].pk for r in results}) == 1
        assert sum(1 for r in results if r[1]) == 1
        counted = in_threads(lambda i: (Receipt.objects.count(), selectors.received_for_contract(contract.pk)), 1)[0]
        assert counted == (1, Decimal("1234.56"))
    finally:
        restore()


def test_receipts_posted_at_the_same_moment_give_exact_totals(tmp_path, two_achievement_contract, owner):
    contract = two_achievement_contract
    links = list(contract.achievements.order_by("position"))
    payer_of(contract)
    restore = use_file_copy(tmp_path)
    try:
        results = in_threads(
            lambda i: record_confirmed(
                actor=owner,
                contract=contract,
                received_on="2026-06-01",
                amount="100.01",
                payer="企业",
                voucher_number=f"V{i}",
                idempotency_key=f"k{i}",
            ),
            40,
        )
        assert not [r for r in results if isinstance(r, Exception)]

        def totals(_: int) -> tuple[Decimal, Decimal]:
            per = sum((selectors.received_for_achievement(link.achievement_id) for link in links), Decimal(0))
            return selectors.received_for_contract(contract.pk), per

        assert in_threads(totals, 1)[0] == (Decimal("4000.40"), Decimal("4000.40"))
    finally:
        restore()


def test_of_two_payers_confirming_one_receipt_at_once_one_wins_the_other_gets_stale_state(
    tmp_path, contract, owner, licensee_user
):
    import threading

    from usefirst.accounts.models import Membership
    from usefirst.core.testing import make_user
    from usefirst.finance import services
    from usefirst.finance.models import FinanceEvent
    from usefirst.finance.tests.helpers import slip

    receipt, _ = services.receipt_record(
        actor=owner, contract=contract, received_on="2026-06-01", amount="1000.00", payer="企业",
        voucher_number="V-twice", idempotency_key="twice", slip=slip(),
    )  # fmt: skip
    payers = [licensee_user, make_user(contract.licensee, role=Membership.Role.ADMIN)]
    both_have_read = threading.Barrier(2, timeout=30)
    restore = use_file_copy(tmp_path)
    try:

        def confirm(i: int) -> Any:
            seen = Receipt.objects.select_related("contract").get(pk=receipt.pk)
            both_have_read.wait()
            return services.receipt_confirm(actor=payers[i], receipt=seen)

        results = in_threads(confirm, 2)
        assert sorted(type(r).__name__ for r in results) == ["Conflict", "Receipt"]
        assert [r.code for r in results if isinstance(r, DomainError)] == ["stale_state"]

        def stored(_: int) -> tuple[str, int, int]:
            row = Receipt.objects.get(pk=receipt.pk)
            return row.status, row.allocations.count(), FinanceEvent.objects.filter(event_type="receipt_confirm").count()

        assert in_threads(stored, 1)[0] == ("confirmed", 1, 1)
    finally:
        restore()
