"""Annual data reporting (年度数据填报) and rectification cases (整改): the filing window of a year,
each organisation's report with its figures, the platform's figures it was compared with, its
annex lists and its signed cover and undertaking; the cases a department opens against a unit."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from usefirst.accounts.models import Organisation
from usefirst.contracts.models import Contract
from usefirst.core.models import TransitionEvent
from usefirst.core.text import reject_control_characters
from usefirst.recognition.models import MisconductRecord

from .choices import AnnexKind, CaseSeverity, CaseStatus, FormKind, ReportStatus


class FilingWindow(models.Model):
    """The filing window of a year's reports: when it opens and its deadline (inclusive)."""

    year = models.PositiveSmallIntegerField("报告年度", unique=True)
    opens_on = models.DateField("开始填报日期")
    deadline = models.DateField("截止日期（含当日）")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("创建时间", default=timezone.now)

    class Meta:
        verbose_name = "年度填报期"
        verbose_name_plural = "年度填报期"
        ordering: ClassVar[list[str]] = ["-year"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.CheckConstraint(condition=Q(deadline__gte=models.F("opens_on")), name="reporting_window_in_order"),
        ]

    def __str__(self) -> str:
        return f"{self.year} 年度（{self.opens_on:%Y-%m-%d} 至 {self.deadline:%Y-%m-%d}）"


def report_upload_path(instance: AnnualReport, filename: str) -> str:
    return f"reporting/{instance.year}/{instance.organisation_id}/{filename}"


class AnnualReport(models.Model):
    """One organisation's report for one year (at most one: a second for the same year is refused)."""

    organisation = models.ForeignKey(
        Organisation, verbose_name="填报单位", on_delete=models.PROTECT, related_name="annual_reports"
    )
    year = models.PositiveSmallIntegerField("报告年度")
    form = models.CharField("报告表", max_length=8, choices=FormKind.choices)
    status = models.CharField("状态", max_length=24, choices=ReportStatus.choices, default=ReportStatus.DRAFT, db_index=True)
    department = models.ForeignKey(
        Organisation, verbose_name="审核部门", on_delete=models.PROTECT, related_name="reports_to_review", null=True
    )
    values = models.JSONField("填报数据", default=dict, help_text="字段编号 → 填报值（数值以文本保存）")
    platform = models.JSONField("平台数据", default=dict, help_text="字段编号 → 平台统计值（提交时更新）")
    flags = models.JSONField("差异提示", default=list, help_text="超过容差的字段编号")
    cover_file = models.FileField("签章封面", upload_to=report_upload_path, blank=True)
    undertaking_file = models.FileField("承诺书", upload_to=report_upload_path, blank=True)
    extended_until = models.DateField("延期至（含当日）", null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("创建时间", default=timezone.now)
    updated_at = models.DateTimeField("更新时间", default=timezone.now)
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="审核人"
    )
    reviewed_at = models.DateTimeField("审核时间", null=True, blank=True)
    review_reason = models.TextField("审核意见", blank=True)
    countersigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="省厅复核人"
    )
    countersigned_at = models.DateTimeField("省厅复核时间", null=True, blank=True)
    countersign_reason = models.TextField("省厅复核意见", blank=True)

    class Meta:
        verbose_name = "年度数据报告"
        verbose_name_plural = "年度数据报告"
        ordering: ClassVar[list[str]] = ["-year", "organisation__name", "id"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["organisation", "year"], name="one_report_per_organisation_year"),
        ]

    def __str__(self) -> str:
        return f"{self.organisation.name} {self.year} 年度报告"


