"""The digest of new matches: one notification per person, frequency and business date, through `notify`.

A person receives the new recommendations of the items of the organisations they belong to,
at the frequency of their preference (never / daily / weekly; weekly when never set). It is the
daily job `matching.digests` (tasks.py): every date at 08:00 (Asia/Shanghai) the daily digests,
on Mondays the weekly ones as well.

Each digest covers the matches first made since the person's previous digest (or, for someone
who has had none, since the frequency's previous digest date; never more than LOOKBACK back) up
to 08:00 of its date, and leaves a `DigestDelivery`: running a date again sends nothing twice,
and no match falls between two digests. A date run when its next digest is already due (the scheduler catching up after an
outage) sends nothing: the next digest covers its matches, so a person gets one digest after
an outage rather than one per missed day.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from usefirst.accounts.models import Membership, OrganisationStatus
from usefirst.core.actors import Actor
from usefirst.core.daily_jobs import SHANGHAI, progress
from usefirst.notifications.models import Preference
from usefirst.notifications.services import notify

from .models import DigestDelivery, Recommendation, SearchDocument

JOB = "matching.digests"
MAX_LINES = 10
DIGEST_AT = dt.time(8, 0)  # Asia/Shanghai
PERIODS = {DigestDelivery.Frequency.DAILY: dt.timedelta(days=1), DigestDelivery.Frequency.WEEKLY: dt.timedelta(days=7)}
LOOKBACK = dt.timedelta(days=31)  # the oldest match a digest still reports


def frequencies_on(day: dt.date) -> list[str]:
    """Daily digests every date, weekly ones on Mondays."""
    weekly = [DigestDelivery.Frequency.WEEKLY.value] if day.weekday() == 0 else []
    return [DigestDelivery.Frequency.DAILY.value, *weekly]


def cutoff(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, DIGEST_AT, tzinfo=SHANGHAI)


def superseded(frequency: str, day: dt.date, now: dt.datetime) -> bool:
    """Whether the next digest of this frequency is already due: it then covers this date's matches."""
    return now >= cutoff(day) + PERIODS[DigestDelivery.Frequency(frequency)]


def _previous_until(frequency: str, day: dt.date) -> dt.datetime | None:
    """Up to when the frequency's previous digest date covered the matches (the daily job's
    record of the last date before `day` that sent this frequency rather than skipping it)."""
    from usefirst.core.models import DailyJobRun

    previous = (
        DailyJobRun.objects.filter(job=JOB, business_date__lt=day, status=DailyJobRun.Status.FINISHED, result__has_key=frequency)
        .order_by("-business_date")
        .first()
    )
    return cutoff(previous.business_date) if previous is not None else None


@dataclass(frozen=True)
class Digest:
    user: Actor
    rows: list[Recommendation]
    titles: dict[tuple[str, int], str]


