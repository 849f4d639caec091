"""Financing's answers to the hooks of the apps below it (usefirst/core/hooks.py)."""

from __future__ import annotations

from django.urls import reverse

from usefirst.accounts import workspace

from . import selectors


@workspace.todo_sources.connect
def financing_todos(desk: workspace.Desk) -> list[workspace.Todo]:
    """For the bank: applications to decide. For a contract party: information the bank asked
    for. For the provincial department: loan products waiting for its review."""
    url = reverse("financing:application_list")
    todos: list[workspace.Todo] = []
    if desk.organisation.kind == "bank":
        todos.append(workspace.Todo("待审批的融资申请", selectors.applications_awaiting_bank(desk.user).count(), url, rank=84))
    if desk.unit or desk.enterprise:
        todos.append(
            workspace.Todo(
                "银行要求补充材料的融资申请", selectors.applications_awaiting_applicant(desk.user).count(), url, rank=84
            )
        )
    if desk.provincial:
        waiting = selectors.products_waiting_review(desk.user).count()
        todos.append(workspace.Todo("待审核的融资产品", waiting, reverse("financing:review_queue"), rank=85))
    return todos
