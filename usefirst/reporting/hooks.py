"""Reporting's answers to the hooks of accounts (usefirst/core/hooks.py): the workspace's to-dos —
reports and rectification plans awaiting their department, reports awaiting the province's
countersign; the unit's own report to file and
the rectification plans it owes."""

from __future__ import annotations

from django.urls import reverse

from usefirst.accounts import roles, workspace
from usefirst.accounts.models import OrganisationKind
from usefirst.core.permissions import Action, restrict

from .choices import CaseStatus, ReportStatus
from .models import AnnualReport, RectificationCase
from .services import EDITABLE


@workspace.todo_sources.connect
def reporting_todos(desk: workspace.Desk) -> list[workspace.Todo]:
    todos: list[workspace.Todo] = []
    if desk.departments:
        reviews = restrict(AnnualReport.objects.all(), desk.user, Action.REVIEW)
        todos.append(
            workspace.Todo(
                "待审核的年度数据报告",
                reviews.filter(status=ReportStatus.SUBMITTED).count(),
                reverse("reporting:reports") + "?status=submitted",
                "核对与平台数据的差异后通过或退回",
                rank=79,
            )
        )
        countersigns = restrict(AnnualReport.objects.all(), desk.user, Action.ADMINISTER)
        if roles.is_provincial_staff(desk.user):
            todos.append(
                workspace.Todo(
                    "待省厅复核的年度数据报告",
                    countersigns.filter(status=ReportStatus.DEPARTMENT_ACCEPTED).count(),
                    reverse("reporting:reports") + "?status=department_accepted",
                    "主管部门已审核通过，复核通过后计入全省汇总",
                    rank=79,
                )
            )
        plans = restrict(RectificationCase.objects.all(), desk.user, Action.REVIEW)
        todos.append(
            workspace.Todo(
                "待核验的整改方案",
                plans.filter(status=CaseStatus.PLAN_SUBMITTED).count(),
                reverse("reporting:cases") + "?status=plan_submitted",
                rank=80,
            )
        )
    own = desk.organisation
    if not (desk.unit and not desk.enterprise) and own.kind != OrganisationKind.CITY_DEPARTMENT:
        return todos
    todos.append(
        workspace.Todo(
            "填报中或被退回的年度数据报告",
            AnnualReport.objects.filter(organisation=own, status__in=EDITABLE).count(),
            reverse("reporting:my_reports"),
            "上传签章封面和承诺书后提交",
            rank=81,
        )
    )
    todos.append(
        workspace.Todo(
            "待提交的整改方案",
            RectificationCase.objects.filter(unit=own, status__in=(CaseStatus.NOTIFIED, CaseStatus.PLAN_RETURNED)).count(),
            reverse("reporting:cases"),
            rank=82,
        )
    )
    return todos
