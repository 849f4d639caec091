"""The licensee's performance record (履约信用档案) is computed from platform facts
(selectors.record); what is stored here is only what people add to it: the enterprise's consent
to share it with a named organisation (revocable, every move an event row), and the enterprise's
statements on entries."""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from usefirst.accounts.models import Organisation
from usefirst.core.models import TransitionEvent
from usefirst.core.text import reject_control_characters

from .choices import ConsentStatus


class Consent(models.Model):
    """The enterprise lets one named organisation (a unit, an insurer, a guarantor) read its
    performance record until it revokes the consent."""

    enterprise = models.ForeignKey(
        Organisation, verbose_name="企业", on_delete=models.PROTECT, related_name="performance_consents"
    )
    grantee = models.ForeignKey(
        Organisation, verbose_name="获授权机构", on_delete=models.PROTECT, related_name="performance_consents_received"
    )
    status = models.CharField("状态", max_length=16, choices=ConsentStatus.choices, default=ConsentStatus.ACTIVE)
    purpose = models.CharField("用途", max_length=200, blank=True, validators=[reject_control_characters])
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    granted_at = models.DateTimeField("授权时间", default=timezone.now)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    revoked_at = models.DateTimeField("撤回时间", null=True, blank=True)

    class Meta:
        verbose_name = "履约档案共享授权"
        verbose_name_plural = "履约档案共享授权"
        ordering: ClassVar[list[str]] = ["-granted_at", "-id"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["enterprise", "grantee"], condition=Q(status="active"), name="performance_one_active_consent"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise_id}→{self.grantee_id} {self.status}"


class ConsentEvent(TransitionEvent):
    subject = models.ForeignKey(Consent, on_delete=models.PROTECT, related_name="events")

    class Meta(TransitionEvent.Meta):
        verbose_name = "授权事件"
        verbose_name_plural = "授权事件"


class Statement(models.Model):
    """The enterprise's own account of one entry of its record (情况说明). Append-only: a later
    statement stands beside the earlier ones."""

    enterprise = models.ForeignKey(Organisation, verbose_name="企业", on_delete=models.PROTECT, related_name="+")
    entry_key = models.CharField("档案条目", max_length=40)
    text = models.TextField("情况说明", max_length=2000, validators=[reject_control_characters])
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField("时间", default=timezone.now)

    class Meta:
        verbose_name = "履约档案情况说明"
        verbose_name_plural = "履约档案情况说明"
        ordering: ClassVar[list[str]] = ["enterprise", "entry_key", "at", "id"]
        indexes: ClassVar[list[models.Index]] = [models.Index(fields=["enterprise", "entry_key"], name="statement_entry_idx")]

    def __str__(self) -> str:
        return f"{self.enterprise_id}:{self.entry_key}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise RuntimeError("statements are append-only")
        super().save(*args, **kwargs)
