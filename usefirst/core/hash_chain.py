"""Hash chains of append-only rows, and the platform's signatures of their heads (docs/security.md,
"Hash chains").

One approach for every chained table (the audit log, the contracts' issued-document register, the
finance receipts): each row stores `prev_hash`, the `row_hash` of the row before it in id order (the
first row: GENESIS), and its own `row_hash`, the SHA-256 of a canonical text of its content, of
`prev_hash` and of the version of the canonical form. Changing, removing or inserting a row anywhere
but at the end breaks the chain at that row; replacing a row's hash as well breaks the link of the
row after it; rewriting the whole tail breaks the platform's signature of a head the daily job
signed (`ChainHeadSignature`, signed by the contracts CA: usefirst/contracts/chain_heads.py).
`manage.py integrity_verify` checks every chain and names the first forged row.

A canonical form is versioned: rows keep the form they were written with, so `chain_content` of a
model must never change meaning; a new form gets a new version tag.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, ClassVar

from django.apps import apps
from django.db import connections, models, router

GENESIS = "0" * 64
VERSION = "v1"


def canonical_time(value: dt.datetime | None) -> str | None:
    return value.astimezone(dt.UTC).isoformat(timespec="microseconds") if value is not None else None


def link_hash(*, prev_hash: str, content: dict[str, Any], version: str = VERSION) -> str:
    """SHA-256 of the canonical JSON of the content, the version and the previous row's hash."""
    text = json.dumps({"v": version, "prev": prev_hash, **content}, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass(frozen=True)
class Break:
    """The first row where a chain does not hold, and why."""

    row_id: int | None
    reason: str


def chain_existing_rows(historical: Any, live: type[ChainedRow], using: str) -> None:
    """For a migration that makes a table chained: link the rows already there in the order they
    were written (by id), with the live model's canonical form (a form never changes meaning: a
    new form gets a new version). `historical` is the migration's model, `live` the app's."""
    prev = GENESIS
    for row in historical.objects.using(using).order_by("id").iterator():
        digest = link_hash(prev_hash=prev, content=live.chain_content(row))
        historical.objects.using(using).filter(pk=row.pk).update(prev_hash=prev, row_hash=digest)
        prev = digest


def lock_chain(using: str, key: int) -> None:
    """Serialise appends to one chain until the transaction ends.

    PostgreSQL: a transaction-scoped advisory lock (two appends never read the same tail).
    SQLite: the write lock, which the project's IMMEDIATE transactions take at BEGIN
    (settings.database_from_env), already lets one writer in at a time. On both, a unique
    `prev_hash` refuses a fork that a misconfigured database would otherwise let through.
    """
    connection = connections[using]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])


class ChainedRow(models.Model):
    """An append-only row linked to the row before it. Subclasses give `chain_content()` (the
    fields the hash covers, as JSON values) and call `chain_link()` inside the transaction that
    inserts the row (the model's `save`), and declare `prev_hash` unique."""

    chain_label: ClassVar[str] = ""
    chain_lock_key: ClassVar[int | None] = None

    prev_hash = models.CharField("前一条摘要", max_length=64, editable=False)
    row_hash = models.CharField("本条摘要", max_length=64, editable=False)

    class Meta:
        abstract = True

    def chain_content(self) -> dict[str, Any]:
        raise NotImplementedError

    def computed_hash(self) -> str:
        return link_hash(prev_hash=self.prev_hash, content=self.chain_content())

    @classmethod
    def chain_name(cls) -> str:
        return cls._meta.label_lower

    @classmethod
    def lock_key(cls) -> int:
        return cls.chain_lock_key if cls.chain_lock_key is not None else zlib.crc32(cls.chain_name().encode())

    def exact_decimals(self) -> None:
        """Every decimal field rounded half up to the places the column keeps, before the hash is
        taken: the row read back from either database gives the same canonical text."""
        from decimal import ROUND_HALF_UP, Decimal

        for field in self._meta.concrete_fields:
            if isinstance(field, models.DecimalField):
                value = getattr(self, field.attname)
                if value is not None:
                    places = Decimal(1).scaleb(-(field.decimal_places or 0))
                    setattr(self, field.attname, Decimal(value).quantize(places, rounding=ROUND_HALF_UP))

    @classmethod
    def link_many[R: ChainedRow](cls, rows: list[R], using: str | None = None) -> list[R]:
        """For `bulk_create` (one insert, so ids follow the list's order): lock the chain and link
        the rows one after another from its tail. The caller is in a transaction and inserts them
        before it ends."""
        if not rows:
            return rows
        alias = using or router.db_for_write(cls)
        lock_chain(alias, cls.lock_key())
        prev = cls._base_manager.using(alias).order_by("-id").values_list("row_hash", flat=True).first() or GENESIS
        for row in rows:
            row.exact_decimals()
            row.prev_hash = prev
            row.row_hash = prev = row.computed_hash()
        return rows

    def chain_link(self, using: str | None = None) -> str:
        """Lock the chain and set this row's `prev_hash` and `row_hash`; the caller is in a
        transaction and saves the row before it ends. Returns the database alias."""
        alias = using or router.db_for_write(type(self), instance=self)
        type(self).link_many([self], alias)
        return alias


