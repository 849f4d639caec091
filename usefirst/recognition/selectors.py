"""Reads of recognition, scoped through the chokepoint: applications, the advisory ranking,
the public list, statistics and misconduct records."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Max, Q, QuerySet

from usefirst.accounts import roles
from usefirst.accounts.models import Organisation, OrganisationKind, Person
from usefirst.catalog.choices import USE_FIRST_MODE_CHOICES
from usefirst.catalog.models import Achievement
from usefirst.core.actors import Visitor
from usefirst.core.dates import today
from usefirst.core.errors import Forbidden, NotFound
from usefirst.core.money import WAN
from usefirst.core.permissions import Action, get_for_user, restrict
from usefirst.core.regions import Region
from usefirst.policy.selectors import parameter_value

from .models import (
    OPEN_STATUSES,
    SHORTLISTED_STATUSES,
    ApplicationStatus,
    EligibilityNotice,
    MisconductRecord,
    MisconductStatus,
    Recognition,
    RecognitionApplication,
    RecognitionYear,
)


def applications_for(user: Visitor, *, year: int | None = None, status: str = "") -> QuerySet[RecognitionApplication]:
    qs = restrict(RecognitionApplication.objects.select_related("achievement", "unit"), user, Action.VIEW)
    if year:
        qs = qs.filter(year=year)
    if status:
        qs = qs.filter(status=status)
    return qs


def eligible_to_apply(user: Visitor, *, year: int) -> QuerySet[EligibilityNotice]:
    """Achievements the user's unit was told are eligible in the batch year and may still apply
    for: not applied for in that year (a decided application waits for the next batch), no open
    application, never recognised (rule 3). Scoped like the application page itself (the unit's
    members who may change the achievement)."""
    achievements = restrict(Achievement.objects.all(), user, Action.CHANGE)
    taken = RecognitionApplication.objects.filter(
        Q(year=year) | Q(status__in=[*OPEN_STATUSES, ApplicationStatus.RECOGNISED])
    ).values("achievement")
    return (
        EligibilityNotice.objects.filter(year=year, achievement__in=achievements)
        .exclude(achievement__in=taken)
        .select_related("achievement")
        .order_by("notified_at", "pk")
    )


def application_to_recommend(user: Visitor, pk: int) -> RecognitionApplication:
    """The application a user asks to recommend. A department that cannot see it (it is not
    the unit's superior) is told the rule it breaks rather than "not found": departments are
    reviewers, and the refusal must name the rule."""
    queryset = RecognitionApplication.objects.select_related("achievement", "unit")
    try:
        return get_for_user(queryset, user, Action.VIEW, pk=pk)
    except NotFound:
        if roles.department_ids(user) and RecognitionApplication.objects.filter(pk=pk).exists():
            raise Forbidden("推荐单位不是该成果单位的上级业务主管部门", code="recognition_not_superior_department") from None
        raise


def public_recognitions(*, year: int | None = None) -> QuerySet[Recognition]:
    """The public list: recognised, not revoked."""
    qs = Recognition.objects.filter(revoked_at__isnull=True).select_related("achievement", "unit")
    if year:
        qs = qs.filter(year=year)
    return qs.order_by("-year", "number")


def in_public_notice(*, on: dt.date | None = None) -> QuerySet[RecognitionApplication]:
    """Applications in public notice (公示) on `on`, today by default: the public notice page."""
    day = on or today()
    return (
        RecognitionApplication.objects.filter(status=ApplicationStatus.PUBLIC_NOTICE, notice_start__lte=day, notice_end__gte=day)
        .select_related("achievement", "unit")
        .order_by("notice_end", "pk")
    )


def recognition_batches(*, limit: int) -> list[tuple[int, int, dt.datetime]]:
    """The latest batch years of live recognitions: (year, how many, when the last was recognised)."""
    rows = (
        Recognition.objects.filter(revoked_at__isnull=True)
        .values("year")
        .annotate(n=Count("id"), last=Max("recognised_at"))
        .order_by("-last")[:limit]
    )
    return [(row["year"], row["n"], row["last"]) for row in rows]


def active_misconduct_for(
    *, unit: Organisation | None, persons: Iterable[Person], on: dt.date | None = None
) -> list[MisconductRecord]:
    """Records in force on `on` (an appealed record stays in force until decided)."""
    return list(misconduct_in_force(organisations=[unit] if unit is not None else [], persons=persons, on=on))


def misconduct_in_force(
    *, organisations: Iterable[Organisation], persons: Iterable[Person], on: dt.date | None = None
) -> QuerySet[MisconductRecord]:
    """Records in force on `on` against any of these organisations or persons, unscoped (an
    appealed record stays in force until decided; a withdrawn one is not)."""
    day = on or today()
    condition = Q(subject_organisation_id__in=[o.pk for o in organisations if o is not None])
    condition |= Q(subject_person_id__in=[p.pk for p in persons if p is not None])
    return (
        MisconductRecord.objects.filter(condition, period_start__lte=day, period_end__gte=day)
        .exclude(status=MisconductStatus.WITHDRAWN)
        .select_related("subject_organisation", "subject_person")
        .order_by("period_end", "pk")
    )


def misconduct_shown_to(
    user: Visitor, *, organisations: Iterable[Organisation] = (), persons: Iterable[Person] = (), on: dt.date | None = None
) -> list[MisconductRecord]:
    """The records in force against these subjects that `user` reviews (Action.REVIEW through
    the chokepoint): the provincial department and the subjects' reviewing or superior
    departments; never the public, the subject's counterparties, or the subject itself (it
    has the notice and the record's own page, where it may appeal)."""
    if not getattr(user, "is_authenticated", False):
        return []
    return list(restrict(misconduct_in_force(organisations=organisations, persons=persons, on=on), user, Action.REVIEW))


def misconduct_for(user: Visitor) -> QuerySet[MisconductRecord]:
    return restrict(MisconductRecord.objects.select_related("subject_organisation", "subject_person"), user, Action.VIEW)


def quota(year: int) -> tuple[int, int]:
    """(used, cap) of a batch year; the cap parameter when the year has no row yet."""
    row = RecognitionYear.objects.filter(year=year).first()
    if row is not None:
        return row.used, row.cap
    return 0, int(parameter_value("recognition_yearly_cap", on=today()))


@dataclass
class RankedApplication:
    application: RecognitionApplication
    rank: int
    score: Decimal
    shortlisted_of_unit: int


def ranking(user: Visitor, *, year: int) -> list[RankedApplication]:
    """Advisory ranking of the recommended applications of a year (择优 is the reviewer's
    decision): the amount actually received in 万元, lowered by the number of the unit's
    projects already shortlisted that year: score = amount / (1 + weight × shortlisted)."""
    weight = Decimal(str(parameter_value("ranking_shortlist_weight", on=today())))
    candidates = list(applications_for(user, year=year, status=ApplicationStatus.RECOMMENDED))
    shortlisted = Counter(
        RecognitionApplication.objects.filter(year=year, status__in=SHORTLISTED_STATUSES).values_list("unit_id", flat=True)
    )
    scored = []
    for application in candidates:
        n = shortlisted.get(application.unit_id, 0)
        score = (application.amount_received / WAN / (1 + weight * n)).quantize(Decimal("0.01"))
        scored.append((score, application, n))
    scored.sort(key=lambda t: (-t[0], t[1].pk))
    return [RankedApplication(app, i + 1, score, n) for i, (score, app, n) in enumerate(scored)]


DIMENSIONS: dict[str, tuple[str, str, dict[str, str]]] = {
    # key: (label, field on the application, value labels)
    "city": ("地市", "unit__city", {}),
    "region": ("区域", "unit__region", dict(Region.choices)),
    "unit_kind": ("单位类型", "unit__kind", dict(OrganisationKind.choices)),
    "mode": ("模式", "mode", dict(USE_FIRST_MODE_CHOICES)),
}


@dataclass
class StatRow:
    label: str
    applications: int
    recognised: int


def statistics(*, year: int, dimension: str) -> list[StatRow]:
    """Applications (recommended onwards) and recognitions (not revoked) of a year by one
    dimension. Public figures: no personal data."""
    _label, field, labels = DIMENSIONS[dimension]
    submitted = RecognitionApplication.objects.filter(year=year).exclude(status=ApplicationStatus.DRAFT)
    apps = Counter(submitted.values_list(field, flat=True))
    recognised = Counter(Recognition.objects.filter(year=year, revoked_at__isnull=True).values_list(field, flat=True))
    keys = sorted(set(apps) | set(recognised), key=lambda k: (-apps.get(k, 0), str(k)))
    return [StatRow(labels.get(str(k), str(k) or "未填"), apps.get(k, 0), recognised.get(k, 0)) for k in keys]


def years_with_data() -> list[int]:
    years = set(RecognitionApplication.objects.values_list("year", flat=True).distinct())
    years.add(today().year)
    return sorted(years, reverse=True)


def yearly() -> list[StatRow]:
    """Applications (recommended onwards) and live recognitions by batch year."""
    apps = Counter(RecognitionApplication.objects.exclude(status=ApplicationStatus.DRAFT).values_list("year", flat=True))
    recognised = Counter(Recognition.objects.filter(revoked_at__isnull=True).values_list("year", flat=True))
    return [StatRow(f"{y}年", apps.get(y, 0), recognised.get(y, 0)) for y in sorted(set(apps) | set(recognised), reverse=True)]
