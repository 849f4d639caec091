"""The public achievement listing's rows as plain values: what its page's cards and the API's
items show, read in one query of those columns alone (`QuerySet.values`), not as model objects.

A keyword listing at a million achievements reads a page of rows nobody asked for before: as
objects, with every column of the achievement, its unit and its field, they cost more to read,
build and keep in the cache than the search that found them (docs/deployment.md, "Speed at a
million"). A card is read-only and has the attributes the page and the API use of an
`Achievement` (`pk`, `title`, `owner.name`, `field` and `field.top`, `modes`, …)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from .choices import offered_modes
from .models import Achievement, TechField

COLUMNS = (
    "id",
    "title",
    "summary",
    "keywords",
    "trl",
    "status",
    "published_at",
    "offers_pay_later",
    "offers_cooperate_later",
    "offers_open_licence",
    "owner_id",
    "owner__name",
    "owner__kind",
    "owner__city",
    "owner__region",
    "field__code",
    "field__name",
    "field__parent__code",
    "field__parent__name",
)


@dataclass(frozen=True, slots=True)
class CardUnit:
    pk: int
    name: str
    kind: str
    city: str
    region: str


@dataclass(frozen=True, slots=True)
class CardField:
    code: str
    name: str
    parent: CardField | None = None

    @property
    def top(self) -> CardField:
        return self.parent or self

    def __str__(self) -> str:
        return TechField.label(self.name, self.parent.name if self.parent else None)


@dataclass(frozen=True, slots=True)
class AchievementCard:
    pk: int
    title: str
    summary: str
    keywords: list[str]
    trl: int | None
    status: str
    published_at: dt.datetime | None
    offers_pay_later: bool
    offers_cooperate_later: bool
    offers_open_licence: bool
    owner: CardUnit
    field: CardField

    @property
    def modes(self) -> list[str]:  # as Achievement.modes
        return [mode.label for mode in offered_modes(self)]


def _card(row: dict[str, Any]) -> AchievementCard:
    parent = None
    if row["field__parent__code"] is not None:
        parent = CardField(row["field__parent__code"], row["field__parent__name"])
    return AchievementCard(
        pk=row["id"],
        title=row["title"],
        summary=row["summary"],
        keywords=list(row["keywords"] or []),
        trl=row["trl"],
        status=row["status"],
        published_at=row["published_at"],
        offers_pay_later=row["offers_pay_later"],
        offers_cooperate_later=row["offers_cooperate_later"],
        offers_open_licence=row["offers_open_licence"],
        owner=CardUnit(row["owner_id"], row["owner__name"], row["owner__kind"], row["owner__city"], row["owner__region"]),
        field=CardField(row["field__code"], row["field__name"], parent),
    )


def cards(rows: Iterable[dict[str, Any]]) -> list[AchievementCard]:
    """Cards of rows read with `values(*COLUMNS)`."""
    return [_card(row) for row in rows]


def card_values(queryset: QuerySet[Achievement]) -> QuerySet[Achievement, dict[str, Any]]:
    """The listing's columns of `queryset` (its order kept), for `cards`."""
    rows: QuerySet[Achievement, dict[str, Any]] = queryset.values(*COLUMNS)
    return rows
