"""The platform signs the head of every hash chain each day (docs/security.md, "Hash chains").

The chains are the tables of usefirst/core/hash_chain.py (the audit log, the issued-document
register, the finance receipts); the signature is the platform's, with a key its CA issues for
that one signature (`signing.sign_as_platform`, as the 安心屋 signs its dossiers' heads). A forger
who rewrote a chain's tail to hide a change would have to forge these signatures too.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from usefirst.core import hash_chain
from usefirst.core.models import ChainHeadSignature

from . import signing


def _unsigned_heads() -> list[tuple[str, int, str]]:
    """(chain, row id, row hash) of every chain whose last row has no signature yet."""
    found = []
    for model in hash_chain.chained_models():
        head = model._base_manager.order_by("-id").values_list("pk", "row_hash").first()
        if head is None:
            continue
        name = model.chain_name()
        if not ChainHeadSignature.objects.filter(chain=name, row_id__gte=head[0]).exists():
            found.append((name, int(head[0]), str(head[1])))
    return found


def heads_due(day: dt.date) -> dict[str, list[str]]:
    return {"unsigned": [chain for chain, _, _ in _unsigned_heads()]}


def heads_sign(day: dt.date | None = None) -> dict[str, int]:
    """Sign the head of every chain with rows not yet covered by a signature."""
    counts = {"signed": 0, "no_ca": 0}
    for chain, row_id, row_hash in _unsigned_heads():
        try:
            head_sign(chain, row_id, row_hash)
            counts["signed"] += 1
        except signing.CaNotInitialised:
            counts["no_ca"] += 1
    return counts


def head_sign(chain: str, row_id: int, row_hash: str) -> ChainHeadSignature:
    signed = signing.sign_as_platform(hash_chain.head_message(chain, row_id, row_hash), purpose="摘要链链头签名")
    with transaction.atomic():
        existing = ChainHeadSignature.objects.filter(chain=chain, row_id=row_id).first()
        if existing is not None:
            return existing
        created: ChainHeadSignature = ChainHeadSignature.objects.create(
            chain=chain,
            row_id=row_id,
            row_hash=row_hash,
            signature=signed.signature,
            certificate_pem=signed.certificate_pem,
            root_pem=signed.root_pem,
        )
        return created
