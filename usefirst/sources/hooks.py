"""The recommendation channels' answer to the workspace's to-dos: batches awaiting review."""

from __future__ import annotations

from django.urls import reverse

from usefirst.accounts import workspace
from usefirst.core.permissions import Action, restrict

from .choices import BatchStatus
from .models import RecommendationBatch


@workspace.todo_sources.connect
def sources_todos(desk: workspace.Desk) -> list[workspace.Todo]:
    if not desk.departments:
        return []
    waiting = restrict(RecommendationBatch.objects.all(), desk.user, Action.REVIEW)
    return [
        workspace.Todo(
            "待审核的成果推荐",
            waiting.filter(status=BatchStatus.SUBMITTED).count(),
            reverse("sources:batches") + "?view=review&status=submitted",
            "逐条采纳或不采纳并说明理由",
            rank=77,
        )
    ]
