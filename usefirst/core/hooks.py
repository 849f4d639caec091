"""Named hooks: how an app lower in the import graph asks an app above it, without importing it.

The apps import each other in one direction only (docs/architecture.md, "Which app may import
which"; `core/tests/test_import_graph.py` fails on a cycle). Where a lower app must still hear
from or ask a higher one, it declares a `Hook` under a name in its `hooks.py`, calls it at the
one place the thing happens, and the higher app connects its function in its own `hooks.py`
(the core app imports every app's `hooks` module when the apps are ready):

    # finance/hooks.py (lower)                 # recognition/hooks.py (higher)
    receipt_changed = Hook[[int], None](        from usefirst.finance import hooks as finance_hooks
        "finance.receipt_changed")              finance_hooks.receipt_changed.connect(recheck)

    # finance/services.py, where a receipt is written
    hooks.receipt_changed.send(receipt.contract_id)

A hook is explicit at both ends (grep its name), unlike a model signal, and runs inside the
caller's transaction: a listener that must wait for the commit uses `transaction.on_commit`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


class Hook[**P, R]:
    """A named point where the declaring app calls the functions connected to it."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._receivers: list[Callable[P, R]] = []

    def __repr__(self) -> str:
        return f"Hook({self.name!r})"

    def connect(self, receiver: Callable[P, R]) -> Callable[P, R]:
        """Connect a function (once, however often the app's hooks module is imported); usable as a decorator."""
        if receiver not in self._receivers:
            self._receivers.append(receiver)
        return receiver

    def send(self, *args: P.args, **kwargs: P.kwargs) -> list[R]:
        """Call every connected function, in the order connected, and return their answers."""
        return [receiver(*args, **kwargs) for receiver in self._receivers]

    def ask(self, *args: P.args, **kwargs: P.kwargs) -> R:
        """Call the one function that answers this hook."""
        if len(self._receivers) != 1:
            raise LookupError(f"{self.name}: expected one answering function, found {len(self._receivers)}")
        return self._receivers[0](*args, **kwargs)


def receivers(hook: Hook[Any, Any]) -> list[Callable[..., Any]]:
    """The functions connected to a hook (for tests and checks)."""
    return list(hook._receivers)
