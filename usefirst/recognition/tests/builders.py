"""Builders for recognition tests: achievements with listed inventors (written as rows: a
declared project category without a project number, which the catalog's form would refuse,
is what the eligibility checks read), and use-first contracts and receipts made through the
contract and finance services (usefirst.tests.factories)."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal
from typing import Any

from django.db.models import F

from usefirst.accounts.models import Organisation, Person, User
from usefirst.catalog.choices import ProjectCategory
from usefirst.catalog.models import Achievement, AchievementInventor, TechField
from usefirst.contracts.models import Contract, ContractKind, Mode
from usefirst.core.identifiers import resident_id_check_char
from usefirst.recognition.models import ApplicationStatus, RecognitionApplication
from usefirst.tests.factories import ContractFactory, free_use_and_follow_on, receipt_confirmed, receipt_reversed

_serial = itertools.count(1)


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


SIGNED_ON = dt.date(2026, 1, 5)  # before every receipt these tests record


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
    """A pay_later licence/transfer signed after a free-use licence (or a plain one,
    use_first=False), drafted and signed through the contract services on SIGNED_ON."""
    links = [(achievement, share), *(others or [])]
    common: dict[str, Any] = {"licensor": achievement.owner, "licensee": licensee, "actor": created_by, "achievements": links}
    if use_first:
        return free_use_and_follow_on(kind=kind, signed_on=SIGNED_ON, **common)[1]
    return ContractFactory(kind=kind, mode=Mode.PAY_LATER, signed_on=SIGNED_ON, **common)


def cooperate_later(
    achievement: Achievement, *, licensee: Organisation, created_by: User, first_kind: str = ContractKind.DEVELOPMENT
) -> tuple[Contract, Contract]:
    """A cooperate_later free-use licence and its first cooperation project, signed on SIGNED_ON."""
    return free_use_and_follow_on(
        licensor=achievement.owner,
        licensee=licensee,
        actor=created_by,
        achievements=[(achievement, Decimal("100.00"))],
        mode=Mode.COOPERATE_LATER,
        kind=first_kind,
        signed_on=SIGNED_ON,
    )


def receive(contract: Contract, amount: str, *, on: dt.date, actor: User, reverses: Any = None) -> Any:
    """A receipt recorded by the unit and confirmed by the payer; with `reverses`, the unit's
    reversal of that receipt by -amount (finance's services allocate it by price share)."""
    if reverses is not None:
        return receipt_reversed(reverses, str(-Decimal(amount)), on=on, actor=actor)
    return receipt_confirmed(contract, amount, on=on, actor=actor)


def in_notice_ended(application: RecognitionApplication) -> RecognitionApplication:
    """Move an application selected for public notice past the end of its notice period."""
    RecognitionApplication.objects.filter(pk=application.pk).update(
        notice_start=F("notice_start") - dt.timedelta(days=30), notice_end=F("notice_end") - dt.timedelta(days=30)
    )
    application.refresh_from_db()
    assert application.status == ApplicationStatus.PUBLIC_NOTICE
    return application