class AnnexRow(models.Model):
    """A row of one of the report's three annex lists."""

    report = models.ForeignKey(AnnualReport, on_delete=models.CASCADE, related_name="annex_rows")
    annex = models.CharField("清单", max_length=16, choices=AnnexKind.choices)
    title = models.CharField("成果或项目名称", max_length=200, validators=[reject_control_characters])
    mode = models.CharField("转化方式或合同类型", max_length=64, blank=True, validators=[reject_control_characters])
    counterparty = models.CharField(
        "受让方、被许可方或委托方", max_length=200, blank=True, validators=[reject_control_characters]
    )
    amount = models.DecimalField("合同金额（万元）", max_digits=16, decimal_places=6, null=True, blank=True)
    received = models.DecimalField("当年到账（万元）", max_digits=16, decimal_places=6, null=True, blank=True)
    fiscal = models.BooleanField("财政资助项目", default=False)
    contract = models.ForeignKey(
        Contract, verbose_name="平台合同", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    contract_number = models.CharField("平台合同编号", max_length=32, blank=True)
    note = models.CharField("说明", max_length=500, blank=True, validators=[reject_control_characters])
    from_platform = models.BooleanField("由平台数据生成", default=False)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "报告附表行"
        verbose_name_plural = "报告附表行"
        ordering: ClassVar[list[str]] = ["annex", "position", "id"]

    def __str__(self) -> str:
        return f"{self.get_annex_display()}：{self.title}"


class ReportEvent(TransitionEvent):
    subject = models.ForeignKey(AnnualReport, on_delete=models.PROTECT, related_name="events")

    class Meta(TransitionEvent.Meta):
        verbose_name = "年度数据报告事件"
        verbose_name_plural = "年度数据报告事件"


class ReportReminder(models.Model):
    """A deadline reminder sent to an organisation for a year (once per threshold)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    days_before = models.IntegerField(help_text="距截止日的天数；负数为逾期提醒")
    sent_on = models.DateField()

    class Meta:
        verbose_name = "填报提醒"
        verbose_name_plural = "填报提醒"
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["organisation", "year", "days_before"], name="reporting_reminder_once"),
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id} {self.year} {self.days_before}"


def plan_upload_path(instance: RectificationCase, filename: str) -> str:
    return f"reporting/rectification/{instance.unit_id}/{filename}"


class RectificationCase(models.Model):
    """整改: a deviation the province or a city found at a unit, the unit's plan, its verification."""

    number = models.CharField("案件编号", max_length=32, unique=True)
    unit = models.ForeignKey(Organisation, verbose_name="整改单位", on_delete=models.PROTECT, related_name="rectification_cases")
    opened_by_org = models.ForeignKey(Organisation, verbose_name="发现部门", on_delete=models.PROTECT, related_name="+")
    report = models.ForeignKey(
        AnnualReport, verbose_name="相关年度报告", null=True, blank=True, on_delete=models.PROTECT, related_name="cases"
    )
    title = models.CharField("问题", max_length=200, validators=[reject_control_characters])
    finding = models.TextField("发现的偏差及依据", max_length=3000, validators=[reject_control_characters])
    severity = models.CharField("严重程度", max_length=16, choices=CaseSeverity.choices, default=CaseSeverity.GENERAL)
    status = models.CharField("状态", max_length=16, choices=CaseStatus.choices, default=CaseStatus.FOUND, db_index=True)
    plan_due = models.DateField("整改方案提交期限", null=True, blank=True)
    plan = models.TextField("整改方案", max_length=5000, blank=True, validators=[reject_control_characters])
    plan_file = models.FileField("整改方案附件", upload_to=plan_upload_path, blank=True)
    plan_submitted_at = models.DateTimeField("方案提交时间", null=True, blank=True)
    verification = models.TextField("核验意见", blank=True)
    closed_at = models.DateTimeField("销号时间", null=True, blank=True)
    misconduct = models.ForeignKey(
        MisconductRecord, verbose_name="移交的科研失信记录", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reminded_on = models.DateField("最近提醒日期", null=True, blank=True)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    opened_at = models.DateTimeField("立案时间", default=timezone.now)

    class Meta:
        verbose_name = "整改案件"
        verbose_name_plural = "整改案件"
        ordering: ClassVar[list[str]] = ["-opened_at", "-id"]

    def __str__(self) -> str:
        return f"{self.number} {self.unit.name}：{self.title}"


class CaseEvent(TransitionEvent):
    subject = models.ForeignKey(RectificationCase, on_delete=models.PROTECT, related_name="events")

    class Meta(TransitionEvent.Meta):
        verbose_name = "整改案件事件"
        verbose_name_plural = "整改案件事件"
