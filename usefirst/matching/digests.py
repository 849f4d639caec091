"""The digest of new matches: one notification per person and frequency, through `notify`.

A person receives the new recommendations of the items of the organisations they belong to,
at the frequency of their preference (never / daily / weekly; weekly when never set).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db import transaction

from usefirst.accounts.models import Membership, OrganisationStatus
from usefirst.notifications.models import Preference
from usefirst.notifications.services import notify

from .models import Recommendation, SearchDocument

MAX_LINES = 10


def send_digests(*, frequency: str, since: dt.datetime) -> int:
    """Notify each person whose preference is `frequency` about the matches first made since
    `since` (a pair recommended again keeps its first date). Returns the number of notifications."""
    fresh = list(Recommendation.objects.filter(created_at__gte=since).order_by("rank"))
    if not fresh:
        return 0
    sources = {
        (d.kind, d.object_id): d
        for d in SearchDocument.objects.filter(object_id__in={r.source_id for r in fresh})
        if (d.kind, d.object_id) in {(r.source_kind, r.source_id) for r in fresh}
    }
    by_org: dict[int, list[Recommendation]] = defaultdict(list)
    for row in fresh:
        source = sources.get((row.source_kind, row.source_id))
        if source is not None and source.owner_id:
            by_org[source.owner_id].append(row)
    memberships = Membership.objects.filter(
        organisation_id__in=list(by_org), is_active=True, organisation__status=OrganisationStatus.ACTIVE, user__is_active=True
    ).select_related("user")
    chosen = dict(Preference.objects.filter(user__in=[m.user for m in memberships]).values_list("user_id", "digest"))
    sent = 0
    with transaction.atomic():
        for membership in memberships:
            if chosen.get(membership.user_id, Preference.Digest.WEEKLY) != frequency:
                continue
            rows = by_org[membership.organisation_id]
            lines = []
            for row in rows[:MAX_LINES]:
                source = sources[(row.source_kind, row.source_id)]
                lines.append(
                    f"「{source.title}」匹配到新的{'技术需求' if row.source_kind == 'achievement' else '科技成果'} #{row.target_id}"
                )
            notify(
                recipients=[membership.user],
                kind="matching_digest",
                title=f"新的匹配推荐 {len(rows)} 条",
                body="\n".join(lines),
                url="/achievements/" if rows[0].source_kind == "demand" else "/demands/",
            )
            sent += 1
    return sent
