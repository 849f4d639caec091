"""What every bounded context shares: append-only event rows and the audit log."""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone


class TransitionEvent(models.Model):
    """One row per state transition, written in the same transaction as the change.

    Concrete subclasses add a `subject` foreign key. Rows are never updated or deleted.
    `event_type` names what happened (a transition's name, or an event such as an edit) as a value
    of the domain's event-type choices (usefirst/core/workflow.py); rows written before it was
    recorded leave it blank.
    """

    at = models.DateTimeField("时间", default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="操作人", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    event_type = models.CharField("事件类型", max_length=48, blank=True, default="")
    from_status = models.CharField("原状态", max_length=32, blank=True)
    to_status = models.CharField("新状态", max_length=32)
    reason = models.TextField("说明", blank=True)
    payload = models.JSONField("附加数据", default=dict, blank=True)

    class Meta:
        abstract = True
        ordering: ClassVar[list[str]] = ["at", "id"]

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise RuntimeError("event rows are append-only")
        super().save(*args, **kwargs)


class AuditEntry(models.Model):
    """Audit of actions that are not state transitions: unmasking personal data, exports, settings."""

    at = models.DateTimeField("时间", default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="操作人", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    action = models.CharField("操作", max_length=64, db_index=True)
    object_type = models.CharField("对象类型", max_length=64, blank=True)
    object_id = models.CharField("对象编号", max_length=64, blank=True)
    detail = models.JSONField("详情", default=dict, blank=True)

    class Meta:
        verbose_name = "审计记录"
        verbose_name_plural = "审计记录"
        ordering: ClassVar[list[str]] = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_type}#{self.object_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise RuntimeError("audit rows are append-only")
        super().save(*args, **kwargs)


class DailyJobRun(models.Model):
    """One daily job's work for one business date (Asia/Shanghai): the record that makes a date's
    work run once, lets the scheduler catch up the dates it missed, and tells an operator what ran
    (usefirst/core/daily_jobs.py)."""

    class Status(models.TextChoices):
        RUNNING = "running", "运行中"
        FINISHED = "finished", "已完成"
        FAILED = "failed", "失败"

    job = models.CharField("任务", max_length=64)
    business_date = models.DateField("业务日期")
    status = models.CharField("状态", max_length=16, choices=Status.choices)
    started_at = models.DateTimeField("开始时间", default=timezone.now)
    finished_at = models.DateTimeField("结束时间", null=True, blank=True)
    runs = models.PositiveIntegerField("运行次数", default=1)
    result = models.JSONField("结果", default=dict, blank=True)
    error = models.TextField("错误", blank=True)

    class Meta:
        verbose_name = "每日任务运行记录"
        verbose_name_plural = "每日任务运行记录"
        ordering: ClassVar[list[str]] = ["-business_date", "job"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["job", "business_date"], name="daily_job_once_per_date"),
        ]

    def __str__(self) -> str:
        return f"{self.job} {self.business_date} {self.status}"

    @property
    def progress(self) -> tuple[int, int] | None:
        """(done, total) as the running job last reported it (daily_jobs.progress), if it did."""
        reported = self.result.get("progress") if isinstance(self.result, dict) else None
        if not isinstance(reported, dict):
            return None
        return int(reported.get("done", 0)), int(reported.get("total", 0))

    @property
    def error_summary(self) -> str:
        """The error's first line (the whole traceback is in `error`)."""
        return self.error.strip().splitlines()[0] if self.error.strip() else ""
