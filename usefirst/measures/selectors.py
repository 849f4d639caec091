"""Reads of local support measures: the public list, a publisher's own, and the measures that may
apply to an enterprise by its city and county (on the pages of achievements and deals)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet

from usefirst.accounts.models import Organisation
from usefirst.core.actors import Visitor
from usefirst.core.dates import today
from usefirst.core.errors import DomainError
from usefirst.core.permissions import Action, restrict
from usefirst.core.regions import CITY_COUNTIES

from .choices import MeasureKind, MeasureStatus
from .models import SupportMeasure


def in_force(queryset: QuerySet[SupportMeasure], on: dt.date) -> QuerySet[SupportMeasure]:
    return queryset.filter(status=MeasureStatus.PUBLISHED, valid_from__lte=on).filter(
        Q(valid_until__isnull=True) | Q(valid_until__gte=on)
    )


def applicable(*, city: str, county: str = "", on: dt.date | None = None) -> QuerySet[SupportMeasure]:
    """Published measures in force on `on` (today) for an enterprise in `city` / `county`: the
    city-wide ones and those of its county."""
    if city not in CITY_COUNTIES:
        return SupportMeasure.objects.none()
    queryset = in_force(SupportMeasure.objects.select_related("publisher"), on or today()).filter(city=city)
    return queryset.filter(Q(county="") | Q(county=county)).order_by("county", "-published_at", "-id")


def applicable_to(organisation: Organisation | None, *, on: dt.date | None = None) -> QuerySet[SupportMeasure]:
    if organisation is None:
        return SupportMeasure.objects.none()
    return applicable(city=organisation.city, county=organisation.county, on=on)


def public_list(
    user: Visitor, *, city: str = "", county: str = "", kind: str = "", current: bool = True
) -> QuerySet[SupportMeasure]:
    if city and city not in CITY_COUNTIES:
        raise DomainError(f"地市“{city}”不在广东省内", code="validation_failed")
    if kind and kind not in MeasureKind.values:
        raise DomainError("支持方式筛选无效", code="validation_failed")
    queryset = restrict(SupportMeasure.objects.select_related("publisher"), user, Action.VIEW).filter(
        status=MeasureStatus.PUBLISHED
    )
    if current:
        queryset = in_force(queryset, today())
    if city:
        queryset = queryset.filter(city=city)
    if county:
        queryset = queryset.filter(Q(county="") | Q(county=county))
    if kind:
        queryset = queryset.filter(kind=kind)
    return queryset


def own(user: Visitor, organisation: Organisation) -> QuerySet[SupportMeasure]:
    return restrict(SupportMeasure.objects.all(), user, Action.CHANGE).filter(publisher=organisation).order_by("-created_at")
