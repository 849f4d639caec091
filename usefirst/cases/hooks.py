"""Typical cases' answers to the hooks: the home page's latest published cases (exemplary first),
and the department's to-do of cases to review."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from usefirst.accounts import workspace
from usefirst.core import selectors as core_selectors

from . import selectors
from .choices import CaseStatus
from .models import Case


@core_selectors.home_parts.connect
def home_parts(limit: int) -> core_selectors.HomeParts:
    cases = Case.objects.filter(status=CaseStatus.PUBLISHED).order_by("-exemplary", "-published_at", "-pk")
    return core_selectors.HomeParts(
        figures=[core_selectors.Figure("典型案例", cases.count(), reverse("cases:list"))],
        lists={
            "cases": [
                core_selectors.Entry(
                    c.title,
                    reverse("cases:detail", args=[c.pk]),
                    " · ".join(x for x in ("省级示范" if c.exemplary else "", c.mode_label, c.field_label, c.amount_shown) if x),
                    timezone.localdate(c.published_at) if c.published_at else None,
                )
                for c in cases[:limit]
            ]
        },
    )


@workspace.todo_sources.connect
def case_todos(desk: workspace.Desk) -> list[workspace.Todo]:
    if not desk.departments:
        return []
    return [workspace.Todo("待审核的典型案例", selectors.review_queue(desk.user).count(), reverse("cases:mine"), rank=92)]
