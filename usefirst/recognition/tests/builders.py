"""Builders for recognition tests: achievements with listed inventors, use-first contracts and
receipts (written straight to the finance tables, as finance's services would leave them)."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal
from typing import Any

import pytest
from django.apps import apps
from django.db.models import F
from django.utils import timezone

from usefirst.accounts.models import Organisation, Person, User
from usefirst.catalog.choices import ProjectCategory
from usefirst.catalog.models import Achievement, AchievementInventor, TechField
from usefirst.contracts.models import Contract, ContractAchievement, ContractKind, ContractStatus, ContractTemplate, Mode
from usefirst.core.identifiers import resident_id_check_char
from usefirst.recognition.models import ApplicationStatus, RecognitionApplication

_serial = itertools.count(1)
needs_finance = pytest.mark.skipif(not apps.is_installed("usefirst.finance"), reason="finance app not installed")


def make_person(name: str = "李明") -> Person:
    n = next(_serial)
    body = f"4401061990{n:07d}"
    person = Person(full_name=name)
    person.set_id_number("mainland", body + resident_id_check_char(body))
    person.save()
    return person


def make_achievement(
    unit: Organisation,
    *,
    persons: list[Person] | None = None,
    leader: int = 0,
    category: str = ProjectCategory.KEY_TECHNOLOGY,
    title: str | None = None,
    **extra: Any,
) -> Achievement:
    field = TechField.objects.filter(parent__isnull=False).order_by("pk").first()
    achievement = Achievement.objects.create(
        owner=unit,
        title=title or f"测试成果{next(_serial)}",
        summary="用于认定测试的成果。",
        field=field,
        trl=6,
        plan_project_category=category,
        **extra,
    )
    persons = persons if persons is not None else [make_person("李明"), make_person("王芳")]
    share = (Decimal("100.00") / len(persons)).quantize(Decimal("0.01"))
    for i, person in enumerate(persons):
        AchievementInventor.objects.create(achievement=achievement, person=person, share=share, is_leader=i == leader, position=i)
    return achievement


def _template(kind: str, mode: str) -> ContractTemplate:
    template, _ = ContractTemplate.objects.get_or_create(
        kind=kind, mode=mode, version=1, defaults={"title": "测试示范文本", "body": "{{ contract.title }}", "status": "published"}
    )
    return template


def make_contract(
    *,
    kind: str,
    mode: str,
    achievements: list[tuple[Achievement, Decimal]],
    licensor: Organisation,
    licensee: Organisation,
    created_by: User,
    parent: Contract | None = None,
    first_cooperation: bool = False,
    signed_at: dt.datetime | None = None,
) -> Contract:
    contract = Contract.objects.create(
        number=f"HT-TEST-{next(_serial):06d}",
        mode=mode,
        kind=kind,
        status=ContractStatus.SIGNED if kind != ContractKind.FREE_USE_LICENCE else ContractStatus.NEXT_STEP_AGREED,
        template=_template(kind, mode),
        title="测试合同",
        licensor=licensor,
        licensee=licensee,
        parent=parent,
        is_first_cooperation=first_cooperation,
        signed_at=signed_at or timezone.now(),
        created_by=created_by,
    )
    for position, (achievement, share) in enumerate(achievements):
        ContractAchievement.objects.create(contract=contract, achievement=achievement, price_share=share, position=position)
    return contract


def pay_later_licence(
    achievement: Achievement,
    *,
    licensee: Organisation,
    created_by: User,
    kind: str = ContractKind.LICENCE,
    others: list[tuple[Achievement, Decimal]] | None = None,
    share: Decimal = Decimal("100.00"),
    use_first: bool = True,
) -> Contract:
    """A pay_later licence/transfer after a free-use licence (or a plain one, use_first=False)."""
    links = [(achievement, share), *(others or [])]
    parent = None
    if use_first:
        parent = make_contract(
            kind=ContractKind.FREE_USE_LICENCE,
            mode=Mode.PAY_LATER,
            achievements=links,
            licensor=achievement.owner,
            licensee=licensee,
            created_by=created_by,
        )
    return make_contract(
        kind=kind,
        mode=Mode.PAY_LATER,
        achievements=links,
        licensor=achievement.owner,
        licensee=licensee,
        created_by=created_by,
        parent=parent,
    )


def cooperate_later(
    achievement: Achievement, *, licensee: Organisation, created_by: User, first_kind: str = ContractKind.DEVELOPMENT
) -> tuple[Contract, Contract]:
    parent = make_contract(
        kind=ContractKind.FREE_USE_LICENCE,
        mode=Mode.COOPERATE_LATER,
        achievements=[(achievement, Decimal("100.00"))],
        licensor=achievement.owner,
        licensee=licensee,
        created_by=created_by,
    )
    first = make_contract(
        kind=first_kind,
        mode=Mode.COOPERATE_LATER,
        achievements=[(achievement, Decimal("100.00"))],
        licensor=achievement.owner,
        licensee=licensee,
        created_by=created_by,
        parent=parent,
        first_cooperation=True,
    )
    return parent, first


def receive(contract: Contract, amount: str, *, on: dt.date, actor: User, reverses: Any = None) -> Any:
    """A confirmed receipt (or reversal) with its per-achievement allocation by price share."""
    from usefirst.finance.amounts import allocate
    from usefirst.finance.models import Receipt, ReceiptAllocation

    n = next(_serial)
    value = Decimal(amount)
    receipt = Receipt.objects.create(
        contract=contract,
        received_on=on,
        amount=value,
        payer="测试企业",
        voucher_number=f"PZ{n:06d}",
        idempotency_key=f"test-{n}",
        payload_hash="x" * 64,
        reverses=reverses,
        reason="冲销" if reverses is not None else "",
        recorded_by=actor,
        confirmed_by=actor,
        confirmed_at=timezone.now(),
    )
    weights = [(link.achievement_id, link.price_share) for link in contract.achievements.all()]
    for achievement_id, part in allocate(value, weights).items():
        ReceiptAllocation.objects.create(
            receipt=receipt, contract=contract, achievement_id=achievement_id, received_on=on, amount=part
        )
    return receipt


def in_notice_ended(application: RecognitionApplication) -> RecognitionApplication:
    """Move an application selected for public notice past the end of its notice period."""
    RecognitionApplication.objects.filter(pk=application.pk).update(
        notice_start=F("notice_start") - dt.timedelta(days=30), notice_end=F("notice_end") - dt.timedelta(days=30)
    )
    application.refresh_from_db()
    assert application.status == ApplicationStatus.PUBLIC_NOTICE
    return application
