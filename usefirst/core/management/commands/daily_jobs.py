"""The daily jobs, for an operator (usefirst/core/daily_jobs.py).

manage.py daily_jobs status                          # each job: last finished date, failures, dates owed
manage.py daily_jobs due --date 2026-12-05           # what each job would do on that date (does nothing)
manage.py daily_jobs run --date 2026-12-05 [--job contracts.advance] [--force]
manage.py daily_jobs catch-up                        # what the scheduler's tick does: every date owed
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from usefirst.core import daily_jobs
from usefirst.core.models import DailyJobRun


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"日期格式应为 YYYY-MM-DD：{value}") from exc


class Command(BaseCommand):
    help = "每日任务：状态（status）、某日待办（due）、重跑某日（run）、补跑错过的日期（catch-up）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["status", "due", "run", "catch-up"])
        parser.add_argument("--date", help="业务日期（北京时间），YYYY-MM-DD；缺省为今天")
        parser.add_argument("--job", help="只处理这一项任务（名称见 status）")
        parser.add_argument("--force", action="store_true", help="已完成的日期也重新运行（各任务按对象去重，不会重复提醒）")

    def handle(self, *args: Any, **options: Any) -> None:
        day = _date(options["date"]) if options["date"] else daily_jobs.business_today()
        try:
            selected = [daily_jobs.job(options["job"])] if options["job"] else list(daily_jobs.jobs().values())
        except KeyError as exc:
            raise CommandError(str(exc.args[0])) from exc
        action = options["action"]
        if action == "status":
            self._status(selected)
        elif action == "due":
            self._due(selected, day)
        elif action == "run":
            self._run([(j, day) for j in selected], force=options["force"])
        else:
            owed = [(j, d) for j, d in daily_jobs.pending() if j in selected]
            if not owed:
                self.stdout.write("没有错过的日期")
            self._run(owed, force=False)

    def _status(self, selected: list[daily_jobs.DailyJob]) -> None:
        names = {job.name for job in selected}
        for state in daily_jobs.overview():
            if state.job.name not in names:
                continue
            job = state.job
            self.stdout.write(f"{job.name}（{job.label}，每日 {job.at:%H:%M} 起）")
            self.stdout.write(f"  最近完成的日期：{state.last_finished or '尚未运行'}")
            for row in state.running:
                done = f"，已处理 {row.progress[0]} / {row.progress[1]}" if row.progress else ""
                self.stdout.write(f"  运行中：{row.business_date}（{row.started_at:%Y-%m-%d %H:%M} 开始{done}）")
            if state.failed:
                self.stdout.write(f"  失败的日期：{'、'.join(str(r.business_date) for r in state.failed[:10])}")
            self.stdout.write(f"  待运行：{'、'.join(str(d) for d in state.owed) if state.owed else '无'}")

    def _due(self, selected: list[daily_jobs.DailyJob], day: dt.date) -> None:
        for job in selected:
            done = DailyJobRun.objects.filter(job=job.name, business_date=day, status=DailyJobRun.Status.FINISHED).exists()
            self.stdout.write(f"{job.name}（{job.label}）{day}{' — 已完成' if done else ''}")
            if job.due is None:
                self.stdout.write("  （该任务不提供预览）")
                continue
            for step, items in job.due(day).items():
                self.stdout.write(f"  {step}：{len(items)} 项")
                for item in items[:20]:
                    self.stdout.write(f"    {item}")
                if len(items) > 20:
                    self.stdout.write(f"    ……另有 {len(items) - 20} 项")

    def _run(self, owed: list[tuple[daily_jobs.DailyJob, dt.date]], *, force: bool) -> None:
        failed = 0
        with tqdm(total=len(owed), desc="每日任务", unit="项", file=self.stderr, disable=not owed) as bar:
            for job, day in owed:
                outcome = daily_jobs.run(job, day, force=force)
                state = dict(DailyJobRun.Status.choices).get(outcome.status, outcome.status)
                detail = outcome.note or (outcome.result if outcome.result is not None else "")
                self.stdout.write(f"{job.name} {day}：{state} {detail}")
                failed += outcome.status == DailyJobRun.Status.FAILED
                bar.update(1)
        if failed:
            raise CommandError(f"{failed} 项任务运行失败，见上方错误与 status")
