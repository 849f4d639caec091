"""Recognition's answers to the hooks of the apps below it (usefirst/core/hooks.py)."""

from __future__ import annotations

from functools import partial

from django.db import transaction
from django.urls import reverse

from usefirst.accounts import workspace
from usefirst.contracts.selectors import achievement_ids_of_contract
from usefirst.finance import hooks as finance_hooks

from . import selectors, tasks
from .models import ApplicationStatus
from .services import batch_year


@finance_hooks.receipt_changed.connect
def recheck_after_receipt(contract_id: int) -> None:
    """After a receipt (or its reversal, confirmation or dispute) is committed, recheck the
    achievements of its contract: a recognised project below the threshold, a newly eligible one."""
    ids = achievement_ids_of_contract(contract_id)
    if not ids:
        return
    transaction.on_commit(partial(tasks.check_recognised_receipts.enqueue, achievement_ids=ids))
    transaction.on_commit(partial(tasks.notify_if_eligible.enqueue, achievement_ids=ids))


@workspace.todo_sources.connect
def recognition_todos(desk: workspace.Desk) -> list[workspace.Todo]:
    """Achievements a unit may apply for, applications waiting for the province, those in public notice."""
    if not (desk.unit or desk.departments):
        return []
    url = reverse("recognition:application_list")
    todos: list[workspace.Todo] = []
    if desk.unit:
        eligible = selectors.eligible_to_apply(desk.user, year=batch_year()).count()
        todos.append(
            workspace.Todo("可申请认定的成果", eligible, url + "#eligible", "实际到账已达认定门槛，尚未提出申请", rank=70)
        )
    if desk.provincial:
        waiting = selectors.applications_for(desk.user, status=ApplicationStatus.RECOMMENDED).count()
        todos.append(workspace.Todo("待省级审核的认定申请", waiting, f"{url}?status={ApplicationStatus.RECOMMENDED}", rank=70))
    notice = selectors.applications_for(desk.user, status=ApplicationStatus.PUBLIC_NOTICE).count()
    todos.append(
        workspace.Todo("公示中的认定", notice, f"{url}?status={ApplicationStatus.PUBLIC_NOTICE}", "公示期内可查看异议", rank=70)
    )
    return todos
