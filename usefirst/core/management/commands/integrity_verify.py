"""Checks every hash chain (usefirst/core/hash_chain.py) and names the first forged row of each.

manage.py integrity_verify                 # the audit log, the issued-document register, the receipts
manage.py integrity_verify --chain finance.receipt

Exits 0 when every chain and every signed head holds, 1 (CommandError) otherwise, naming for each
broken chain the id of its first forged row and why.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from usefirst.core import hash_chain


class Command(BaseCommand):
    help = "校验审计记录、出具文件登记册与到账记录的摘要链及平台链头签名，指出每条链第一条被篡改的记录"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--chain", action="append", help="只校验这条链（如 contracts.issueddocument），可重复")

    def handle(self, *args: Any, **options: Any) -> None:
        wanted: list[str] | None = options["chain"]
        models = [m for m in hash_chain.chained_models() if not wanted or m.chain_name() in wanted]
        if wanted and len(models) != len(set(wanted)):
            known = "、".join(m.chain_name() for m in hash_chain.chained_models())
            raise CommandError(f"没有这条摘要链；可选：{known}")
        failures = []
        for model in models:
            label = model.chain_label or str(model._meta.verbose_name)
            count, broken = hash_chain.verify(model)
            if broken is None:
                self.stdout.write(f"{label}（{model.chain_name()}）摘要链完整：共 {count} 条记录")
            else:
                failures.append(f"{label}（{model.chain_name()}）在第 {broken.row_id} 号记录处被篡改：{broken.reason}")
        if failures:
            raise CommandError("；".join(failures))
