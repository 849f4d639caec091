"""The canonical form of an audit row (docs/security.md, "Audit log"); the chain itself is
usefirst/core/hash_chain.py, shared with the other chained tables.

Each row stores `prev_hash`, the `row_hash` of the row before it (the first row: GENESIS), and
its own `row_hash`, the SHA-256 of a canonical text of its content and of `prev_hash`. Changing,
removing or inserting a row anywhere but at the end breaks the chain at that row, which
`manage.py audit_verify` reports. The canonical form is versioned ("v1"): rows keep the form they
were written with, so the function below must never change meaning; a new form gets a new
version tag and both are verified.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from .hash_chain import GENESIS, VERSION, link_hash

__all__ = ["GENESIS", "VERSION", "normalise_detail", "row_content", "row_hash"]


def normalise_detail(detail: Any) -> Any:
    """The detail as the database gives it back (JSON round trip: tuples become lists …)."""
    return json.loads(json.dumps(detail if detail is not None else {}, ensure_ascii=False, default=str))


def row_content(
    *,
    at: dt.datetime,
    actor_id: int | None,
    action: str,
    object_type: str,
    object_id: str,
    detail: Any,
    source_address: str,
    outcome: str,
) -> dict[str, Any]:
    return {
        "at": at.astimezone(dt.UTC).isoformat(timespec="microseconds"),
        "actor": actor_id,
        "action": action,
        "object_type": object_type,
        "object_id": object_id,
        "detail": detail,
        "source": source_address,
        "outcome": outcome,
    }


def row_hash(*, prev_hash: str, **content: Any) -> str:
    """The v1 hash of an audit row (the migration that chained the rows already there uses it)."""
    return link_hash(prev_hash=prev_hash, content=row_content(**content), version=VERSION)
