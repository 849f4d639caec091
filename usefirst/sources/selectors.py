"""Reads of the recommendation channels, and the source of every achievement: the one place the
evaluations count achievements by where they came from (docs/sources.md)."""

from __future__ import annotations

from typing import Any

from django.db.models import Case, CharField, Count, Exists, F, OuterRef, QuerySet, Value, When

from usefirst.catalog.models import Achievement, AchievementEvent
from usefirst.core.actors import Visitor
from usefirst.core.errors import DomainError
from usefirst.core.permissions import Action, restrict
from usefirst.inclusion.models import AutoInclusion

from .choices import BatchStatus, Channel, SourceKind
from .models import RecommendationBatch


def batches_for(user: Visitor, *, status: str = "", to_review: bool = False) -> QuerySet[RecommendationBatch]:
    if status and status not in BatchStatus.values:
        raise DomainError("状态筛选无效", code="validation_failed")
    queryset = restrict(
        RecommendationBatch.objects.select_related("recommender", "reviewer"),
        user,
        Action.REVIEW if to_review else Action.VIEW,
    )
    if status:
        queryset = queryset.filter(status=status)
    return queryset.annotate(row_count=Count("rows")).order_by("-created_at", "-id")


def with_source(queryset: QuerySet[Achievement]) -> Any:
    """Each achievement annotated with `source` (a SourceKind value) and `source_channel`: a
    recorded source first (recommended), then auto-inclusion, then a bulk import, else the
    unit registered it itself."""
    imported = AchievementEvent.objects.filter(subject=OuterRef("pk"), event_type="import")
    included = AutoInclusion.objects.filter(achievement=OuterRef("pk"))
    return queryset.annotate(
        source=Case(
            When(source_record__isnull=False, then=F("source_record__kind")),
            When(Exists(included), then=Value(SourceKind.AUTO_INCLUDED.value)),
            When(Exists(imported), then=Value(SourceKind.IMPORTED.value)),
            default=Value(SourceKind.SELF.value),
            output_field=CharField(),
        ),
        source_channel=F("source_record__channel"),
    )


def source_of(achievement: Achievement) -> dict[str, str]:
    annotated: Any = with_source(Achievement.objects.filter(pk=achievement.pk))
    row = annotated.values("source", "source_channel").first() or {}
    kind = row.get("source") or SourceKind.SELF
    channel = row.get("source_channel") or ""
    return {
        "source": kind,
        "source_label": str(SourceKind(kind).label),
        "channel": channel,
        "channel_label": str(Channel(channel).label) if channel else "",
    }


def source_counts(queryset: QuerySet[Achievement] | None = None) -> dict[str, Any]:
    """How many achievements came from each source (and, for recommendations, each channel):
    {"by_source": {kind: n, …}, "by_channel": {channel: n, …}} with every key present."""
    base: Any = with_source(queryset if queryset is not None else Achievement.objects.all())
    by_source = {kind.value: 0 for kind in SourceKind}
    for row in base.values("source").annotate(n=Count("pk", distinct=True)):
        by_source[row["source"]] = row["n"]
    by_channel = {channel.value: 0 for channel in Channel}
    for row in base.filter(source=SourceKind.RECOMMENDED).values("source_channel").annotate(n=Count("pk", distinct=True)):
        if row["source_channel"]:
            by_channel[row["source_channel"]] = row["n"]
    return {"by_source": by_source, "by_channel": by_channel}
