"""Signing makes the signed PDF before the short transaction that records it: other writers go
on meanwhile, a contract that changed in that time is signed again on its new document (once),
and a file made for an attempt that was not recorded does not stay in storage."""

from __future__ import annotations

import importlib
import threading
from pathlib import Path
from typing import Any

import pytest
from django.db import connections, transaction

from usefirst.contracts import services, signing
from usefirst.contracts.models import Contract, ContractStatus, IssuedDocument, Signature
from usefirst.core.audit import audit
from usefirst.core.errors import Conflict
from usefirst.core.models import AuditEntry
from usefirst.core.testing import database_for_threads, in_a_thread

from .conftest import draft, draft_data, sign

real_sign_pdf = signing.sign_pdf


def stored_pdfs(media: Path) -> set[str]:
    return {str(path.relative_to(media)) for path in media.rglob("*.pdf")}


def registered_pdfs() -> set[str]:
    return set(IssuedDocument.objects.values_list("file", flat=True))


def a_writer_beside(slow: Any, *, held: str, contract: Contract, actor: Any, monkeypatch: Any, tmp_path: Path) -> dict[str, Any]:
    """Run `slow()` in a thread with `held` (a module attribute: the renderer or the signer)
    blocked until released; meanwhile another thread locks the contract row, as every finance
    write does, and writes an audit row. What each did, and whether the writer finished while
    the first was still held."""
    module_name, _, name = held.rpartition(".")
    module = importlib.import_module(module_name)
    real = getattr(module, name)
    started, release = threading.Event(), threading.Event()

    def held_call(*args: Any, **kwargs: Any) -> Any:
        started.set()
        assert release.wait(timeout=60)
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, held_call)
    outcome: dict[str, Any] = {}

    def run_slow() -> None:
        try:
            outcome["result"] = slow()
        except BaseException as exc:
            outcome["slow_error"] = exc
        finally:
            connections.close_all()

    def write_beside() -> None:
        try:
            with transaction.atomic():
                Contract.objects.select_for_update().get(pk=contract.pk)
                audit(actor=actor, action="contract.noted", obj=contract)
            outcome["written"] = True
        except BaseException as exc:
            outcome["writing_error"] = exc
        finally:
            connections.close_all()

    with database_for_threads(tmp_path):
        first, writer = threading.Thread(target=run_slow), threading.Thread(target=write_beside)
        first.start()
        try:
            assert started.wait(timeout=60)
            writer.start()
            writer.join(timeout=10)
            outcome["written_while_held"] = not writer.is_alive() and not release.is_set()
        finally:
            release.set()
            first.join(timeout=120)
            writer.join(timeout=60)
        outcome["recorded"] = in_a_thread(
            lambda: {
                "signatures": Signature.objects.filter(contract=contract).count(),
                "documents": sorted(IssuedDocument.objects.filter(contract=contract).values_list("kind", flat=True)),
                "status": Contract.objects.get(pk=contract.pk).status,
                "audit": AuditEntry.objects.filter(action="contract.noted").count(),
            }
        )
    assert "writing_error" not in outcome and "slow_error" not in outcome, outcome
    return outcome


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_another_writer_goes_on_while_a_signature_is_being_made(
    platform_ca, owner, unit, enterprise, achievement, monkeypatch, tmp_path
):
    contract = draft(owner, unit, enterprise, achievement)

    outcome = a_writer_beside(
        lambda: sign(owner, contract),
        held="usefirst.contracts.signing.sign_pdf",
        contract=contract,
        actor=owner,
        monkeypatch=monkeypatch,
        tmp_path=tmp_path,
    )

    assert outcome["written_while_held"], "the other writer waited for the signature's PDF"
    assert outcome["written"] and outcome["result"].pk
    assert outcome["recorded"] == {
        "signatures": 1,
        "documents": [IssuedDocument.Kind.DRAFT, IssuedDocument.Kind.SIGNED],
        "status": ContractStatus.SIGNING,
        "audit": 1,
    }


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_another_writer_goes_on_while_a_drafted_contract_s_text_renders(
    platform_ca, owner, unit, enterprise, achievement, monkeypatch, tmp_path
):
    contract = services.draft_without_text(actor=owner, data=draft_data(unit, enterprise, achievement))

    outcome = a_writer_beside(
        lambda: services.contract_issue_document(actor=owner, contract=contract),
        held="usefirst.contracts.pdf.render_pdf",
        contract=contract,
        actor=owner,
        monkeypatch=monkeypatch,
        tmp_path=tmp_path,
    )

    assert outcome["written_while_held"], "the other writer waited for the contract's PDF"
    assert outcome["recorded"] == {
        "signatures": 0,
        "documents": [IssuedDocument.Kind.DRAFT],
        "status": ContractStatus.DRAFTED,
        "audit": 1,
    }


