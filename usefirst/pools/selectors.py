"""Reads of industry pools: the list, a pool's entries as the viewer may see them, the digest."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from usefirst.accounts import roles
from usefirst.catalog.models import Achievement
from usefirst.core.actors import Visitor
from usefirst.core.permissions import Action, restrict

from .choices import EntryStatus
from .models import Pool, PoolEntry


def pools() -> QuerySet[Pool]:
    return (
        Pool.objects.select_related("operator")
        .annotate(
            admitted=Count("entries", filter=Q(entries__status=EntryStatus.ADMITTED), distinct=True),
            member_count=Count("members", distinct=True),
        )
        .order_by("name", "id")
    )


def is_insider(user: Visitor, pool: Pool) -> bool:
    mine = roles.organisation_ids(user)
    return pool.operator_id in mine or pool.members.filter(pk__in=mine).exists()


def entries(user: Visitor, pool: Pool, status: str) -> QuerySet[PoolEntry]:
    """Entries of a state whose achievement this viewer may see (an auto-included one shows to
    its unit, its department and the operator who placed it)."""
    visible = restrict(Achievement.objects.all(), user, Action.VIEW).values("pk")
    queryset = restrict(PoolEntry.objects.filter(pool=pool, status=status), user, Action.VIEW)
    if not roles.is_member(user, pool.operator):
        queryset = queryset.filter(achievement__in=visible)
    return queryset.select_related("achievement", "achievement__owner", "proposed_by").annotate(
        yes=Count("votes", filter=Q(votes__approve=True)), no=Count("votes", filter=Q(votes__approve=False))
    )


@dataclass
class Digest:
    pool: Pool
    since: dt.datetime
    admitted: list[PoolEntry]
    proposed: list[PoolEntry]


def digest(user: Visitor, pool: Pool, *, days: int = 30) -> Digest:
    since = timezone.now() - dt.timedelta(days=days)
    admitted: Any = entries(user, pool, EntryStatus.ADMITTED).filter(decided_at__gte=since)
    proposed: Any = entries(user, pool, EntryStatus.PROPOSED)
    return Digest(pool, since, list(admitted.order_by("-decided_at")), list(proposed.order_by("-created_at")))
