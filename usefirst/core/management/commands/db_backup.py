"""A backup of the whole database into one file (core/backups.py, docs/deployment.md "Backups").

manage.py db_backup var/backups/usefirst-20261206.dump

Prints how long it took and the file's size; with the time of the last backup this is the
recovery point of a dump-only schedule.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from usefirst.core.backups import backup


class Command(BaseCommand):
    help = "将整个数据库备份到一个文件（PostgreSQL：pg_dump 自定义格式）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="备份文件的路径")

    def handle(self, *args: Any, **options: Any) -> None:
        outcome = backup(options["path"])
        self.stdout.write(f"已备份到 {outcome.path}：{outcome.bytes} 字节，用时 {outcome.seconds:.2f} 秒")
