"""The issued-document register is hash-chained and its head signed (docs/security.md, "Hash
chains"): a register row forged in the database no longer vouches for a file, and the check
command names it."""

from __future__ import annotations

import itertools

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.urls import reverse

from usefirst.contracts import chain_heads, services, signing
from usefirst.contracts.models import IssuedDocument
from usefirst.core import hash_chain
from usefirst.core.models import ChainHeadSignature

from .conftest import draft, sign_all


@pytest.fixture
def signed(platform_ca, owner, unit, enterprise, achievement, licensee_signer):
    contract = draft(owner, unit, enterprise, achievement)
    contract = sign_all(contract, owner, licensee_signer)
    document = services.current_document(contract)
    return contract, document, document.file.read()


def _sql(statement: str, params: list[object]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def test_every_issued_document_is_a_link_of_one_chain(signed):
    rows = list(IssuedDocument.objects.order_by("id"))
    assert len(rows) >= 3  # the text to sign, then one row per signature
    assert rows[0].prev_hash == hash_chain.GENESIS
    assert all(later.prev_hash == earlier.row_hash for earlier, later in itertools.pairwise(rows))
    assert hash_chain.verify(IssuedDocument) == (len(rows), None)


def test_a_file_vouched_for_by_a_forged_register_row_does_not_verify(client, signed):
    """The attack of issue 17: the hash of an earlier row replaced by the hash of another file
    made that file 验证通过. The forged row breaks its chain: 验证不通过, and the command names it."""
    _contract, document, data = signed
    assert signing.verify_pdf(data).ok
    earlier = IssuedDocument.objects.filter(pk__lt=document.pk).order_by("id").first()
    assert earlier is not None
    _sql("UPDATE contracts_issueddocument SET sha256 = %s WHERE id = %s", ["f" * 64, document.pk])
    _sql("UPDATE contracts_issueddocument SET sha256 = %s WHERE id = %s", [document.sha256, earlier.pk])

    report = signing.verify_pdf(data)
    assert not report.ok and not report.registered
    assert "被篡改" in report.message
    page = client.post(reverse("contracts:verify"), {"file": SimpleUploadedFile("c.pdf", data, "application/pdf")})
    text = page.content.decode()
    assert "验证不通过" in text and "验证通过：" not in text

    with pytest.raises(CommandError, match=rf"第 {earlier.pk} 号记录处被篡改"):
        call_command("integrity_verify", "--chain", "contracts.issueddocument")


def test_a_forger_who_also_recomputes_the_hash_breaks_the_next_link(signed):
    _contract, document, _data = signed
    earlier = IssuedDocument.objects.filter(pk__lt=document.pk).order_by("id").first()
    assert earlier is not None
    earlier.sha256 = document.sha256
    _sql(
        "UPDATE contracts_issueddocument SET sha256 = %s, row_hash = %s WHERE id = %s",
        [document.sha256, earlier.computed_hash(), earlier.pk],
    )
    assert not hash_chain.row_holds(IssuedDocument.objects.get(pk=earlier.pk))
    _count, broken = hash_chain.verify(IssuedDocument)
    assert broken is not None and broken.row_id == IssuedDocument.objects.filter(pk__gt=earlier.pk).order_by("id")[0].pk


def test_the_signed_head_catches_a_rewritten_last_row(signed):
    """The last row has no successor: the platform's signature of the head is what holds it."""
    _contract, document, data = signed
    assert chain_heads.heads_sign()["signed"] >= 1
    signed_head = ChainHeadSignature.objects.get(chain="contracts.issueddocument")
    assert signed_head.row_id == document.pk and hash_chain.verify(IssuedDocument)[1] is None
    assert chain_heads.heads_sign()["signed"] == 0  # nothing new to sign

    document.size += 1
    _sql(
        "UPDATE contracts_issueddocument SET size = %s, row_hash = %s WHERE id = %s",
        [document.size, document.computed_hash(), document.pk],
    )
    _count, broken = hash_chain.verify(IssuedDocument)
    assert broken is not None and broken.row_id == document.pk and "平台签名" in broken.reason
    assert not signing.verify_pdf(data).ok


def test_a_head_signature_not_issued_by_the_platform_does_not_hold(signed):
    _contract, _document, _data = signed
    chain_heads.heads_sign()
    _sql("UPDATE core_chainheadsignature SET signature = %s", ["AAAA"])
    _count, broken = hash_chain.verify(IssuedDocument)
    assert broken is not None and "无效" in broken.reason


def test_the_check_command_passes_on_untouched_chains(signed, capsys):
    call_command("integrity_verify")
    out = capsys.readouterr().out
    assert "出具文件登记册（contracts.issueddocument）摘要链完整" in out
    assert "到账记录（finance.receipt）摘要链完整" in out
    assert "审计记录（core.auditentry）摘要链完整" in out
