"""Auto-inclusion's answers to the hooks of accounts (usefirst/core/hooks.py): the workspace's
to-dos — declarations awaiting the department, auto-included records awaiting their unit."""

from __future__ import annotations

from django.urls import reverse

from usefirst.accounts import workspace
from usefirst.catalog.choices import AchievementStatus
from usefirst.core.permissions import Action, restrict

from .choices import DeclarationStatus
from .models import AutoInclusion, ConversionDeclaration


@workspace.todo_sources.connect
def inclusion_todos(desk: workspace.Desk) -> list[workspace.Todo]:
    todos: list[workspace.Todo] = []
    if desk.departments:
        waiting = restrict(ConversionDeclaration.objects.all(), desk.user, Action.REVIEW)
        todos.append(
            workspace.Todo(
                "待审核的平台外转化申报",
                waiting.filter(status=DeclarationStatus.SUBMITTED).count(),
                reverse("inclusion:declarations") + "?status=submitted",
                "认可后项目不再自动纳入",
                rank=75,
            )
        )
    if desk.unit:
        todos.append(
            workspace.Todo(
                "自动纳入待完善的成果",
                AutoInclusion.objects.filter(unit=desk.organisation, achievement__status=AchievementStatus.AUTO_INCLUDED).count(),
                reverse("inclusion:report") + "?verdict=included",
                "验收满三年未转化，已自动纳入平台，请完善后提交审核",
                rank=76,
            )
        )
    return todos
