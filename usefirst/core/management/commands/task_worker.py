"""`db_worker` with a heartbeat (core/task_recovery.py): a task this worker was running when it
died is run again by another worker. Production starts its workers with this command.

manage.py task_worker --interval 1 --no-reload   # the same options as db_worker
"""

from __future__ import annotations

import socket
import uuid
from typing import Any

from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from usefirst.core.task_recovery import WORKER_PREFIX, start_heartbeat


class Command(DbWorkerCommand):
    help = "运行任务队列的工作进程（带心跳：进程中断时其未完成的任务会被重新排队）"

    def handle(self, *args: Any, **options: Any) -> None:
        given = str(options.get("worker_id") or "")
        worker_id = f"{WORKER_PREFIX}{given or socket.gethostname()}"[:48] + "-" + uuid.uuid4().hex[:8]
        options["worker_id"] = worker_id
        start_heartbeat(worker_id)
        super().handle(*args, **options)
