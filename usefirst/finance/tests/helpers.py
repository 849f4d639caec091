"""Receipts as the rules now record them: with a bank slip, confirmed by the paying organisation."""

from __future__ import annotations

from typing import Any

from django.core.files.base import ContentFile

from usefirst.accounts.models import Membership
from usefirst.core.testing import make_user
from usefirst.finance import services
from usefirst.finance.demo import DEMO_SLIP
from usefirst.finance.models import Receipt


def slip(name: str = "slip.pdf") -> ContentFile:
    return ContentFile(DEMO_SLIP, name=name)


def payer_of(contract: Any) -> Any:
    """A member of the paying organisation (the licensee) who may confirm."""
    membership = Membership.objects.filter(organisation_id=contract.licensee_id, is_active=True).order_by("pk").first()
    return membership.user if membership is not None else make_user(contract.licensee, role=Membership.Role.ADMIN)


def record_confirmed(*, actor: Any, contract: Any, **fields: Any) -> tuple[Receipt, bool]:
    """receipt_record with a slip, then the payer's confirmation (as a user would do both)."""
    fields.setdefault("slip", slip())
    receipt, created = services.receipt_record(actor=actor, contract=contract, **fields)
    if (
        created
        and receipt.confirmed_at is None
        and receipt.payer_organisation_id
        and services.may_confirm(payer_of(contract), receipt)
    ):
        receipt = services.receipt_confirm(actor=payer_of(contract), receipt=receipt)
    return receipt, created
