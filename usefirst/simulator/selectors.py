"""Reads of the simulator: the policy's inventor floor, and the contract a simulation starts
from and whose payment plan it pre-fills."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from usefirst.contracts.models import FOLLOW_ON_KINDS, Contract, ContractStatus
from usefirst.core.actors import Visitor
from usefirst.core.permissions import Action, get_for_user
from usefirst.finance import selectors as finance_selectors
from usefirst.finance.models import PaymentPlan
from usefirst.policy.selectors import share_pct


def inventor_floor(*, on: dt.date | None = None) -> Decimal:
    """Rule 1's floor in force, in percent (70.00)."""
    return share_pct("inventor_share_floor", on=on)


def contract_for(user: Visitor, pk: int) -> Contract:
    """A contract the person may see (else reported missing)."""
    return get_for_user(Contract.objects.all(), user, Action.VIEW, pk=pk)


def next_stage(contract: Contract) -> Contract | None:
    """The contract whose payment plan a chosen mode pre-fills: the contract itself when it is a
    follow-on (licence, transfer, development, equity), else its latest follow-on child not
    cancelled."""
    if contract.kind in FOLLOW_ON_KINDS:
        return contract
    return (
        Contract.objects.filter(parent=contract, kind__in=FOLLOW_ON_KINDS)
        .exclude(status=ContractStatus.CANCELLED)
        .order_by("-pk")
        .first()
    )


def may_prefill(user: Visitor, contract: Contract) -> bool:
    """The licensor's side enters the payment plan (finance.services.plan_create), once."""
    has_plan = PaymentPlan.objects.filter(contract=contract).exists()
    licensor = finance_selectors.is_unit_member(user, contract) or finance_selectors.is_inventor_licensor(user, contract)
    return licensor and not has_plan