def first_break(rows: Iterable[ChainedRow]) -> tuple[int, Break | None]:
    """(rows checked, the first break or None) of rows given in id order. A row breaks the chain
    when its content no longer gives its hash (it was edited) or its `prev_hash` is not the hash
    of the row before it (a row before it was removed, inserted, or its hash replaced)."""
    prev = GENESIS
    count = 0
    for row in rows:
        count += 1
        if row.prev_hash != prev:
            return count, Break(row.pk, "前一条摘要不符：此前的记录被删除、插入或改动")
        if row.computed_hash() != row.row_hash:
            return count, Break(row.pk, "内容与摘要不符：该记录被改动")
        prev = row.row_hash
    return count, None


def chained_models() -> list[type[ChainedRow]]:
    """Every concrete chained table of the installed apps."""
    return [m for m in apps.get_models() if issubclass(m, ChainedRow)]


def _rows(model: type[ChainedRow], after_id: int = 0) -> Iterator[ChainedRow]:
    return model._base_manager.filter(pk__gt=after_id).order_by("id").iterator(chunk_size=2000)


# ---------------------------------------------------------------- signed heads


def head_message(chain: str, row_id: int, row_hash: str) -> bytes:
    """What the platform signs: the chain, the row at its head and that row's hash."""
    return f"usefirst-chain-head\n{chain}\n{row_id}\n{row_hash}".encode()


# The platform's trusted roots (PEM), given by the contracts CA when its app is ready
# (usefirst/contracts/apps.py): core verifies signatures without importing the CA.
trust_roots_provider: Callable[[], list[str]] = list


def signature_holds(signed: Any, roots_pem: list[str]) -> bool:
    """The head signature's certificate was issued by a platform root and its signature is over
    (chain, row, hash)."""
    from cryptography import x509
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec

    try:
        cert = x509.load_pem_x509_certificate(signed.certificate_pem.encode())
    except ValueError:
        return False
    for pem in roots_pem:
        try:
            cert.verify_directly_issued_by(x509.load_pem_x509_certificate(pem.encode()))
        except (ValueError, TypeError, InvalidSignature):
            continue
        key = cert.public_key()
        if not isinstance(key, ec.EllipticCurvePublicKey):
            return False
        try:
            key.verify(
                base64.b64decode(signed.signature),
                head_message(signed.chain, signed.row_id, signed.row_hash),
                ec.ECDSA(hashes.SHA256()),
            )
        except (InvalidSignature, ValueError):
            return False
        return True
    return False


def verify(model: type[ChainedRow]) -> tuple[int, Break | None]:
    """The whole chain of one table, then every signed head of it: a signature that does not
    hold, or a signed row whose hash is no longer the one signed, breaks it there."""
    from .models import ChainHeadSignature

    count, broken = first_break(_rows(model))
    if broken is not None:
        return count, broken
    roots = trust_roots_provider()
    hashes = dict(model._base_manager.values_list("pk", "row_hash"))
    for signed in ChainHeadSignature.objects.filter(chain=model.chain_name()).order_by("row_id"):
        if not signature_holds(signed, roots):
            return count, Break(signed.row_id, f"链头签名（{signed.signed_at:%Y-%m-%d}）无效：不是平台签署的")
        if hashes.get(signed.row_id) != signed.row_hash:
            return count, Break(signed.row_id, "与平台签名的链头不符：该记录或其之前的记录被改动、删除")
    return count, None


def row_holds(row: ChainedRow) -> bool:
    """Whether one row is intact in its chain: its own hash, its link to the row before it, and
    the chain from it to the end, including every signed head at or after it (so a forger who
    replaced the row's hash must rewrite the rest of the chain and the platform's signatures)."""
    from .models import ChainHeadSignature

    model = type(row)
    if row.computed_hash() != row.row_hash:
        return False
    before = model._base_manager.filter(pk__lt=row.pk).order_by("-id").values_list("row_hash", flat=True).first()
    if row.prev_hash != (before or GENESIS):
        return False
    prev = row.row_hash
    hashes = {row.pk: row.row_hash}
    for later in _rows(model, after_id=row.pk):
        if later.prev_hash != prev or later.computed_hash() != later.row_hash:
            return False
        prev = hashes[later.pk] = later.row_hash
    roots = trust_roots_provider()
    for signed in ChainHeadSignature.objects.filter(chain=model.chain_name(), row_id__gte=row.pk):
        if not signature_holds(signed, roots) or hashes.get(signed.row_id) != signed.row_hash:
            return False
    return True
