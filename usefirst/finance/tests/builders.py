"""Builders for finance tests: signed contracts between the `unit` and `enterprise` personas."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal
from typing import Any

from django.utils import timezone

from usefirst.accounts.models import Organisation, User
from usefirst.catalog.models import Achievement
from usefirst.catalog.tests.factories import make_achievement
from usefirst.contracts.models import Contract, ContractAchievement, ContractStatus, ContractTemplate

_serial = itertools.count(1)


def template() -> ContractTemplate:
    tpl, _ = ContractTemplate.objects.get_or_create(
        kind="licence",
        mode="pay_later",
        version=1,
        defaults={"title": "技术许可合同（示范文本）", "body": "…", "status": "published"},
    )
    return tpl


def make_contract(
    *,
    licensor: Organisation | None,
    licensee: Organisation,
    actor: User,
    achievements: list[tuple[Achievement, str]],
    mode: str = "pay_later",
    signed_on: dt.date | None = dt.date(2026, 3, 2),
    **extra: Any,
) -> Contract:
    signed_at = None
    if signed_on is not None:
        signed_at = timezone.make_aware(dt.datetime.combine(signed_on, dt.time(10, 0)))
    contract = Contract.objects.create(
        number=f"HT-FIN-{next(_serial):05d}",
        mode=mode,
        kind=extra.pop("kind", "licence"),
        status=ContractStatus.SIGNED if signed_on else ContractStatus.DRAFTED,
        template=template(),
        title="低功耗芯片技术许可合同",
        licensor=licensor,
        licensee=licensee,
        signed_at=signed_at,
        created_by=actor,
        **extra,
    )
    for position, (achievement, share) in enumerate(achievements):
        ContractAchievement.objects.create(
            contract=contract, achievement=achievement, price_share=Decimal(share), position=position
        )
    return contract


def contract_for(
    unit: Organisation, enterprise: Organisation, owner: User, *, shares: tuple[str, ...] = ("100",), **extra: Any
) -> Contract:
    achievements = [(make_achievement(unit, owner, title=f"测试成果{next(_serial)}"), share) for share in shares]
    return make_contract(licensor=unit, licensee=enterprise, actor=owner, achievements=achievements, **extra)
