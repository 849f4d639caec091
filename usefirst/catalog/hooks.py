"""The hooks catalog offers the apps above it, and its answers to those of core and accounts (usefirst/core/hooks.py)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.urls import reverse

from usefirst.accounts import workspace
from usefirst.core import selectors as core_selectors
from usefirst.core.hooks import Hook

from . import selectors

# The keyword branch of the listings: (queryset, kind "achievement" | "demand", words) → the
# matches, annotated with `search_rank`. Matching answers with its segmented full-text index.
text_search: Hook[[QuerySet[Any], str, str], QuerySet[Any]] = Hook("catalog.text_search")

core_selectors.home_figures.connect(selectors.platform_figures)


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
