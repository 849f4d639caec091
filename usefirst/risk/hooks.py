"""Risk's answers to the hooks of the apps below it (usefirst/core/hooks.py)."""

from __future__ import annotations

from django.urls import reverse

from usefirst.accounts import workspace

from . import selectors


@workspace.todo_sources.connect
def risk_todos(desk: workspace.Desk) -> list[workspace.Todo]:
    """Products waiting for the provincial department's review."""
    if not desk.provincial:
        return []
    waiting = selectors.products_waiting_review(desk.user).count()
    return [workspace.Todo("待审核的保险与担保产品", waiting, reverse("risk:review_queue"), rank=78)]
