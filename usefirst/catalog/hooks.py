"""The hooks catalog offers the apps above it, and its answers to those of core and accounts (usefirst/core/hooks.py)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from usefirst.accounts import workspace
from usefirst.core import selectors as core_selectors
from usefirst.core.dates import today
from usefirst.core.hooks import Hook

from . import selectors
from .choices import Mode

# The keyword branch of the listings: (queryset, kind "achievement" | "demand", words) → the
# matches, annotated with `search_rank`, an expression whose `ids` are the matches best first
# (a listing by relevance keeps that order itself). Matching answers with its segmented full-text index.
text_search: Hook[[QuerySet[Any], str, str], QuerySet[Any]] = Hook("catalog.text_search")
# One page of a keyword listing with no other filter, by relevance: (kind, words, offset, limit) →
# the matching ids best first and the number of matches, or None when the question should go the
# `text_search` way. Matching answers with its search engine, when one is configured (matching/engine.py).
keyword_page: Hook[[str, str, int, int], tuple[list[int], int] | None] = Hook("catalog.keyword_page")
# The facets of such a listing (the shape of `selectors.achievement_facets`), or None.
keyword_facets: Hook[[str, str], dict[str, dict[str, int]] | None] = Hook("catalog.keyword_facets")


@core_selectors.home_parts.connect
def home_parts(limit: int) -> core_selectors.HomeParts:
    """The catalog's part of the home page: its figures, the newest achievements and demands,
    and a notice of the demands about to close."""
    figures = selectors.platform_figures()
    achievements, demands = selectors.latest_public(limit=limit)
    listing = reverse("catalog:achievement_list")
    demand_listing = reverse("catalog:demand_list")
    parts = core_selectors.HomeParts(
        figures=[
            core_selectors.Figure("已发布成果", figures["achievements"], listing),
            core_selectors.Figure("可先使用后付费", figures["pay_later"], f"{listing}?mode={Mode.PAY_LATER}"),
            core_selectors.Figure("可先使用后合作", figures["cooperate_later"], f"{listing}?mode={Mode.COOPERATE_LATER}"),
            core_selectors.Figure("征集中的技术需求", figures["demands"], demand_listing),
            core_selectors.Figure("发布成果的单位", figures["units"]),
            core_selectors.Figure("认证企业", figures["enterprises"]),
        ],
        lists={
            "achievements": [
                core_selectors.Entry(
                    a.title,
                    reverse("catalog:achievement_detail", args=[a.pk]),
                    " · ".join(filter(None, [a.owner.name, a.field.name, "、".join(a.modes)])),
                    timezone.localdate(a.published_at) if a.published_at else None,
                )
                for a in achievements
            ],
            "demands": [
                core_selectors.Entry(
                    d.title,
                    reverse("catalog:demand_detail", args=[d.pk]),
                    f"{d.enterprise.name} · {d.city} · {d.deadline:%Y-%m-%d} 截止",
                    timezone.localdate(d.published_at) if d.published_at else None,
                )
                for d in demands
            ],
        },
        by_field=[(row["top_field"], row["n"]) for row in figures["by_field"]],
    )
    if figures["demands_closing"]:
        parts.notices.append(
            core_selectors.Entry(
                f"{figures['demands_closing']} 项技术需求将在 {selectors.CLOSING_DAYS} 日内截止征集",
                f"{demand_listing}?sort=deadline",
                "有意承接的成果单位请尽快发起对接",
                today(),
            )
        )
    return parts


@workspace.todo_sources.connect
def review_todos(desk: workspace.Desk) -> list[workspace.Todo]:
    """A reviewing department's queues: new achievements and revisions, and demands."""
    if not desk.departments:
        return []
    achievements = selectors.achievement_review_queue(user=desk.user).count()
    revisions = selectors.revision_review_queue(user=desk.user).count()
    demands = selectors.demand_review_queue(user=desk.user).count()
    return [
        workspace.Todo(
            "待审核的科技成果",
            achievements + revisions,
            reverse("catalog:review_achievements"),
            "新提交的成果与已发布成果的修改",
            rank=10,
        ),
        workspace.Todo("待审核的技术需求", demands, reverse("catalog:review_demands"), rank=10),
    ]
