"""The audit log: one way to write it (`audit`), one way to check it (`verify_chain`).

Every row records who (`actor`), what (`action`, the object, `detail`), when, from where (the
client address of the request being served, usefirst/core/client.py) and with what outcome
(success, or refused: a denied unmasking, a failed sign-in). Rows are append-only and
hash-chained (usefirst/core/audit_chain.py); committed rows are shipped off the host
(usefirst/core/audit_shipping.py). docs/security.md describes the whole control.

A refusal is audited outside the transaction the refusal rolls back (or before raising, where
nothing was begun), or the row would roll back with it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from django.db import models

from .actors import Visitor
from .client import current_address
from .hash_chain import Break, first_break
from .models import AuditEntry, AuditOutcome


def audit(
    *,
    actor: Visitor | None,
    action: str,
    obj: models.Model | None = None,
    outcome: AuditOutcome = AuditOutcome.SUCCESS,
    source_address: str | None = None,
    **detail: Any,
) -> AuditEntry:
    """Append one row. `source_address` defaults to the client of the request being served."""
    user = actor if actor is not None and actor.is_authenticated else None
    return AuditEntry.objects.create(
        actor=user,
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        detail=detail,
        source_address=current_address() if source_address is None else source_address,
        outcome=outcome,
    )


__all__ = ["Break", "audit", "verify_against_copy", "verify_chain"]


def _rows() -> Iterator[AuditEntry]:
    return AuditEntry.objects.order_by("id").iterator(chunk_size=2000)


def verify_chain(rows: Iterable[AuditEntry] | None = None) -> tuple[int, Break | None]:
    """(rows checked, the first break or None). A row breaks the chain when its content no longer
    gives its hash (it was edited) or its `prev_hash` is not the hash of the row before it (a row
    before it was removed, or it was inserted)."""
    return first_break(_rows() if rows is None else rows)


def verify_against_copy(path: Path) -> Break | None:
    """Compare the database with a shipped copy (JSON lines, as JsonLinesShipper writes them): a
    row the copy holds but the database lacks or holds differently is the first break; so is a
    row of the database that was never shipped (reported last, since shipping may lag)."""
    shipped: dict[int, str] = {}
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            if line.strip():
                record = json.loads(line)
                shipped[int(record["id"])] = str(record["row_hash"])
    stored = dict(AuditEntry.objects.values_list("id", "row_hash"))
    for row_id in sorted(shipped):
        if row_id not in stored:
            return Break(row_id, "该记录在异地副本中存在，数据库中已缺失")
        if stored[row_id] != shipped[row_id]:
            return Break(row_id, "数据库中的摘要与异地副本不符")
    for row_id in sorted(stored):
        if row_id not in shipped:
            return Break(row_id, "该记录尚未出现在异地副本中")
    return None
