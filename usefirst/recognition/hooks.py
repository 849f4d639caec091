"""Recognition's answers to the hooks of the apps below it (usefirst/core/hooks.py)."""

from __future__ import annotations

import datetime
from functools import partial

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from usefirst.accounts import workspace
from usefirst.contracts.selectors import achievement_ids_of_contract
from usefirst.core import selectors as core_selectors
from usefirst.finance import hooks as finance_hooks

from . import selectors, services, tasks
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


@core_selectors.home_parts.connect
def home_parts(limit: int) -> core_selectors.HomeParts:
    """Recognition's part of the home page: the projects in public notice today and the latest
    recognised, their counts, and a notice for each notice period and each published batch."""
    notices_url = reverse("recognition:public_notices")
    list_url = reverse("recognition:public_list")
    in_notice = list(selectors.in_public_notice())
    recognised = selectors.public_recognitions().order_by("-recognised_at", "-pk")
    parts = core_selectors.HomeParts(
        figures=[
            core_selectors.Figure("已认定项目", recognised.count(), list_url),
            core_selectors.Figure("公示中的认定项目", len(in_notice), notices_url),
        ],
        lists={
            "in_notice": [
                core_selectors.Entry(
                    a.achievement.title, notices_url, f"{a.unit.name} · 公示至 {a.notice_end:%Y-%m-%d}", a.notice_start
                )
                for a in in_notice[:limit]
            ],
            "recognised": [
                core_selectors.Entry(
                    r.achievement.title,
                    reverse("catalog:achievement_detail", args=[r.achievement_id]),
                    f"{r.unit.name} · {r.year}年度 · {r.number}",
                    timezone.localdate(r.recognised_at),
                )
                for r in recognised[:limit]
            ],
        },
    )
    by_year: dict[int, list[datetime.date]] = {}
    for a in in_notice:
        if a.notice_start and a.notice_end:
            by_year.setdefault(a.year, []).extend([a.notice_start, a.notice_end])
    for year, days in sorted(by_year.items()):
        parts.notices.append(
            core_selectors.Entry(
                f"{year}年度“先用后转”认定项目公示（{len(days) // 2} 项）",
                notices_url,
                f"公示至 {max(days):%Y-%m-%d}，公示期内可登录提出异议",
                min(days),
            )
        )
    for year, count, last in selectors.recognition_batches(limit=2):
        parts.notices.append(
            core_selectors.Entry(
                f"{year}年度视同省级科技计划立项项目名单（{count} 项）",
                f"{list_url}?year={year}",
                services.RECOGNITION_TEXT,
                timezone.localdate(last),
            )
        )
    return parts
