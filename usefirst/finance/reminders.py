"""Payment reminders through the notification service, each sent once per line and kind."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from django.db import transaction

from usefirst.core.dates import today
from usefirst.notifications.services import notify

from . import selectors
from .models import ScheduleLine
from .selectors import LineState
from .services import _members, finance_url

DUE_SOON_DAYS = 7


def _kinds_for(row: selectors.ScheduleRow, day: dt.date) -> list[str]:
    line = row.line
    kinds = []
    if row.state == LineState.SCHEDULED and line.due_date is not None and (line.due_date - day).days == DUE_SOON_DAYS:
        kinds.append("due_soon")
    if row.state == LineState.DUE:
        kinds.append("due_today")
    if row.state == LineState.OVERDUE:
        kinds.append("overdue")
    if line.is_royalty and row.report_late and not hasattr(line, "royalty_report"):
        kinds.append("report_late")
    return kinds


TITLES = {
    "due_soon": "付款提醒：{label} 将于 {due} 到期",
    "due_today": "付款提醒：{label} 今日到期",
    "overdue": "逾期提醒：{label} 已于 {due} 到期，尚未足额到账",
    "report_late": "提成报告逾期：{label} 的报告截止日为 {report_due}",
}


def _owed(day: dt.date) -> Iterator[tuple[Any, selectors.ScheduleRow, str]]:
    """(contract, schedule row, reminder kind) not yet sent for `day`."""
    from usefirst.contracts.models import Contract

    contract_ids = (
        ScheduleLine.objects.filter(waived_at__isnull=True, due_date__lte=day + dt.timedelta(days=DUE_SOON_DAYS))
        .values_list("plan__contract_id", flat=True)
        .distinct()
    )
    for contract in Contract.objects.filter(pk__in=list(contract_ids)).select_related("licensee"):
        for row in selectors.schedule(contract, on=day):
            for kind in _kinds_for(row, day):
                if kind not in row.line.reminded_on:
                    yield contract, row, kind


KIND_LABELS = {
    "due_soon": "7 日内到期提醒",
    "due_today": "当日到期提醒",
    "overdue": "逾期提醒",
    "report_late": "提成报告逾期提醒",
}


def payment_reminders_due(day: dt.date) -> dict[str, list[str]]:
    """What `send_payment_reminders` would send on `day`, without sending it."""
    due: dict[str, list[str]] = {label: [] for label in KIND_LABELS.values()}
    for contract, row, kind in _owed(day):
        due[KIND_LABELS[kind]].append(f"{contract.number} {row.line.label}")
    return due


def send_payment_reminders(*, on: dt.date | None = None) -> int:
    """Notify both parties; returns the number of reminders sent. Each (line, kind) is sent once:
    the line keeps the kinds already sent, so running a date again sends nothing twice."""
    day = on or today()
    sent = 0
    for contract, row, kind in _owed(day):
        with transaction.atomic():
            line = ScheduleLine.objects.select_for_update().get(pk=row.line.pk)
            if kind in line.reminded_on:
                continue
            title = TITLES[kind].format(label=line.label, due=line.due_date, report_due=line.report_due)
            recipients = _members(contract.licensee) + _members(selectors.receiving_unit(contract))
            notify(
                recipients=recipients,
                kind=f"finance.{kind}",
                title=f"{contract.number} {title}",
                url=finance_url(contract),
            )
            ScheduleLine.objects.filter(pk=line.pk).update(reminded_on=[*line.reminded_on, kind])
            sent += 1
    return sent
