"""Rebuild the statistics rollup now (the worker does it every hour)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from usefirst.statistics.rollup import refresh


class Command(BaseCommand):
    help = "重新计算统计汇总（看板与公开统计的数据）"

    def handle(self, *args: Any, **options: Any) -> None:
        done = refresh()
        self.stdout.write(f"统计汇总已更新：{done.cells} 个单元，耗时 {done.seconds:.2f} 秒")
