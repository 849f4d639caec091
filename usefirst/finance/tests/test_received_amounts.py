"""The amount actually received of an achievement (实际到账), as the selector sums it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from usefirst.finance import selectors

from .test_receipts import record


def test_the_amount_received_of_an_achievement_is_exact_to_the_fen_however_large(contract, owner):
    # Summed as binary floats (how SQLite holds a decimal column), 25 such receipts come out a fen short.
    for n in range(25):
        record(contract, owner, amount="999999999999.99", key=f"k-{n}")
    achievement_id = contract.achievements.get().achievement_id
    assert selectors.received_for_achievement(achievement_id) == Decimal("24999999999999.75")
    assert selectors.received_for_achievement(achievement_id, contract_ids=[contract.pk]) == Decimal("24999999999999.75")


def test_the_amount_received_since_a_day_counts_that_day_and_after_it(contract, owner):
    record(contract, owner, amount="100.10", key="k-1", day="2026-05-31")
    record(contract, owner, amount="200.20", key="k-2", day="2026-06-01")
    record(contract, owner, amount="300.30", key="k-3", day="2026-06-02")
    achievement_id = contract.achievements.get().achievement_id
    assert selectors.received_for_achievement(achievement_id) == Decimal("600.60")
    assert selectors.received_for_achievement(achievement_id, since=dt.date(2026, 6, 1)) == Decimal("500.50")
    assert selectors.received_for_achievement(achievement_id, since=dt.date(2026, 6, 3)) == Decimal("0.00")
    assert selectors.received_for_achievement(achievement_id, since=dt.date(2026, 6, 1), contract_ids=[]) == Decimal("0.00")
