"""Contracts between the `unit` and `enterprise` personas, signed through the contract services;
receipts as the rules now record them: with a bank slip, confirmed by the paying organisation."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.files.base import ContentFile

from usefirst.accounts.models import Membership
from usefirst.contracts.models import Contract, ContractKind, Mode
from usefirst.core.testing import make_user
from usefirst.finance import services
from usefirst.finance.demo import DEMO_SLIP
from usefirst.finance.models import Receipt
from usefirst.tests.factories import ContractFactory, achievements_of, free_use_and_follow_on

SIGNED_ON = dt.date(2026, 3, 2)


def licence_for(unit: Any, enterprise: Any, owner: Any, *shares: str, signed: bool = True) -> Contract:
    """A pay_later licence over new achievements of the unit, signed by both parties on SIGNED_ON."""
    return ContractFactory(
        kind=ContractKind.LICENCE,
        licensor=unit,
        licensee=enterprise,
        actor=owner,
        achievements=achievements_of(unit, owner, *shares),
        signed=signed,
        signed_on=SIGNED_ON,
    )


def cooperate_later_pair(unit: Any, enterprise: Any, owner: Any, *, grant: str = "none") -> tuple[Contract, Contract]:
    """A cooperate_later free-use licence granting `grant` to the inventors, and its first
    cooperation project (a licence, carrying the grant), both signed on SIGNED_ON."""
    return free_use_and_follow_on(
        licensor=unit,
        licensee=enterprise,
        actor=owner,
        achievements=achievements_of(unit, owner),
        mode=Mode.COOPERATE_LATER,
        inventor_grant=grant,
        signed_on=SIGNED_ON,
    )


def under_cooperate_later(unit: Any, enterprise: Any, owner: Any, *, grant: str = "none") -> Contract:
    """The licence signed under a cooperate_later free-use licence (see cooperate_later_pair)."""
    return cooperate_later_pair(unit, enterprise, owner, grant=grant)[1]


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
