"""Signing: one PAdES signature per party, appended to the latest issued PDF; the first
follow-on signed under a cooperate_later contract is its first cooperation project."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from usefirst.accounts import roles, second_factor
from usefirst.accounts.identity import identity_provider
from usefirst.catalog.choices import Mode
from usefirst.core.actors import Actor, Visitor
from usefirst.core.audit import audit
from usefirst.core.client import current_address
from usefirst.core.dates import today
from usefirst.core.errors import Conflict, DomainError, Forbidden, IllegalTransition
from usefirst.core.files import file_kept_only_with_its_row
from usefirst.core.models import AuditOutcome

from .. import signing
from ..models import (
    Contract,
    ContractKind,
    ContractParty,
    IssuedDocument,
    Signature,
    WillConfirmation,
)
from ..rendering import signature_field
from ..workflows import ContractEventType as E
from .common import S, move, tell_parties
from .drafting import contract_issue_document, current_document, stage_document


def signable_parties(user: Visitor, contract: Contract) -> list[ContractParty]:
    """The unsigned parties this user may sign for (can_sign in the organisation, or the person)."""
    if not getattr(user, "is_authenticated", False):
        return []
    signer_orgs = set(roles.active_memberships(user).filter(can_sign=True).values_list("organisation_id", flat=True))
    parties = contract.parties.filter(signatures__isnull=True).select_related("organisation", "person")
    return [
        p
        for p in parties
        if (p.organisation_id is not None and p.organisation_id in signer_orgs)
        or (p.person is not None and p.person.user_id == user.pk)
    ]


# The signature is made again once when the contract changed while it was being made.
SIGNING_ATTEMPTS = 2


def contract_sign(
    *, actor: Actor, contract: Contract, password: str, code: str, party_id: int | None = None, user_agent: str = ""
) -> Signature:
    """One PAdES signature for one party, appended to the latest issued PDF.

    The signer confirms their will to sign (意愿认证) with the login password and a current
    one-time code of their authenticator (`second_factor`); a code counts once. The
    confirmation is recorded (WillConfirmation: the document signed, when, from where) in the
    transaction that records the signature, which links to it.

    The signature is made before the short transaction that records it, so no write lock is
    held while the PDF is read, signed and stored. That transaction locks the contract and
    re-checks what the signed file was made from (the party still unsigned, the latest
    document, the number of signatures); when the contract changed meanwhile (another party
    signed first), the file is discarded and the signature made once more on the new document.
    A second change in that time refuses with `contract_changed`, nothing saved."""
    if not getattr(actor, "is_authenticated", False):
        raise Forbidden("请先登录", code="forbidden")
    if identity_provider().authenticate(None, username=actor.email, password=password or "") is None:
        raise Forbidden("密码不正确，签署前须重新输入登录密码", code="password_incorrect")
    _party_to_sign(actor, Contract.objects.get(pk=contract.pk), party_id)  # only a signer is asked for the code
    _confirm_will(actor, contract, code)
    confirmed_at = timezone.now()
    for _attempt in range(SIGNING_ATTEMPTS):
        with file_kept_only_with_its_row() as write:
            prepared = _prepare_signature(actor, contract, party_id)
            write.file = prepared.document.file
            will = _Will(confirmed_at=confirmed_at, client_address=current_address(), user_agent=user_agent[:512])
            signature = _record_signature(actor, prepared, party_id, will)
            if signature is not None:
                write.kept = True
                return signature
    raise Conflict("签署期间合同已被他人更新（如另一方刚刚签署），本次签署未保存，请刷新页面后重新签署", code="contract_changed")


def _confirm_will(actor: Actor, contract: Contract, code: str) -> None:
    """The second factor of the will-confirmation: a current code of the signer's authenticator.
    A refusal is audited (nothing else is written)."""
    if not second_factor.is_enrolled(actor):
        audit(actor=actor, action="contracts.will_confirmation", obj=contract, outcome=AuditOutcome.REFUSED, reason="no_device")
        raise Forbidden(
            "签署合同须以身份验证器的动态口令确认本人意愿：请先在工作台的“双因素认证”页面绑定身份验证器，再签署",
            code="second_factor_enrolment_required",
        )
    if not second_factor.verify_code(actor, code):
        audit(actor=actor, action="contracts.will_confirmation", obj=contract, outcome=AuditOutcome.REFUSED, reason="code")
        detail = "动态口令不正确或已使用过，请输入身份验证器上当前显示的 6 位动态口令（输错后须稍候再试）"
        raise DomainError(detail, code="second_factor_incorrect", status=400, field_errors={"otp": [detail]})


@dataclass(frozen=True)
class _Will:
    """The confirmed will, recorded with the signature it was given for."""

    confirmed_at: dt.datetime
    client_address: str
    user_agent: str


@dataclass(frozen=True)
class _PreparedSignature:
    """A signed file in storage (its row not yet saved), and what it was made from."""

    contract_id: int
    party_id: int
    base_document_id: int
    base_sha256: str
    base_size: int
    signatures_before: int
    result: signing.SignResult
    document: IssuedDocument


def _party_to_sign(actor: Actor, contract: Contract, party_id: int | None) -> ContractParty:
    if contract.status not in (S.DRAFTED, S.SIGNING):
        raise IllegalTransition("该合同不在待签署状态", code="illegal_transition")
    parties = signable_parties(actor, contract)
    if party_id is not None:
        parties = [p for p in parties if p.pk == party_id]
    if not parties:
        raise Forbidden("您不是该合同任何一方的授权签署人（须在该机构具有“可代表机构签署合同”权限）", code="not_a_signer")
    return parties[0]


def _prepare_signature(actor: Actor, contract: Contract, party_id: int | None) -> _PreparedSignature:
    """Outside any transaction: read the latest document, sign it, store the signed file."""
    contract = Contract.objects.get(pk=contract.pk)
    party = _party_to_sign(actor, contract, party_id)
    document = contract.documents.order_by("-issued_at", "-id").first()
    if document is None:  # its text not recorded yet (drafted in a caller's transaction, or rendering failed)
        document = contract_issue_document(actor=actor, contract=contract)
    with document.file.open("rb") as handle:
        data = handle.read()
    organisation_name = party.organisation.name if party.organisation else "成果完成人（个人）"
    identity = signing.SigningIdentity(person_name=actor.full_name, organisation_name=organisation_name, user_id=actor.pk)
    count = contract.signatures.count()
    result = signing.sign_pdf(
        data, identity=identity, field_name=signature_field(contract, party), new_field_name=f"Signature{count + 1}"
    )
    signed = stage_document(contract, result.pdf, kind=IssuedDocument.Kind.SIGNED, actor=actor, signatures=count + 1)
    return _PreparedSignature(
        contract_id=contract.pk,
        party_id=party.pk,
        base_document_id=document.pk,
        base_sha256=hashlib.sha256(data).hexdigest(),  # what was signed, as read
        base_size=len(data),
        signatures_before=count,
        result=result,
        document=signed,
    )


def _record_signature(actor: Actor, prepared: _PreparedSignature, party_id: int | None, will: _Will) -> Signature | None:
    """The short transaction: None (nothing written) when the contract changed since the
    signature was prepared."""
    with transaction.atomic():
        contract = Contract.objects.select_for_update().get(pk=prepared.contract_id)
        party = _party_to_sign(actor, contract, party_id)
        if (
            party.pk != prepared.party_id
            or current_document(contract).pk != prepared.base_document_id
            or contract.signatures.count() != prepared.signatures_before
        ):
            return None
        signed = prepared.document
        signed.issued_at = timezone.now()
        signed.save()
        confirmation = WillConfirmation.objects.create(
            contract=contract,
            party=party,
            signer=actor,
            document_sha256=prepared.base_sha256,
            document_size=prepared.base_size,
            method=WillConfirmation.Method.PASSWORD_TOTP,
            confirmed_at=will.confirmed_at,
            client_address=will.client_address,
            user_agent=will.user_agent,
        )
        signature = Signature.objects.create(
            contract=contract,
            party=party,
            signer=actor,
            signed_at=prepared.result.signed_at,
            certificate_serial=prepared.result.certificate_serial,
            certificate_fingerprint=prepared.result.certificate_fingerprint,
            document=signed,
            will_confirmation=confirmation,
        )
        all_signed = not contract.parties.filter(signatures__isnull=True).exists()
        payload = {"party": party.display_name, "sha256": signed.sha256}
        told = tell_parties(kind="contracts.signed", title=f"{party.display_name} 已签署合同：{contract.title}", exclude=actor)
        if not all_signed:
            move(contract, E.SIGN, actor=actor, reason=f"{party.display_name} 已签署", payload=payload, notices=[told])
        else:
            into_free_use = contract.kind == ContractKind.FREE_USE_LICENCE and bool(
                contract.free_use_start and contract.free_use_start <= today()
            )
            move(
                contract,
                E.COMPLETE_INTO_FREE_USE if into_free_use else E.COMPLETE_SIGNING,
                actor=actor,
                reason="各方均已签署",
                payload=payload,
                also={"signed_at": signature.signed_at, "is_first_cooperation": _first_cooperation(contract)},
                notices=[told],
            )
            _after_follow_on_signed(contract, actor=actor)
    return signature


def _first_cooperation(contract: Contract) -> bool:
    """The first follow-on fully signed under a cooperate_later contract (by signing time) is its
    first cooperation project; fixed once signed. A unique constraint backs this."""
    parent = contract.parent
    if parent is None or parent.mode != Mode.COOPERATE_LATER:
        return False
    Contract.objects.select_for_update().filter(pk=parent.pk).first()  # serialise siblings
    return not Contract.objects.filter(parent=parent, is_first_cooperation=True).exists()


def _after_follow_on_signed(contract: Contract, *, actor: Actor) -> None:
    parent = contract.parent
    if parent is None:
        return
    parent = Contract.objects.select_for_update().get(pk=parent.pk)
    if parent.status in (S.FREE_USE, S.AWAITING_NEXT_STEP):
        move(
            parent,
            E.FOLLOW_ON_SIGNED,
            actor=actor,
            reason=f"后续合同 {contract.number} 已签署",
            payload={"follow_on": contract.pk},
        )
