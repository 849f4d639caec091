"""The hash chain of the audit log (docs/security.md, "Audit log").

Each row stores `prev_hash`, the `row_hash` of the row before it (the first row: GENESIS), and
its own `row_hash`, the SHA-256 of a canonical text of its content and of `prev_hash`. Changing,
removing or inserting a row anywhere but at the end breaks the chain at that row, which
`manage.py audit_verify` reports. The canonical form is versioned ("v1"): rows keep the form they
were written with, so the function below must never change meaning; a new form gets a new
version tag and both are verified.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

GENESIS = "0" * 64
VERSION = "v1"


def normalise_detail(detail: Any) -> Any:
    """The detail as the database gives it back (JSON round trip: tuples become lists …)."""
    return json.loads(json.dumps(detail if detail is not None else {}, ensure_ascii=False, default=str))


def row_hash(
    *,
    prev_hash: str,
    at: dt.datetime,
    actor_id: int | None,
    action: str,
    object_type: str,
    object_id: str,
    detail: Any,
    source_address: str,
    outcome: str,
) -> str:
    content = {
        "v": VERSION,
        "prev": prev_hash,
        "at": at.astimezone(dt.UTC).isoformat(timespec="microseconds"),
        "actor": actor_id,
        "action": action,
        "object_type": object_type,
        "object_id": object_id,
        "detail": detail,
        "source": source_address,
        "outcome": outcome,
    }
    text = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()
