"""The hooks finance offers the apps above it, and its answers to those of accounts (usefirst/core/hooks.py)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.urls import reverse

from usefirst.accounts import workspace
from usefirst.core.hooks import Hook

from . import selectors
from .models import Receipt

# A receipt of this contract (its id) was recorded, confirmed, disputed or reversed. Sent inside
# the transaction that wrote it; recognition rechecks the contract's achievements after commit.
receipt_changed: Hook[[int], None] = Hook("finance.receipt_changed")
# What insurers and guarantors paid on the licensee's behalf under these contracts, paid on or
# after `since` (when given) and up to `on`, that the policy parameter let count as actually
# received when it was paid, per contract: {contract_id: amount}. Risk answers; recognition adds
# it (by price share for an achievement) to the receipts. Default: nothing counts.
counted_cover_payments: Hook[[list[int], dt.date | None, dt.date], dict[int, Decimal]] = Hook("finance.counted_cover_payments")


@workspace.todo_sources.connect
def receipt_todos(desk: workspace.Desk) -> list[workspace.Todo]:
    """Receipts waiting for this payer's confirmation (or a department's verification), and for a
    unit the contracts with confirmed receipts not yet distributed."""
    todos: list[workspace.Todo] = []
    if desk.unit or desk.departments:
        waiting = selectors.receipts_awaiting_confirmation(desk.user).count()
        url = reverse("finance:receipts_to_confirm")
        todos.append(workspace.Todo("待确认的到账", waiting, url, "核对付款记录后确认或提出异议", rank=50))
    if desk.unit:
        undistributed = (
            Receipt.objects.filter(
                contract__licensor=desk.organisation, confirmed_at__isnull=False, distribution_link__isnull=True
            )
            .values("contract")
            .distinct()
            .count()
        )
        todos.append(
            workspace.Todo(
                "有到账待分配收益的合同", undistributed, reverse("contracts:list"), "已确认到账、尚未核算成果完成人收益", rank=60
            )
        )
    return todos
