"""Recognition's answers to the hooks of the apps below it (usefirst/core/hooks.py)."""

from __future__ import annotations

from functools import partial

from django.db import transaction

from usefirst.contracts.selectors import achievement_ids_of_contract
from usefirst.finance import hooks as finance_hooks

from . import tasks


@finance_hooks.receipt_changed.connect
def recheck_after_receipt(contract_id: int) -> None:
    """After a receipt (or its reversal, confirmation or dispute) is committed, recheck the
    achievements of its contract: a recognised project below the threshold, a newly eligible one."""
    ids = achievement_ids_of_contract(contract_id)
    if not ids:
        return
    transaction.on_commit(partial(tasks.check_recognised_receipts.enqueue, achievement_ids=ids))
    transaction.on_commit(partial(tasks.notify_if_eligible.enqueue, achievement_ids=ids))
