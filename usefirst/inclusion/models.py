"""Auto-inclusion (rule 4): the record that a plan project was swept onto the platform, and the
units' declarations of a conversion made off the platform, reviewed by their department."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from usefirst.accounts.models import Organisation
from usefirst.catalog.models import Achievement
from usefirst.core.models import TransitionEvent
from usefirst.core.text import reject_control_characters
from usefirst.plan_projects.models import PlanProject

from .choices import LIVE_DECLARATION, ConversionKind, DeclarationStatus


class AutoInclusion(models.Model):
    """A plan project swept onto the platform: once per project (the daily job's mark)."""

    project = models.OneToOneField(
        PlanProject, verbose_name="省级科技计划项目", on_delete=models.PROTECT, related_name="auto_inclusion"
    )
    unit = models.ForeignKey(Organisation, verbose_name="成果单位", on_delete=models.PROTECT, related_name="auto_inclusions")
    achievement = models.ForeignKey(Achievement, verbose_name="成果", on_delete=models.PROTECT, related_name="auto_inclusions")
    created_achievement = models.BooleanField("新建了待完善的成果", default=True)
    due_on = models.DateField("应纳入日期", help_text="验收满三年的次日")
    included_on = models.DateField("纳入日期", help_text="每日任务处理的业务日期", db_index=True)
    created_at = models.DateTimeField("创建时间", default=timezone.now)

    class Meta:
        verbose_name = "自动纳入记录"
        verbose_name_plural = "自动纳入记录"
        ordering: ClassVar[list[str]] = ["-included_on", "-id"]

    def __str__(self) -> str:
        return f"{self.project.number} → {self.included_on:%Y-%m-%d}"


def evidence_upload_path(instance: ConversionDeclaration, filename: str) -> str:
    return f"inclusion/declarations/{timezone.now():%Y/%m}/{filename}"


class ConversionDeclaration(models.Model):
    """A unit's word, with evidence, that a plan project's achievement was converted off the
    platform; once its department accepts it, the project leaves the sweep."""

    project = models.ForeignKey(
        PlanProject, verbose_name="省级科技计划项目", on_delete=models.PROTECT, related_name="conversion_declarations"
    )
    unit = models.ForeignKey(
        Organisation, verbose_name="申报单位", on_delete=models.PROTECT, related_name="conversion_declarations"
    )
    kind = models.CharField("转化方式", max_length=16, choices=ConversionKind.choices)
    counterparty = models.CharField("受让方 / 被许可方", max_length=200, validators=[reject_control_characters])
    signed_on = models.DateField("合同签订日期")
    amount = models.DecimalField("合同金额（元）", max_digits=14, decimal_places=2, null=True, blank=True)
    registration_number = models.CharField("技术合同登记号", max_length=64, blank=True, validators=[reject_control_characters])
    contract_file = models.FileField("转化合同", upload_to=evidence_upload_path)
    certificate_file = models.FileField("技术合同认定登记证明", upload_to=evidence_upload_path, blank=True)
    note = models.TextField("说明", max_length=2000, blank=True, validators=[reject_control_characters])
    status = models.CharField(
        "状态", max_length=16, choices=DeclarationStatus.choices, default=DeclarationStatus.SUBMITTED, db_index=True
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="申报人")
    created_at = models.DateTimeField("申报时间", default=timezone.now)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="审核人"
    )
    reviewed_at = models.DateTimeField("审核时间", null=True, blank=True)
    review_reason = models.TextField("审核意见", blank=True)

    class Meta:
        verbose_name = "平台外转化申报"
        verbose_name_plural = "平台外转化申报"
        ordering: ClassVar[list[str]] = ["-created_at", "-id"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            # One declaration under review or accepted per project at a time.
            models.UniqueConstraint(
                fields=["project"], condition=Q(status__in=LIVE_DECLARATION), name="one_live_declaration_per_project"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project.number} {self.get_kind_display()} {self.counterparty}"


class DeclarationEvent(TransitionEvent):
    subject = models.ForeignKey(ConversionDeclaration, on_delete=models.PROTECT, related_name="events")

    class Meta(TransitionEvent.Meta):
        verbose_name = "平台外转化申报事件"
        verbose_name_plural = "平台外转化申报事件"
