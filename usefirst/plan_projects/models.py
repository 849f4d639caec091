"""Provincial plan projects (省级科技计划项目), owned by the host platform and imported here,
and the record of every import batch (plan projects and achievements).

Later rules query these rows: recognition refuses an achievement whose conversion is already
立项 (rule 3), and auto-inclusion looks for key-technology projects with provincial fiscal
funding three years after acceptance (rule 4).
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone

from usefirst.accounts.models import Organisation
from usefirst.catalog.choices import ProjectCategory
from usefirst.core.regions import CITY_CHOICES, OUTSIDE_PROVINCE


class ImportKind(models.TextChoices):
    PLAN_PROJECTS = "plan_projects", "省级科技计划项目"
    ACHIEVEMENTS = "achievements", "科技成果"


class ImportOutcome(models.TextChoices):
    QUEUED = "queued", "排队中"
    RUNNING = "running", "导入中"
    IMPORTED = "imported", "已导入"
    REFUSED = "refused", "有错误，未导入"


FINISHED_OUTCOMES = frozenset({ImportOutcome.IMPORTED, ImportOutcome.REFUSED})


def import_upload_path(instance: ImportBatch, filename: str) -> str:
    return f"imports/{instance.kind}/{instance.file_sha256[:2]}/{instance.file_sha256}.xlsx"


class ImportBatch(models.Model):
    """One upload: who, when, which file (SHA-256), what came of it.

    A batch is written once when the import finishes at once; a large achievement import is
    queued (the upload kept in private storage), then running, then imported or refused.
    A finished batch is never changed again.
    """

    kind = models.CharField("导入类型", max_length=16, choices=ImportKind.choices, db_index=True)
    outcome = models.CharField("结果", max_length=16, choices=ImportOutcome.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="操作人", on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(
        Organisation, verbose_name="操作机构", on_delete=models.PROTECT, related_name="import_batches"
    )
    at = models.DateTimeField("导入时间", default=timezone.now, db_index=True)
    file_name = models.CharField("文件名", max_length=255)
    file_sha256 = models.CharField("文件 SHA-256", max_length=64)
    file_size = models.PositiveIntegerField("文件大小（字节）")
    row_count = models.PositiveIntegerField("数据行数", default=0)
    created_count = models.PositiveIntegerField("新增", default=0)
    updated_count = models.PositiveIntegerField("更新", default=0)
    unchanged_count = models.PositiveIntegerField("未变化", default=0)
    error_count = models.PositiveIntegerField("错误数", default=0)
    duration_ms = models.PositiveIntegerField("耗时（毫秒）", default=0)
    expected_ms = models.PositiveIntegerField("预计耗时（毫秒）", default=0)
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)
    upload = models.FileField("上传文件", upload_to=import_upload_path, blank=True)
    detail = models.JSONField("详情", default=dict, blank=True)

    class Meta:
        verbose_name = "导入批次"
        verbose_name_plural = "导入批次"
        ordering: ClassVar[list[str]] = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.at:%Y-%m-%d %H:%M} {self.file_name}"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None and type(self).objects.filter(pk=self.pk, outcome__in=FINISHED_OUTCOMES).exists():
            raise RuntimeError("a finished import batch is never changed")
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    @property
    def is_finished(self) -> bool:
        return self.outcome in FINISHED_OUTCOMES

    @property
    def progress_percent(self) -> int:
        """Progress of a queued or running import, estimated from the expected duration (the
        rows are written in one transaction, so they cannot be counted from outside)."""
        if self.is_finished:
            return 100
        if self.outcome == ImportOutcome.QUEUED or self.started_at is None or not self.expected_ms:
            return 0
        elapsed = (timezone.now() - self.started_at).total_seconds() * 1000
        return max(1, min(95, int(elapsed * 100 / self.expected_ms)))


class PlanProject(models.Model):
    """A provincial plan project as the host platform knows it; updated on re-import."""

    number = models.CharField("项目编号", max_length=64, unique=True)
    title = models.CharField("项目名称", max_length=200)
    category = models.CharField("项目类别", max_length=16, choices=ProjectCategory.choices)
    unit_credit_code = models.CharField("承担单位统一社会信用代码", max_length=18, db_index=True)
    unit_name = models.CharField("承担单位名称", max_length=128)
    unit = models.ForeignKey(
        Organisation,
        verbose_name="承担单位（平台机构）",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="plan_projects",
        help_text="按统一社会信用代码匹配平台上的机构；承担单位尚未注册时为空",
    )
    city = models.CharField(
        "所属地市", max_length=16, blank=True, choices=[*CITY_CHOICES, (OUTSIDE_PROVINCE, OUTSIDE_PROVINCE)], db_index=True
    )
    leader_name = models.CharField("项目负责人", max_length=64)
    acceptance_date = models.DateField("验收日期", null=True, blank=True, db_index=True)
    provincial_funding = models.BooleanField("省级财政科技资金支持", default=False)
    research_funding_only = models.BooleanField("仅获省级科研经费资助", default=False)
    first_batch = models.ForeignKey(ImportBatch, on_delete=models.PROTECT, related_name="+", verbose_name="首次导入批次")
    last_batch = models.ForeignKey(ImportBatch, on_delete=models.PROTECT, related_name="+", verbose_name="最近导入批次")
    created_at = models.DateTimeField("创建时间", default=timezone.now)
    updated_at = models.DateTimeField("更新时间", default=timezone.now)

    class Meta:
        verbose_name = "省级科技计划项目"
        verbose_name_plural = "省级科技计划项目"
        ordering: ClassVar[list[str]] = ["-acceptance_date", "number"]
        indexes: ClassVar[list[models.Index]] = [models.Index(fields=["category", "provincial_funding", "acceptance_date"])]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"
