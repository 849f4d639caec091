"""A task worker on the broker (core/task_broker.py): production starts two or more.

manage.py broker_worker --concurrency 4 --name worker1

Each worker takes one message at a time per thread and acknowledges it only when its task has
finished, so a worker killed mid-task leaves the message to another worker.
"""

from __future__ import annotations

import socket
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from usefirst.core.task_backend import DEAD_LETTER_QUEUE
from usefirst.core.task_broker import broker_queue, configured, queue_names


class Command(BaseCommand):
    help = "运行消息队列（RabbitMQ）上的任务工作进程；进程中断时其未确认的任务交由其他进程重新执行"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--concurrency", type=int, default=4, help="同时执行的任务数（线程）")
        parser.add_argument("--name", default=socket.gethostname(), help="工作进程名（日志与指标中显示）")
        parser.add_argument("--queues", default="", help="逗号分隔的队列名；默认为全部任务队列")

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.BROKER_URL:
            raise CommandError("未设置 USEFIRST_BROKER_URL：任务队列在数据库中，请用 task_worker 启动工作进程")
        if options["concurrency"] < 1:
            raise CommandError("--concurrency 应为正整数")
        queues = [q for q in str(options["queues"]).split(",") if q] or queue_names()
        if DEAD_LETTER_QUEUE in queues:
            raise CommandError(f"{DEAD_LETTER_QUEUE} 是死信队列，其中的消息不再执行")
        configured().worker_main(
            [
                "worker",
                "--pool=threads",
                f"--concurrency={options['concurrency']}",
                f"--hostname={options['name']}@%h",
                f"--queues={','.join(broker_queue(q) for q in queues)}",
                "--prefetch-multiplier=1",
                "--without-gossip",
                "--without-mingle",
                "--loglevel=INFO",
            ]
        )
