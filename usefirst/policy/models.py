from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

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
    reason = models.TextField("修改理由", max_length=2000)

    class Meta:
        verbose_name = "政策参数版本"
        verbose_name_plural = "政策参数版本"
        ordering: ClassVar[list[str]] = ["key", "-effective_from", "-changed_at"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            # The policy's term (parameters.POLICY_START … POLICY_END), also on the database.
            models.CheckConstraint(
                condition=models.Q(effective_from__gte=dt.date(2026, 2, 1), effective_from__lte=dt.date(2031, 1, 31)),
                name="policy_version_within_term",
                violation_error_message="生效日期须在政策有效期（2026-02-01至2031-01-31）内",
            )
        ]

    def __str__(self) -> str:
        return f"{self.key}={self.value} 自 {self.effective_from}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise RuntimeError("parameter versions are append-only")
        super().save(*args, **kwargs)
