"""`db_worker` with a heartbeat (core/task_recovery.py): a task this worker was running when it
died is run again by another worker. Production starts its workers with this command.

A stored task that names no task this code has (its module gone, or the row damaged) is failed
once like any failing task — never picked up again — and, unlike the library's worker, which only
logs it, reported through the error-reporting seam with its id and path.

manage.py task_worker --interval 1 --no-reload   # the same options as db_worker
"""

from __future__ import annotations

import socket
import uuid
from typing import Any

from django.core.exceptions import SuspiciousOperation
from django_tasks_db.management.commands import db_worker
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand
from django_tasks_db.models import DBTaskResult

from usefirst.core.error_reporting import report_exception
from usefirst.core.task_recovery import WORKER_PREFIX, start_heartbeat


class ReportingWorker(db_worker.Worker):
    def run_task(self, db_task_result: DBTaskResult[Any, Any]) -> None:
        try:
            db_task_result.task  # noqa: B018 - loading it is the check
        except (ImportError, AttributeError, SuspiciousOperation) as exc:
            super().run_task(db_task_result)  # fails it: a FAILED task is never taken again
            report_exception(exc, kind="task", where=db_task_result.task_path, task_id=str(db_task_result.id))
            return
        super().run_task(db_task_result)


class Command(DbWorkerCommand):
    help = "运行任务队列的工作进程（带心跳：进程中断时其未完成的任务会被重新排队）"

    def handle(self, *args: Any, **options: Any) -> None:
        given = str(options.get("worker_id") or "")
        worker_id = f"{WORKER_PREFIX}{given or socket.gethostname()}"[:48] + "-" + uuid.uuid4().hex[:8]
        options["worker_id"] = worker_id
        start_heartbeat(worker_id)
        db_worker.Worker = ReportingWorker  # type: ignore[misc]  # the library builds its worker by this name
        super().handle(*args, **options)
