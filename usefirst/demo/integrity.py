"""Helpers of the register-forgery journey (usefirst/tests/journeys/test_forged_register.py), run
against the demo site's database for what a browser cannot do: read an issued file from the
platform's private storage, and play the forger who has write access to the database (the attack
of issue 17 that the hash chain of the register defeats, docs/security.md "Hash chains")."""

from __future__ import annotations

from django.db import connection

from usefirst.contracts.models import IssuedDocument


def latest_signed_document() -> IssuedDocument:
    document = IssuedDocument.objects.filter(kind=IssuedDocument.Kind.SIGNED).order_by("-id").first()
    if document is None:
        raise LookupError("the demo has no signed contract")
    return document


def copy_signed_document(path: str) -> int:
    """Write the demo's latest signed contract PDF to `path`; returns its register row's id."""
    document = latest_signed_document()
    with document.file.open("rb") as source, open(path, "wb") as target:
        target.write(source.read())
    return int(document.pk)


def forge_register_row(document_id: int) -> int:
    """The forger moves the file's SHA-256 to the register row before it and gives the genuine
    row another hash, by SQL (no model method would). Returns the forged row's id."""
    document = IssuedDocument.objects.get(pk=document_id)
    earlier = IssuedDocument.objects.filter(pk__lt=document.pk).order_by("-id").first()
    if earlier is None:
        raise LookupError("no register row before the document")
    with connection.cursor() as cursor:
        cursor.execute("UPDATE contracts_issueddocument SET sha256 = %s WHERE id = %s", ["f" * 64, document.pk])
        cursor.execute("UPDATE contracts_issueddocument SET sha256 = %s WHERE id = %s", [document.sha256, earlier.pk])
    return int(earlier.pk)
