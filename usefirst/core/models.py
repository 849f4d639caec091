"""What every bounded context shares: append-only event rows and the audit log."""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from django.conf import settings
from django.db import models, router, transaction
from django.utils import timezone

from . import audit_chain, audit_shipping, hash_chain


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


class AppendOnlyError(RuntimeError):
    """An attempt to change or remove an append-only row (a programming error, never a user's)."""


class AuditOutcome(models.TextChoices):
    SUCCESS = "success", "成功"
    REFUSED = "refused", "被拒绝"


class AuditEntryQuerySet(models.QuerySet["AuditEntry"]):
    """Audit rows are only ever added, one at a time through `save()` (which chains them):
    bulk writes, updates and deletes are refused here, and on PostgreSQL by a trigger too."""

    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyError("audit rows are append-only: no update")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("audit rows are append-only: no delete")

    def _raw_delete(self, using: Any) -> int:
        raise AppendOnlyError("audit rows are append-only: no delete")

    def bulk_create(self, *args: Any, **kwargs: Any) -> list[AuditEntry]:
        raise AppendOnlyError("audit rows are chained one at a time: no bulk_create")

    def bulk_update(self, *args: Any, **kwargs: Any) -> int:
        raise AppendOnlyError("audit rows are append-only: no bulk_update")


class AuditEntry(hash_chain.ChainedRow):
    """Audit of actions that are not state transitions: sign-ins, unmasking personal data,
    exports, settings. Append-only and hash-chained (usefirst/core/hash_chain.py, the canonical
    form in usefirst/core/audit_chain.py); written through `usefirst.core.audit.audit`."""

    chain_label = "审计记录"
    # Any constant names the chain's advisory lock; it is the same in every process.
    chain_lock_key = 0x55464155  # "UFAU"

    at = models.DateTimeField("时间", default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="操作人", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    action = models.CharField("操作", max_length=64, db_index=True)
    object_type = models.CharField("对象类型", max_length=64, blank=True)
    object_id = models.CharField("对象编号", max_length=64, blank=True)
    detail = models.JSONField("详情", default=dict, blank=True)
    # The client's address (usefirst/core/client.py); empty for a scheduled job or a command.
    source_address = models.CharField("来源地址", max_length=45, blank=True, default="")
    outcome = models.CharField("结果", max_length=16, choices=AuditOutcome.choices, default=AuditOutcome.SUCCESS)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        verbose_name = "审计记录"
        verbose_name_plural = "审计记录"
        ordering: ClassVar[list[str]] = ["-at", "-id"]
        base_manager_name = "objects"
        constraints: ClassVar[list[models.BaseConstraint]] = [
            # Two rows naming the same predecessor would fork the chain: the database refuses it,
            # whatever the locking did.
            models.UniqueConstraint(fields=["prev_hash"], name="audit_chain_one_successor"),
            models.UniqueConstraint(fields=["row_hash"], name="audit_chain_unique_hash"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_type}#{self.object_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None or not self._state.adding:
            raise AppendOnlyError("audit rows are append-only")
        using = kwargs.get("using") or router.db_for_write(type(self), instance=self)
        with transaction.atomic(using=using):
            self.detail = audit_chain.normalise_detail(self.detail)
            self.chain_link(using)
            super().save(*args, **kwargs)
            record = self.as_record()
            transaction.on_commit(lambda: audit_shipping.ship(record), using=using)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("audit rows are append-only: no delete")

    def chain_content(self) -> dict[str, Any]:
        return audit_chain.row_content(
            at=self.at,
            actor_id=self.actor_id,
            action=self.action,
            object_type=self.object_type,
            object_id=self.object_id,
            detail=self.detail,
            source_address=self.source_address,
            outcome=self.outcome,
        )

    def as_record(self) -> dict[str, Any]:
        """The row as shipped off the host and as `audit_verify --against` reads it back."""
        return {
            "id": self.pk,
            "at": self.at.astimezone(dt.UTC).isoformat(timespec="microseconds"),
            "actor": self.actor_id,
            "action": self.action,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "detail": self.detail,
            "source": self.source_address,
            "outcome": self.outcome,
            "prev_hash": self.prev_hash,
            "row_hash": self.row_hash,
        }


AUDIT_CHAIN_LOCK = AuditEntry.chain_lock_key


class ChainHeadSignature(models.Model):
    """The platform's signature of the head of one hash chain (usefirst/core/hash_chain.py), written
    by the daily job (usefirst/contracts/chain_heads.py) with a key the platform CA issues.
    Append-only."""

    chain = models.CharField("链", max_length=64)
    row_id = models.PositiveBigIntegerField("签署至记录")
    row_hash = models.CharField("链头摘要", max_length=64)
    signature = models.TextField("签名（Base64）")
    certificate_pem = models.TextField("签名证书")
    root_pem = models.TextField("平台根证书")
    signed_at = models.DateTimeField("签署时间", default=timezone.now)

    class Meta:
        verbose_name = "摘要链链头签名"
        verbose_name_plural = "摘要链链头签名"
        ordering: ClassVar[list[str]] = ["chain", "row_id"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["chain", "row_id"], name="chain_head_one_signature_per_row"),
        ]

    def __str__(self) -> str:
        return f"{self.chain} 签署至 #{self.row_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AppendOnlyError("chain head signatures are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("chain head signatures are append-only: no delete")


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


class RateCounter(models.Model):
    """One fixed window of one throttle (usefirst/core/throttle.py): how many hits it has had.
    Incremented in one statement, so concurrent requests never over-admit."""

    key = models.CharField(max_length=200, primary_key=True)
    window_end = models.BigIntegerField(db_index=True)  # Unix seconds
    count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "限流计数"
        verbose_name_plural = "限流计数"

    def __str__(self) -> str:
        return f"{self.key}={self.count}"
