"""The hooks finance offers the apps above it (usefirst/core/hooks.py)."""

from __future__ import annotations

from usefirst.core.hooks import Hook

# A receipt of this contract (its id) was recorded, confirmed, disputed or reversed. Sent inside
# the transaction that wrote it; recognition rechecks the contract's achievements after commit.
receipt_changed: Hook[[int], None] = Hook("finance.receipt_changed")
