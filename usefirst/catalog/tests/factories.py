"""Builders for catalog tests: listed inventors, valid achievement and demand data, items in a given state."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal
from typing import Any

from django.utils import timezone

from usefirst.accounts.models import Organisation, Person, UnitPerson, User
from usefirst.catalog.choices import IpKind
from usefirst.catalog.models import Achievement, Demand, TechField
from usefirst.catalog.services.achievements import (
    AchievementData,
    InventorData,
    IpItemData,
    achievement_approve,
    achievement_create,
    achievement_submit,
)
from usefirst.catalog.services.demands import DemandData, demand_approve, demand_create, demand_submit
from usefirst.core.dates import today
from usefirst.core.identifiers import resident_id_check_char

_serial = itertools.count(1)

VALID_PATENT = "202310123456.6"


def make_id_number() -> str:
    body = f"440106199001{next(_serial) % 28 + 1:02d}{next(_serial) % 1000:03d}"
    return body + resident_id_check_char(body)


def person_register(unit: Organisation, *, actor: User, name: str = "李明", consent: bool = True) -> Person:
    """A person the unit has listed as an inventor with notice and consent (the minimal fixture)."""
    person = Person(full_name=name)
    person.set_id_number("mainland", make_id_number())
    person.save()
    now = timezone.now()
    UnitPerson.objects.create(
        unit=unit,
        person=person,
        notice_given_at=now,
        consent_at=now,
        consent_method="书面同意书",
        recorded_by=actor,
    )
    return person


def sub_field(code: str = "0101") -> TechField:
    return TechField.objects.get(code=code)


def achievement_data(unit: Organisation, actor: User, **overrides: Any) -> AchievementData:
    if "inventors" not in overrides:
        a = person_register(unit, actor=actor, name="李明")
        b = person_register(unit, actor=actor, name="王芳")
        overrides["inventors"] = [
            InventorData(person_id=a.pk, share=Decimal("60.00"), is_leader=True),
            InventorData(person_id=b.pk, share=Decimal("40.00")),
        ]
    values: dict[str, Any] = {
        "title": "一种低功耗边缘计算芯片",
        "summary": "面向物联网终端的低功耗芯片设计方法。",
        "field_id": sub_field().pk,
        "trl": 6,
        "keywords": "芯片，低功耗、物联网",
        "offers_pay_later": True,
        "free_use_months": 12,
        "ip_items": [IpItemData(kind=IpKind.INVENTION_PATENT, number=VALID_PATENT, title="低功耗芯片")],
    }
    values.update(overrides)
    return AchievementData(**values)


def make_achievement(unit: Organisation, actor: User, **overrides: Any) -> Achievement:
    return achievement_create(actor=actor, owner=unit, data=achievement_data(unit, actor, **overrides))


def make_published_achievement(unit: Organisation, actor: User, reviewer: User, **overrides: Any) -> Achievement:
    achievement = make_achievement(unit, actor, **overrides)
    achievement_submit(actor=actor, achievement=achievement)
    return achievement_approve(actor=reviewer, achievement=achievement)


def demand_data(**overrides: Any) -> DemandData:
    values: dict[str, Any] = {
        "title": "寻求陶瓷窑炉余热回收技术",
        "description": "我司窑炉排烟温度高，希望引进余热回收方案。",
        "field_id": sub_field("0604").pk,
        "deadline": today() + dt.timedelta(days=30),
        "city": "韶关市",
        "county": "浈江区",
        "keywords": ["余热回收", "节能"],
        "budget_min": "100000",
        "budget_max": "500000.00",
        "cooperation_forms": ["licence", "use_first"],
    }
    values.update(overrides)
    return DemandData(**values)


def make_demand(enterprise: Organisation, actor: User, **overrides: Any) -> Demand:
    return demand_create(actor=actor, enterprise=enterprise, data=demand_data(**overrides))


def make_published_demand(enterprise: Organisation, actor: User, reviewer: User, **overrides: Any) -> Demand:
    demand = make_demand(enterprise, actor, **overrides)
    demand_submit(actor=actor, demand=demand)
    return demand_approve(actor=reviewer, demand=demand)


def bearer_for(user: User) -> dict[str, str]:
    """HTTP headers carrying a fresh API token of the user."""
    import datetime as _dt
    import secrets

    from usefirst.api.models import ApiToken

    raw = secrets.token_urlsafe(32)
    ApiToken.objects.create(
        user=user,
        name="测试",
        token_hash=ApiToken.hash(raw),
        prefix=raw[:8],
        expires_at=timezone.now() + _dt.timedelta(days=1),
    )
    return {"Authorization": f"Bearer {raw}"}
