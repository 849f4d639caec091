"""The precomputed rollup behind the dashboards and the open statistics.

`Cell` holds the dashboards' figures per metric, month, city and one dimension's value (region,
technical field, mode, unit kind, source); `OpenCell` the open statistics' figures per metric,
year and value, with how many organisations stand behind each (the rule of three). The worker rebuilds every cell from the platform's own records
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
    """One figure of the dashboards: a metric in a month and a city, in total (dimension "") or
    for one value of one dimension (region, field, mode, unit kind, source). Its size grows with
    months × cities × values, never with the number of deals."""

    metric = models.CharField("指标", max_length=24, choices=Metric.choices)
    month = models.DateField("月份")  # the first day of the month
    city = models.CharField("地市", max_length=16, blank=True)
    dimension = models.CharField("分组", max_length=16, blank=True)
    value = models.CharField("分组取值", max_length=64, blank=True)
    count = models.PositiveIntegerField("数量", default=0)
    amount = models.DecimalField("金额（元）", max_digits=16, decimal_places=2, default=0)

    class Meta:
        verbose_name = "统计汇总单元"
        verbose_name_plural = "统计汇总单元"
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["dimension", "metric", "month"]),
            models.Index(fields=["city", "dimension", "metric", "month"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_metric_display()} {self.month:%Y-%m} {self.city} {self.dimension}={self.value}"


class OpenCell(models.Model):
    """One figure of the open statistics: a metric in a year (0: every year) for one value of a
    dimension ("total", city, region, field, mode, unit kind, source, month), with how many
    distinct units and enterprises stand behind it (the rule of three is applied on reading)."""

    metric = models.CharField("指标", max_length=24, choices=Metric.choices)
    year = models.PositiveSmallIntegerField("年度")
    dimension = models.CharField("分组", max_length=16)
    value = models.CharField("分组取值", max_length=64, blank=True)
    count = models.PositiveIntegerField("数量", default=0)
    amount = models.DecimalField("金额（元）", max_digits=16, decimal_places=2, default=0)
    units = models.PositiveIntegerField("涉及的成果单位数", default=0)
    partners = models.PositiveIntegerField("涉及的企业数", default=0)

    class Meta:
        verbose_name = "公开统计单元"
        verbose_name_plural = "公开统计单元"
        indexes: ClassVar[list[models.Index]] = [models.Index(fields=["metric", "year", "dimension"])]

    def __str__(self) -> str:
        return f"{self.get_metric_display()} {self.year} {self.dimension}={self.value}"


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
