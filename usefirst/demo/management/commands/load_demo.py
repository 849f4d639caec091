from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from usefirst.accounts.models import Organisation
from usefirst.demo.loader import load_demo
from usefirst.demo.logins import load_demo_second_factor


class Command(BaseCommand):
    help = "加载演示数据（仅演示环境 DEMO_MODE；生产环境拒绝执行）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--if-empty", action="store_true", help="数据库中已有机构时跳过（make run 重复运行时保留已有数据）")
        parser.add_argument("--limit", type=int, default=None, help="只加载前 N 项成果（测试用）")
        parser.add_argument(
            "--demand-limit", type=int, default=None, help="只加载 N 项需求（测试用；缺省时随 --limit 取 N/4，至少 10）"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not getattr(settings, "DEMO_MODE", False):
            raise CommandError("演示数据只能在演示环境（DEMO_MODE）加载，生产环境禁止执行")
        if Organisation.objects.exists():
            if options["if_empty"]:
                self.stdout.write("数据库中已有数据，跳过演示数据加载")
                # a demo loaded before the second factor: its logins get the demo authenticator now
                load_demo_second_factor(log=self.stdout.write)
                return
            raise CommandError("数据库中已有机构数据，演示数据只能加载到空数据库（可加 --if-empty 跳过）")
        limit = options["limit"]
        if limit is not None and limit < 1:
            raise CommandError("--limit 应为正整数")
        demand_limit = options["demand_limit"]
        if demand_limit is None and limit is not None:
            demand_limit = max(10, limit // 4)
        started = time.monotonic()
        self.stdout.write("正在加载演示数据……")
        counts = load_demo(achievement_limit=limit, demand_limit=demand_limit, log=self.stdout.write, with_contracts=True)
        self.stdout.write(
            self.style.SUCCESS(
                f"演示数据加载完成，用时 {time.monotonic() - started:.1f} 秒：机构 {counts['organisations']} 个，"
                f"成果 {counts['achievements']} 项（已发布 {counts['achievements_published']}），"
                f"需求 {counts['demands']} 项（已发布 {counts['demands_published']}），"
                f"合同 {counts.get('contracts', 0)} 份"
            )
        )
