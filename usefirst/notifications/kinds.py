"""What a notification is about, named one way everywhere: `<area>.<event>` — the area (the app,
or a part of it such as `catalog.demand`) and the event in snake_case, dots between the two
(`finance.receipt_confirmed`, `recognition.eligible`, `contracts.free_use_reminder`)."""

from __future__ import annotations

import re

KIND_PATTERN = re.compile(r"[a-z][a-z_]*(\.[a-z][a-z_]*)+")


def check_kind(kind: str) -> str:
    """The kind itself, or ValueError when it is not in the `<area>.<event>` style."""
    if not KIND_PATTERN.fullmatch(kind):
        raise ValueError(f"notification kind {kind!r} is not of the form <area>.<event>")
    return kind
