"""A task whose stored payload cannot be run — its function is gone, or its arguments do not fit —
is failed once, reported with its id, counted, and never picked up again (docs/operations.md,
"Errors"); the worker goes on with the next task."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.tasks.base import TaskResultStatus
from django.test import Client, override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from usefirst.core.task_recovery import requeue_abandoned
from usefirst.monitoring.tests import tasks_for_tests

DB_TASKS = {"default": {"BACKEND": "usefirst.core.task_backend.DatabaseBackend", "QUEUES": ["default"]}}


@pytest.fixture
def error_log(tmp_path: Path, settings: Any) -> Path:
    path = tmp_path / "errors.jsonl"
    settings.ERROR_REPORTER = {"BACKEND": "usefirst.core.error_reporting.JsonLinesReporter", "OPTIONS": {"path": str(path)}}
    return path


def _stored(task_path: str, kwargs: dict[str, Any]) -> DBTaskResult[Any, Any]:
    return DBTaskResult.objects.create(
        status=TaskResultStatus.READY,
        args_kwargs={"args": [], "kwargs": kwargs},
        task_path=task_path,
        backend_name="default",
        queue_name="default",
        run_after=timezone.now(),
        exception_class_path="",
        traceback="",
    )


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@override_settings(TASKS=DB_TASKS)
def test_a_task_that_cannot_be_loaded_or_called_is_failed_once_reported_and_set_aside(error_log: Path, client: Client) -> None:
    gone = _stored("usefirst.nowhere.send_receipt_pdf", {"receipt_id": 7})
    misfit = _stored("usefirst.notifications.tasks.send_notification_email", {"notification": "七"})
    tasks_for_tests.SEEN.clear()
    tasks_for_tests.remember_request_id.enqueue()  # a good task behind them still runs
    call_command("task_worker", "--batch", "--no-startup-delay", "--interval", "0")
    for row in (gone, misfit):
        row.refresh_from_db()
        assert row.status == TaskResultStatus.FAILED
    assert len(tasks_for_tests.SEEN) == 1
    reports = [json.loads(line) for line in error_log.read_text(encoding="utf-8").splitlines()]
    where = {r["where"] for r in reports if r["kind"] == "task"}
    assert "usefirst.nowhere.send_receipt_pdf" in where
    assert any(w.endswith("send_notification_email") for w in where)
    assert requeue_abandoned(grace_seconds=0) == []
    call_command("task_worker", "--batch", "--no-startup-delay", "--interval", "0")
    gone.refresh_from_db()
    assert gone.status == TaskResultStatus.FAILED and len(gone.worker_ids) == 1
