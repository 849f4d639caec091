"""Recommendation channels (推荐渠道): a batch of achievements recommended to the platform by a
city, a unit, a superior department, an enterprise or an out-of-province institute, reviewed by
the city or the province row by row; and the source recorded for each achievement it brings."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone

from usefirst.accounts.models import Organisation
from usefirst.catalog.choices import IpKind
from usefirst.catalog.models import Achievement, TechField
from usefirst.core.models import TransitionEvent
from usefirst.core.text import reject_control_characters

from .choices import BatchStatus, Channel, Intent, Maturity, RowOutcome, SourceKind


def signed_upload_path(instance: RecommendationBatch, filename: str) -> str:
    return f"sources/recommendations/{timezone.now():%Y/%m}/{filename}"


class RecommendationBatch(models.Model):
    recommender = models.ForeignKey(
        Organisation, verbose_name="推荐机构", on_delete=models.PROTECT, related_name="recommendation_batches"
    )
    channel = models.CharField("推荐渠道", max_length=16, choices=Channel.choices, db_index=True)
    reviewer = models.ForeignKey(
        Organisation, verbose_name="审核部门", on_delete=models.PROTECT, related_name="recommendation_batches_to_review"
    )
    title = models.CharField("批次名称", max_length=200, validators=[reject_control_characters])
    note = models.TextField("推荐说明", max_length=2000, blank=True, validators=[reject_control_characters])
    via_excel = models.BooleanField("通过 Excel 提交", default=False)
    file_name = models.CharField("Excel 文件名", max_length=200, blank=True)
    signed_recommendation = models.FileField("单位盖章推荐函", upload_to=signed_upload_path)
    status = models.CharField("状态", max_length=16, choices=BatchStatus.choices, default=BatchStatus.SUBMITTED, db_index=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="提交人")
    created_at = models.DateTimeField("提交时间", default=timezone.now)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="审核人"
    )
    reviewed_at = models.DateTimeField("审核时间", null=True, blank=True)

    class Meta:
        verbose_name = "成果推荐批次"
        verbose_name_plural = "成果推荐批次"
        ordering: ClassVar[list[str]] = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.recommender.name}：{self.title}"


class RecommendationRow(models.Model):
    batch = models.ForeignKey(RecommendationBatch, on_delete=models.CASCADE, related_name="rows")
    position = models.PositiveIntegerField("行号", help_text="Excel 中的行号，或表单中的序号")
    title = models.CharField("成果名称", max_length=200, validators=[reject_control_characters])
    owner_name = models.CharField("成果单位", max_length=200, validators=[reject_control_characters])
    owner = models.ForeignKey(
        Organisation, verbose_name="平台上的成果单位", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    owner_outside_province = models.BooleanField("省外单位", default=False)
    ip_kind = models.CharField("知识产权类型", max_length=24, choices=IpKind.choices, blank=True)
    ip_number = models.CharField("知识产权号", max_length=64, blank=True)
    field = models.ForeignKey(TechField, verbose_name="技术领域", on_delete=models.PROTECT, related_name="+")
    maturity = models.CharField("成熟度", max_length=16, choices=Maturity.choices)
    summary = models.TextField("成果简介", max_length=3000, blank=True, validators=[reject_control_characters])
    scenario = models.TextField("应用场景说明", max_length=2000, validators=[reject_control_characters])
    inventors_consent = models.BooleanField("完成人同意推荐", default=False)
    outcome = models.CharField("审核结果", max_length=16, choices=RowOutcome.choices, default=RowOutcome.PENDING, db_index=True)
    outcome_reason = models.TextField("审核意见", blank=True)
    achievement = models.ForeignKey(
        Achievement, verbose_name="形成的成果草稿", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "推荐成果"
        verbose_name_plural = "推荐成果"
        ordering: ClassVar[list[str]] = ["batch", "position"]

    def __str__(self) -> str:
        return f"{self.title}（{self.owner_name}）"


class BatchEvent(TransitionEvent):
    subject = models.ForeignKey(RecommendationBatch, on_delete=models.PROTECT, related_name="events")

    class Meta(TransitionEvent.Meta):
        verbose_name = "成果推荐批次事件"
        verbose_name_plural = "成果推荐批次事件"


class ConversionIntent(models.Model):
    """A unit's surveyed intent for one achievement (an existing one, or a patent the survey put
    on the platform as a draft): the latest survey answer per achievement."""

    unit = models.ForeignKey(Organisation, verbose_name="成果单位", on_delete=models.PROTECT, related_name="conversion_intents")
    achievement = models.OneToOneField(Achievement, on_delete=models.PROTECT, related_name="conversion_intent")
    intent = models.CharField("转化意向", max_length=16, choices=Intent.choices)
    minimum_terms = models.TextField("最低条件", max_length=1000, blank=True, validators=[reject_control_characters])
    minimum_price = models.DecimalField("最低价格（元）", max_digits=14, decimal_places=2, null=True, blank=True)
    inventors_consent = models.BooleanField("完成人同意", default=False)
    surveyed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    surveyed_at = models.DateTimeField("填报时间", default=timezone.now)

    class Meta:
        verbose_name = "转化意向"
        verbose_name_plural = "转化意向"
        ordering: ClassVar[list[str]] = ["-surveyed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.achievement_id} {self.get_intent_display()}"


class AchievementSource(models.Model):
    """The recorded source of an achievement that did not come in the ordinary way; an
    achievement without one counts as self-registered, imported or auto-included (selectors)."""

    achievement = models.OneToOneField(Achievement, on_delete=models.PROTECT, related_name="source_record")
    kind = models.CharField("来源", max_length=16, choices=SourceKind.choices)
    channel = models.CharField("推荐渠道", max_length=16, choices=Channel.choices, blank=True)
    row = models.ForeignKey(RecommendationRow, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField("记录时间", default=timezone.now)

    class Meta:
        verbose_name = "成果来源"
        verbose_name_plural = "成果来源"

    def __str__(self) -> str:
        return f"{self.achievement_id} {self.get_kind_display()}"
