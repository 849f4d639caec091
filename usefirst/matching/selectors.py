"""Reads of matching, scoped through the catalog's own public listings."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from usefirst.catalog import selectors as catalog_selectors
from usefirst.catalog.models import Achievement, Demand
from usefirst.core.actors import Visitor
from usefirst.core.permissions import Action, get_for_user

from .models import ItemKind, Recommendation
from .text import readable_terms

FIELD_LABELS = {"title": "名称", "keywords": "关键词", "body": "简介"}


@dataclass
class RecommendationView:
    kind: str
    object_id: int
    title: str
    url: str
    field_name: str
    rank: int
    score: float
    similarity: float | None
    matched_terms: list[str]
    matched_fields: list[str]
    boosts: list[str]

    @property
    def matched_field_labels(self) -> list[str]:
        return [FIELD_LABELS.get(f, f) for f in self.matched_fields]

    @property
    def similarity_percent(self) -> int | None:
        return None if self.similarity is None else round(self.similarity * 100)


def source_item(*, user: Visitor, kind: str, object_id: int) -> Achievement | Demand:
    """The item recommendations are asked for, if the user may see it (404 otherwise)."""
    if kind == ItemKind.DEMAND:
        return get_for_user(Demand.objects.all(), user, Action.VIEW, pk=object_id)
    return get_for_user(Achievement.objects.all(), user, Action.VIEW, pk=object_id)


def recommendations_for(*, user: Visitor, kind: str, object_id: int, limit: int = 10) -> list[RecommendationView]:
    """The precomputed matches of an item the user may see, limited to targets the user may see."""
    source_item(user=user, kind=kind, object_id=object_id)
    rows = list(Recommendation.objects.filter(source_kind=kind, source_id=object_id).order_by("rank")[: limit * 2])
    if not rows:
        return []
    target_ids = [r.target_id for r in rows]
    empty = catalog_selectors.Filters()
    targets: QuerySet[Any]
    if kind == ItemKind.DEMAND:
        targets = catalog_selectors.achievement_list_public(user=user, filters=empty).filter(pk__in=target_ids)
        prefix = "/achievements"
    else:
        targets = catalog_selectors.demand_list_public(user=user, filters=empty).filter(pk__in=target_ids)
        prefix = "/demands"
    visible = {t.pk: t for t in targets}
    views: list[RecommendationView] = []
    for row in rows:
        target = visible.get(row.target_id)
        if target is None:
            continue
        views.append(
            RecommendationView(
                kind=row.target_kind,
                object_id=row.target_id,
                title=target.title,
                url=f"{prefix}/{row.target_id}/",
                field_name=str(target.field),
                rank=len(views) + 1,
                score=round(row.score, 6),
                similarity=None if row.similarity is None else round(row.similarity, 4),
                matched_terms=readable_terms(row.matched_terms or []),
                matched_fields=list(row.matched_fields or []),
                boosts=list(row.boosts or []),
            )
        )
        if len(views) >= limit:
            break
    return views
