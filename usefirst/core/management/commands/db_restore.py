"""Restore a backup made by `db_backup` (core/backups.py, docs/deployment.md "Backups").

manage.py db_restore var/backups/usefirst-20261206.dump           # into an empty database
manage.py db_restore var/backups/usefirst-20261206.dump --force   # replaces what is there

A database that already holds tables is refused unless --force: a restore pointed at the wrong
database would otherwise replace live data. Prints the time taken (the recovery time).
Afterwards: `manage.py audit_verify` and `manage.py search_index ensure`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from usefirst.core.backups import RestoreRefused, restore


class Command(BaseCommand):
    help = "从备份文件恢复数据库；目标数据库非空时拒绝，除非指定 --force"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="db_backup 生成的备份文件")
        parser.add_argument("--force", action="store_true", help="目标数据库非空时仍然恢复（先删除其中的对象）")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            outcome = restore(options["path"], force=options["force"])
        except FileNotFoundError as exc:
            raise CommandError(f"找不到备份文件：{exc}") from exc
        except RestoreRefused as exc:
            raise CommandError(f"目标数据库非空（已有 {exc}），拒绝恢复；确需覆盖请加 --force") from exc
        self.stdout.write(f"已从 {outcome.path} 恢复，用时 {outcome.seconds:.2f} 秒")
