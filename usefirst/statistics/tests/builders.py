"""Small deals written straight into the tables the rollup reads (the services that normally
write them are tested in their own apps; here only the counting matters)."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal
from typing import Any

from usefirst.accounts.models import Organisation, OrganisationKind, User
from usefirst.catalog.models import Achievement, TechField
from usefirst.contracts.models import Contract, ContractAchievement, ContractStatus, ContractTemplate
from usefirst.core.regions import CITY_COUNTIES
from usefirst.core.testing import make_org
from usefirst.finance.models import Receipt
from usefirst.matchmaking.models import Engagement, EngagementStatus

_serial = itertools.count(1)
WHEN = dt.datetime(2026, 3, 10, 4, 0, tzinfo=dt.UTC)


def field() -> TechField:
    top, _ = TechField.objects.get_or_create(code="T-INFO", defaults={"name": "电子信息"})
    sub, _ = TechField.objects.get_or_create(code="T-INFO-1", defaults={"name": "软件", "parent": top})
    return sub


def achievement(unit: Organisation) -> Achievement:
    return Achievement.objects.create(owner=unit, title=f"成果{next(_serial)}", summary="-", field=field(), trl=5)


def deal(
    unit: Organisation,
    enterprise: Organisation,
    *,
    user: User,
    agreed: bool = True,
    signed: bool = True,
    received: Decimal | None = None,
    **contract: Any,
) -> Engagement:
    """An engagement on one of the unit's achievements, as far as asked: agreed, a signed contract, a confirmed receipt."""
    item = achievement(unit)
    engagement = Engagement.objects.create(
        unit=unit,
        enterprise=enterprise,
        initiator_side="enterprise",
        achievement=item,
        status=EngagementStatus.AGREED if agreed else EngagementStatus.INTENT,
        agreed_at=WHEN if agreed else None,
        created_at=WHEN,
    )
    if not signed:
        return engagement
    number = next(_serial)
    template, _ = ContractTemplate.objects.get_or_create(
        kind="free_use_licence", mode="pay_later", version=990, defaults={"title": "测试", "body": "-"}
    )
    signed_contract = Contract.objects.create(
        number=f"T{number:07d}",
        mode=contract.pop("mode", "pay_later"),
        kind=contract.pop("kind", "free_use_licence"),
        status=contract.pop("status", ContractStatus.SIGNED),
        title="测试合同",
        template=template,
        licensor=unit,
        licensee=enterprise,
        engagement=engagement,
        signed_at=WHEN,
        created_by=user,
        **contract,
    )
    ContractAchievement.objects.create(contract=signed_contract, achievement=item, price_share=Decimal("100"))
    if received is not None:
        Receipt.objects.create(
            contract=signed_contract,
            received_on=WHEN.date(),
            amount=received,
            payer=enterprise.name,
            voucher_number=f"V{number}",
            idempotency_key=f"k{number}",
            recorded_by=user,
            status="confirmed",
            confirmed_at=WHEN,
            confirmed_by=user,
        )
    return engagement


def units(count: int, *, city: str = "广州市") -> list[Organisation]:
    return [make_org(OrganisationKind.UNIVERSITY, city=city, county=CITY_COUNTIES[city][0]) for _ in range(count)]


def enterprises(count: int, *, city: str = "广州市") -> list[Organisation]:
    return [make_org(OrganisationKind.ENTERPRISE, city=city, county=CITY_COUNTIES[city][0]) for _ in range(count)]
