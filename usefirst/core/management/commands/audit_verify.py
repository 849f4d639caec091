"""Checks the audit log's hash chain (usefirst/core/audit.py) and names the first broken row.

manage.py audit_verify                          # the chain in the database
manage.py audit_verify --against audit.jsonl    # also compare with the copy shipped off the host

Exits 0 when the chain holds, 1 (CommandError) at the first break, naming the row's id.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from usefirst.core.audit import verify_against_copy, verify_chain


class Command(BaseCommand):
    help = "校验审计记录的摘要链，指出第一条被改动、删除或插入的记录"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--against", type=Path, help="异地副本（每行一条 JSON 记录）的路径，与数据库逐条比对")

    def handle(self, *args: Any, **options: Any) -> None:
        count, broken = verify_chain()
        if broken is not None:
            raise CommandError(f"审计记录链在第 {broken.row_id} 号记录处断开（已检查 {count} 条）：{broken.reason}")
        against: Path | None = options["against"]
        if against is not None:
            if not against.exists():
                raise CommandError(f"找不到异地副本：{against}")
            mismatch = verify_against_copy(against)
            if mismatch is not None:
                raise CommandError(f"审计记录与异地副本在第 {mismatch.row_id} 号记录处不符：{mismatch.reason}")
        self.stdout.write(f"审计记录链完整：共 {count} 条记录")
