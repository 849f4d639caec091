"""The precomputed rollup behind the dashboards and the open statistics.

`Cell` holds one figure per metric and combination of the dimensions (month, city, region,
technical field, mode, unit kind, source), with the organisations behind it (for the open
statistics' rule of three). The worker rebuilds every cell from the platform's own records
(`rollup.refresh`, hourly, see tasks.py); `Refresh` records when, so a page can say how fresh
its figures are. Nothing else writes here, and no page reads the source tables directly.
"""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.utils import timezone


class Metric(models.TextChoices):
    # The funnel: engagements by the month their intent was raised, and how far each went.
    INTENT = "intent", "对接意向"
    AGREED = "agreed", "达成一致"
    CONTRACTED = "contracted", "签订合同"
    PAID = "paid", "实际到账"
    # Deals and money, by the month they happened.
    CONTRACT_SIGNED = "contract_signed", "签订合同"
    FREE_USE_RUNNING = "free_use_running", "免费使用期进行中"
    FREE_USE_ENDING = "free_use_ending", "免费使用期90日内届满"
    CONVERSION = "conversion", "转为正式许可或合作"
    RECEIVED = "received", "实际到账金额"
    DISTRIBUTED = "distributed", "收益分配（已发放）"
    RECOGNISED = "recognised", "认定项目"


FUNNEL = (Metric.INTENT, Metric.AGREED, Metric.CONTRACTED, Metric.PAID)
FUNNEL_LABELS = {Metric.INTENT: "提出意向", Metric.AGREED: "达成一致", Metric.CONTRACTED: "签订合同", Metric.PAID: "实际到账"}


class Source(models.TextChoices):
    ACHIEVEMENT = "achievement", "成果方对接（科技成果）"
    DEMAND = "demand", "需求方对接（技术需求）"
    DIRECT = "direct", "直接签约（无平台对接）"


class Cell(models.Model):
    metric = models.CharField("指标", max_length=24, choices=Metric.choices)
    month = models.DateField("月份")  # the first day of the month
    city = models.CharField("地市", max_length=16, blank=True)
    region = models.CharField("区域", max_length=8, blank=True)
    field = models.CharField("技术领域", max_length=64, blank=True)
    mode = models.CharField("模式", max_length=16, blank=True)
    unit_kind = models.CharField("单位类型", max_length=32, blank=True)
    source = models.CharField("来源", max_length=16, choices=Source.choices, blank=True)
    count = models.PositiveIntegerField("数量", default=0)
    amount = models.DecimalField("金额（元）", max_digits=16, decimal_places=2, default=0)
    units = models.JSONField("涉及的成果单位", default=list)
    partners = models.JSONField("涉及的企业", default=list)

    class Meta:
        verbose_name = "统计汇总单元"
        verbose_name_plural = "统计汇总单元"
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["metric", "month"]),
            models.Index(fields=["city", "metric", "month"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_metric_display()} {self.month:%Y-%m} {self.city}"


class Refresh(models.Model):
    started_at = models.DateTimeField("开始时间", default=timezone.now)
    finished_at = models.DateTimeField("完成时间")
    seconds = models.FloatField("耗时（秒）")
    cells = models.PositiveIntegerField("汇总单元数")

    class Meta:
        verbose_name = "统计汇总刷新"
        verbose_name_plural = "统计汇总刷新"
        ordering: ClassVar[list[str]] = ["-finished_at", "-pk"]

    def __str__(self) -> str:
        return f"统计汇总 {self.finished_at:%Y-%m-%d %H:%M}"
