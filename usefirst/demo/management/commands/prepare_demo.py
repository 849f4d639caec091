from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand

from usefirst.demo.site import PREPARE


class Command(BaseCommand):
    help = "准备演示站点：迁移数据库、建缓存表、加载演示数据（已有数据时跳过）、补齐检索索引（make run 启动前执行）"

    def handle(self, *args: Any, **options: Any) -> None:
        for step in PREPARE:
            self.stdout.write(f"manage.py {' '.join(step)}")
            call_command(*step, stdout=self.stdout, stderr=self.stderr)
