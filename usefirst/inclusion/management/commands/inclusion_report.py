"""The sweep's dry run (rule 4) for an operator: nothing is changed.

manage.py inclusion_report                       # today (Asia/Shanghai), the next 90 days
manage.py inclusion_report --on 2026-11-01 --horizon 30 --verdict falling_due
manage.py inclusion_report --xlsx 自动纳入预览.xlsx   # every project with its verdict and reason
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from usefirst.core.errors import DomainError
from usefirst.core.excel import write_xlsx
from usefirst.plan_projects.models import PlanProject

from ... import selectors

CHUNK = 500


class Command(BaseCommand):
    help = "自动纳入预览（只读）：统计日期起若干天内将纳入的项目，及其他项目不纳入的原因"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--on", default="", help="统计日期（北京时间），YYYY-MM-DD，须在政策有效期内；缺省为今天")
        parser.add_argument("--horizon", default="", help=f"预览天数，缺省 {selectors.DEFAULT_HORIZON_DAYS}")
        parser.add_argument("--verdict", default="", help="只列出该结论：falling_due、excluded 或某一结论代码")
        parser.add_argument("--xlsx", default="", help="同时把结果写入该 Excel 文件")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            filters = selectors.parse_sweep_filters(
                {"on": options["on"], "horizon": options["horizon"], "verdict": options["verdict"]}
            )
        except DomainError as exc:
            raise CommandError(exc.detail) from exc
        projects = PlanProject.objects.select_related("unit").order_by("pk")
        total = projects.count()
        rows: list[selectors.SweepRow] = []
        with tqdm(total=total, desc="判断项目", unit="个", file=self.stderr, disable=not total) as bar:
            for start in range(0, total, CHUNK):
                chunk = list(projects[start : start + CHUNK])
                rows += selectors.verdicts(chunk, on=filters.on, horizon=filters.horizon)
                bar.update(len(chunk))
        rows = selectors.filter_rows(sorted(rows, key=selectors.row_order), filters.verdict)
        self.stdout.write(f"统计日期 {filters.on:%Y-%m-%d}，预览 {filters.horizon} 天，共 {len(rows)} 个项目")
        for label, n in selectors.verdict_counts(rows):
            self.stdout.write(f"  {label}：{n}")
        for r in rows:
            if r.falls_due or filters.verdict:
                due = f"{r.due_on:%Y-%m-%d}" if r.due_on else "—"
                self.stdout.write(f"{r.project.number}\t{r.project.unit_name}\t{due}\t{r.verdict_label}\t{r.reason}")
        if options["xlsx"]:
            path = Path(options["xlsx"])
            path.write_bytes(write_xlsx(selectors.REPORT_HEADERS, selectors.report_export_rows(rows), sheet_title="自动纳入预览"))
            self.stdout.write(f"已写入 {path}")
