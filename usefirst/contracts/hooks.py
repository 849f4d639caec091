"""Contracts' answers to the hooks of accounts and matchmaking (usefirst/core/hooks.py)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Exists, OuterRef
from django.urls import reverse

from usefirst.accounts import workspace
from usefirst.core.dates import today
from usefirst.matchmaking import hooks as matchmaking_hooks

from . import selectors
from .models import ContractParty, ContractStatus, Signature
from .selectors import visible_contracts

matchmaking_hooks.contract_stages.connect(selectors.engagement_stages)
matchmaking_hooks.engagement_contracts.connect(selectors.contracts_of_engagement)

EXPIRING_DAYS = 30  # a free-use period ending within this many days is shown as a to-do


@workspace.todo_sources.connect
def contract_todos(desk: workspace.Desk) -> list[workspace.Todo]:
    """Contracts waiting for this organisation's signature, and free-use periods about to end."""
    if not (desk.unit or desk.enterprise):
        return []
    url = reverse("contracts:list")
    unsigned_party = ContractParty.objects.filter(contract=OuterRef("pk"), organisation=desk.organisation).exclude(
        Exists(Signature.objects.filter(party=OuterRef("pk")))
    )
    visible = visible_contracts(desk.user)
    to_sign = visible.filter(status__in=[ContractStatus.DRAFTED, ContractStatus.SIGNING]).filter(Exists(unsigned_party)).count()
    day = today()
    expiring = visible.filter(
        status=ContractStatus.FREE_USE, free_use_end__gte=day, free_use_end__lte=day + dt.timedelta(days=EXPIRING_DAYS)
    ).count()
    return [
        workspace.Todo("待本机构签署的合同", to_sign, url, rank=40),
        workspace.Todo(f"{EXPIRING_DAYS} 天内届满的免费使用期", expiring, url, "届满前请与对方商定后续安排", rank=40),
    ]