def _owed(*, frequency: str, day: dt.date, until: dt.datetime) -> Iterator[Digest]:
    """The digests of `frequency` for `day` not yet sent, each with the person's new matches."""
    fresh = list(Recommendation.objects.filter(created_at__gte=until - LOOKBACK, created_at__lt=until).order_by("rank", "pk"))
    if not fresh:
        return
    keys = {(r.source_kind, r.source_id) for r in fresh}
    sources = {
        (d.kind, d.object_id): d
        for d in SearchDocument.objects.filter(object_id__in={r.source_id for r in fresh})
        if (d.kind, d.object_id) in keys
    }
    by_org: dict[int, list[Recommendation]] = defaultdict(list)
    for row in fresh:
        source = sources.get((row.source_kind, row.source_id))
        if source is not None and source.owner_id:
            by_org[source.owner_id].append(row)
    memberships = (
        Membership.objects.filter(
            organisation_id__in=list(by_org),
            is_active=True,
            organisation__status=OrganisationStatus.ACTIVE,
            user__is_active=True,
        )
        .select_related("user")
        .order_by("user_id", "organisation_id")
    )
    people: dict[int, Any] = {}
    organisations: dict[int, list[int]] = defaultdict(list)
    for membership in memberships:
        people[membership.user_id] = membership.user
        organisations[membership.user_id].append(membership.organisation_id)
    chosen = dict(Preference.objects.filter(user_id__in=list(people)).values_list("user_id", "digest"))
    sent = set(
        DigestDelivery.objects.filter(frequency=frequency, business_date=day, user_id__in=list(people)).values_list(
            "user_id", flat=True
        )
    )
    previous = dict(
        DigestDelivery.objects.filter(user_id__in=list(people))
        .values("user_id")
        .annotate(last=Max("covered_until"))
        .values_list("user_id", "last")
    )
    first_since = _previous_until(frequency, day) or until - PERIODS[DigestDelivery.Frequency(frequency)]
    titles = {key: document.title for key, document in sources.items()}
    for user_id, user in people.items():
        if chosen.get(user_id, Preference.Digest.WEEKLY) != frequency or user_id in sent:
            continue
        since = max(previous.get(user_id) or first_since, until - LOOKBACK)
        rows = [r for org in organisations[user_id] for r in by_org[org] if r.created_at >= since]
        if rows:
            yield Digest(user=user, rows=sorted(rows, key=lambda r: (r.rank, r.pk)), titles=titles)


def _line(row: Recommendation, titles: dict[tuple[str, int], str]) -> str:
    other = "技术需求" if row.source_kind == "achievement" else "科技成果"
    return f"「{titles[(row.source_kind, row.source_id)]}」匹配到新的{other} #{row.target_id}"


def send_digests(*, frequency: str, day: dt.date, until: dt.datetime | None = None) -> int:
    """Send the digests of `frequency` for `day` that were not sent yet; returns how many were sent.
    Each covers the person's matches up to `until` (08:00 of the date, or now if earlier)."""
    until = until or min(cutoff(day), timezone.now())
    owed = list(_owed(frequency=frequency, day=day, until=until))
    sent = 0
    for done, digest in enumerate(owed, start=1):
        try:
            with transaction.atomic():
                DigestDelivery.objects.create(
                    user=digest.user, frequency=frequency, business_date=day, covered_until=until, matches=len(digest.rows)
                )
                notify(
                    recipients=[digest.user],
                    kind="matching.digest",
                    title=f"新的匹配推荐 {len(digest.rows)} 条",
                    body="\n".join(_line(row, digest.titles) for row in digest.rows[:MAX_LINES]),
                    url="/achievements/" if digest.rows[0].source_kind == "demand" else "/demands/",
                )
        except IntegrityError:  # another run sent this person's digest for the date meanwhile
            continue
        sent += 1
        progress(done, len(owed))
    return sent


def send_day_digests(day: dt.date, *, now: dt.datetime | None = None) -> dict[str, int]:
    """The daily job's work for one date: each frequency due that day, unless its next digest is
    already due (then `<frequency>_skipped`: the next one covers these matches)."""
    now = now or timezone.now()
    counts: dict[str, int] = {}
    for frequency in frequencies_on(day):
        if superseded(frequency, day, now):
            counts[f"{frequency}_skipped"] = 1
            continue
        counts[frequency] = send_digests(frequency=frequency, day=day, until=min(cutoff(day), now))
    return counts


def digests_due(day: dt.date) -> dict[str, list[str]]:
    """What `send_day_digests` would send for `day`, without sending it."""
    now = timezone.now()
    due: dict[str, list[str]] = {}
    for frequency in frequencies_on(day):
        label = f"{DigestDelivery.Frequency(frequency).label}摘要"
        if superseded(frequency, day, now):
            due[f"{label}（下一期已到期，由下一期一并发送）"] = []
            continue
        due[label] = [
            f"{d.user.full_name or d.user.email}：{len(d.rows)} 条"
            for d in _owed(frequency=frequency, day=day, until=min(cutoff(day), now))
        ]
    return due