def test_a_signature_made_while_the_other_party_signed_is_made_again_on_the_new_document(
    platform_ca, owner, licensee_signer, unit, enterprise, achievement, monkeypatch, tmp_path
):
    contract = draft(owner, unit, enterprise, achievement)
    made_for: list[int] = []

    def sign_pdf_while_the_licensee_signs_first(data: bytes, **kwargs: Any) -> signing.SignResult:
        made_for.append(kwargs["identity"].user_id)
        if made_for == [owner.pk]:
            sign(licensee_signer, contract)
        return real_sign_pdf(data, **kwargs)

    monkeypatch.setattr(signing, "sign_pdf", sign_pdf_while_the_licensee_signs_first)
    signature = sign(owner, contract)

    assert made_for == [owner.pk, licensee_signer.pk, owner.pk]
    contract.refresh_from_db()
    assert contract.status == ContractStatus.FREE_USE
    assert list(contract.signatures.values_list("signer", flat=True)) == [licensee_signer.pk, owner.pk]
    assert signature.document.signature_count == 2
    report = signing.verify_pdf(services.current_document(contract).file.read())
    assert report.ok, report.message
    assert [s.organisation for s in report.signatures] == [enterprise.name, unit.name]
    # The first signed file (made on the document the licensee's signature replaced) is gone.
    assert stored_pdfs(tmp_path) == registered_pdfs()


def test_a_contract_that_keeps_changing_while_it_is_signed_refuses_with_nothing_saved(
    platform_ca, owner, unit, enterprise, achievement, monkeypatch, tmp_path
):
    contract = draft(owner, unit, enterprise, achievement)

    def sign_pdf_while_a_new_text_is_issued(data: bytes, **kwargs: Any) -> signing.SignResult:
        # As an amendment would: a new text of the contract is issued meanwhile, every time.
        text = services.stage_document(contract, data, kind=IssuedDocument.Kind.DRAFT, actor=owner, signatures=0)
        text.save()
        return real_sign_pdf(data, **kwargs)

    monkeypatch.setattr(signing, "sign_pdf", sign_pdf_while_a_new_text_is_issued)
    with pytest.raises(Conflict) as exc:
        sign(owner, contract)

    assert exc.value.code == "contract_changed"
    contract.refresh_from_db()
    assert contract.status == ContractStatus.DRAFTED
    assert not contract.signatures.exists()
    assert not contract.documents.filter(kind=IssuedDocument.Kind.SIGNED).exists()
    assert stored_pdfs(tmp_path) == registered_pdfs()


def test_a_signature_that_fails_to_be_recorded_leaves_no_file(
    platform_ca, owner, unit, enterprise, achievement, monkeypatch, tmp_path
):
    contract = draft(owner, unit, enterprise, achievement)

    def refuse(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("the event row could not be written")

    monkeypatch.setattr("usefirst.contracts.services.common.notify_parties", refuse)
    with pytest.raises(RuntimeError):
        sign(owner, contract)

    assert not contract.signatures.exists()
    assert list(contract.documents.values_list("kind", flat=True)) == [IssuedDocument.Kind.DRAFT]
    assert stored_pdfs(tmp_path) == registered_pdfs()


def test_a_contract_drafted_inside_another_transaction_gets_its_text_when_first_signed(
    platform_ca, owner, licensee_signer, unit, enterprise, achievement
):
    with transaction.atomic():
        contract = services.draft_without_text(actor=owner, data=draft_data(unit, enterprise, achievement))
    assert not contract.documents.exists()

    sign(owner, contract)

    kinds = list(contract.documents.order_by("issued_at", "id").values_list("kind", "signature_count"))
    assert kinds == [(IssuedDocument.Kind.DRAFT, 0), (IssuedDocument.Kind.SIGNED, 1)]


def test_the_text_is_issued_once_however_often_it_is_asked_for(platform_ca, owner, unit, enterprise, achievement, tmp_path):
    contract = draft(owner, unit, enterprise, achievement)
    first = services.current_document(contract)

    again = services.contract_issue_document(actor=owner, contract=contract)

    assert again.pk == first.pk
    assert contract.documents.count() == 1
    assert stored_pdfs(tmp_path) == registered_pdfs()
