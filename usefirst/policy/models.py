from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone


class ParameterVersion(models.Model):
    """One effective-dated value of a policy parameter. Append-only: a change is a new row,
    and each row records who made it and why (the parameter's event history)."""

    key = models.CharField("参数", max_length=64, db_index=True)
    value = models.JSONField("取值")
    effective_from = models.DateField("生效日期")
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    changed_at = models.DateTimeField("修改时间", default=timezone.now)
    reason = models.TextField("修改理由")

    class Meta:
        verbose_name = "政策参数版本"
        verbose_name_plural = "政策参数版本"
        ordering: ClassVar[list[str]] = ["key", "-effective_from", "-changed_at"]

    def __str__(self) -> str:
        return f"{self.key}={self.value} 自 {self.effective_from}"
