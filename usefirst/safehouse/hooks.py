"""The 安心屋's answers to the workspace's to-dos: exemptions to determine, systems to review."""

from __future__ import annotations

from django.urls import reverse

from usefirst.accounts import workspace
from usefirst.core.permissions import Action, restrict

from .choices import ExemptionStatus, SystemStatus
from .models import ExemptionApplication, ManagementSystem


@workspace.todo_sources.connect
def safehouse_todos(desk: workspace.Desk) -> list[workspace.Todo]:
    if not desk.departments:
        return []
    exemptions = restrict(ExemptionApplication.objects.all(), desk.user, Action.REVIEW)
    systems = restrict(ManagementSystem.objects.all(), desk.user, Action.REVIEW)
    return [
        workspace.Todo(
            "待认定的尽职免责申请",
            exemptions.filter(status=ExemptionStatus.SUBMITTED).count(),
            reverse("safehouse:exemptions") + "?status=submitted",
            "核对安心屋卷宗后作出认定",
            rank=77,
        ),
        workspace.Todo(
            "待审核的配套管理制度",
            systems.filter(status=SystemStatus.SUBMITTED).count(),
            reverse("safehouse:systems") + "?status=submitted",
            rank=77,
        ),
    ]
