"""Local support measures (地方支持措施): subsidies, rewards and premium subsidies that cities and
development zones offer to enterprises taking up achievements, as structured records — who
qualifies, the amount or rate, the period, the contact, and where (city, county)."""

from __future__ import annotations

from decimal import Decimal
from typing import ClassVar

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from usefirst.accounts.models import Organisation
from usefirst.core.models import TransitionEvent
from usefirst.core.regions import CITY_CHOICES
from usefirst.core.text import reject_control_characters

from .choices import MeasureKind, MeasureStatus


class SupportMeasure(models.Model):
    publisher = models.ForeignKey(
        Organisation, verbose_name="发布机构", on_delete=models.PROTECT, related_name="support_measures"
    )
    title = models.CharField("措施名称", max_length=200, validators=[reject_control_characters])
    kind = models.CharField("支持方式", max_length=20, choices=MeasureKind.choices)
    city = models.CharField("适用地市", max_length=16, choices=CITY_CHOICES, db_index=True)
    county = models.CharField("适用区县", max_length=32, blank=True, help_text="留空表示全市适用")
    eligibility = models.TextField("支持对象与条件", max_length=3000, validators=[reject_control_characters])
    amount = models.DecimalField("支持金额上限（元）", max_digits=14, decimal_places=2, null=True, blank=True)
    rate = models.DecimalField(
        "支持比例（%）",
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("100"))],
    )
    valid_from = models.DateField("有效期起")
    valid_until = models.DateField("有效期止", null=True, blank=True, help_text="留空表示长期有效")
    contact_name = models.CharField("联系人", max_length=64, validators=[reject_control_characters])
    contact_phone = models.CharField("联系电话", max_length=32, validators=[reject_control_characters])
    document_ref = models.CharField("政策文件", max_length=200, blank=True, validators=[reject_control_characters])
    status = models.CharField("状态", max_length=16, choices=MeasureStatus.choices, default=MeasureStatus.DRAFT, db_index=True)
    published_at = models.DateTimeField("发布时间", null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="创建人")
    created_at = models.DateTimeField("创建时间", default=timezone.now)

    class Meta:
        verbose_name = "地方支持措施"
        verbose_name_plural = "地方支持措施"
        ordering: ClassVar[list[str]] = ["-published_at", "-id"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=models.F("valid_from")),
                name="measure_period_ordered",
            ),
            models.CheckConstraint(condition=Q(amount__isnull=False) | Q(rate__isnull=False), name="measure_amount_or_rate"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def place(self) -> str:
        return f"{self.city}{self.county}" if self.county else f"{self.city}（全市）"


class MeasureEvent(TransitionEvent):
    subject = models.ForeignKey(SupportMeasure, on_delete=models.PROTECT, related_name="events")

    class Meta(TransitionEvent.Meta):
        verbose_name = "地方支持措施事件"
        verbose_name_plural = "地方支持措施事件"
