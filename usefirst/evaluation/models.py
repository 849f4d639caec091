"""Evaluations (DOMAIN.md rules 5 and 6): a scheme held as data, its results and the procedure
around them.

An `Evaluation` is one version of a year's scheme for one kind (agencies, units, cities' work):
its indicators, its regional multiplier and grading rules, and — once computed — its results.
A scheme is edited only while it is a draft; recomputing a published evaluation makes the next
version (`evaluation_new_version`) and never touches the published one, whose results keep the
input figures they were computed from (`Result.figures`), so a result can be explained years later.
"""

from __future__ import annotations

from decimal import Decimal
from typing import ClassVar

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from usefirst.accounts.models import Organisation
from usefirst.core.models import TransitionEvent
from usefirst.core.text import reject_control_characters

from .choices import CityOpinion, Direction, EvaluationKind, EvaluationStatus, Grade, Normalisation


class Evaluation(models.Model):
    kind = models.CharField("评价类别", max_length=16, choices=EvaluationKind.choices)
    year = models.PositiveIntegerField("评价年度", validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    version = models.PositiveIntegerField("版本", default=1)
    name = models.CharField("方案名称", max_length=120, validators=[reject_control_characters])
    status = models.CharField(
        "状态", max_length=16, choices=EvaluationStatus.choices, default=EvaluationStatus.DRAFT, db_index=True
    )
    regional_multiplier = models.DecimalField(
        "粤东粤西粤北成交加权系数",
        max_digits=4,
        decimal_places=2,
        default=Decimal("1.20"),
        validators=[MinValueValidator(Decimal("1.00")), MaxValueValidator(Decimal("5.00"))],
        help_text="企业（实施地）位于粤东、粤西、粤北区县的成交，计数与金额乘以该系数",
    )
    excellent_share = models.DecimalField(
        "优秀比例上限（%）",
        max_digits=5,
        decimal_places=2,
        default=Decimal("20.00"),
        validators=[MinValueValidator(Decimal("0.00")), MaxValueValidator(Decimal("100.00"))],
    )
    pass_score = models.DecimalField(
        "合格分数线",
        max_digits=5,
        decimal_places=2,
        default=Decimal("40.00"),
        validators=[MinValueValidator(Decimal("0.00")), MaxValueValidator(Decimal("100.00"))],
    )
    objection_days = models.PositiveSmallIntegerField(
        "公示及异议期（天）", default=7, validators=[MinValueValidator(1), MaxValueValidator(60)]
    )
    publicity_start = models.DateField("公示开始日", null=True, blank=True)
    publicity_end = models.DateField("公示截止日（含）", null=True, blank=True)
    computed_at = models.DateTimeField("计算时间", null=True, blank=True)
    published_at = models.DateTimeField("发布时间", null=True, blank=True)
    previous = models.ForeignKey(
        "self", verbose_name="上一版本", null=True, blank=True, on_delete=models.PROTECT, related_name="next_versions"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("创建时间", default=timezone.now)

    class Meta:
        verbose_name = "评价方案"
        verbose_name_plural = "评价方案"
        ordering: ClassVar[list[str]] = ["-year", "kind", "-version"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["kind", "year", "version"], name="evaluation_version_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.year} 年度{self.get_kind_display()}（第 {self.version} 版）"

    @property
    def is_editable(self) -> bool:
        return self.status == EvaluationStatus.DRAFT

    @property
    def weight_total(self) -> Decimal:
        return sum((i.weight for i in self.indicators.all()), Decimal("0"))


class Indicator(models.Model):
    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="indicators")
    position = models.PositiveSmallIntegerField("序号", default=1)
    name = models.CharField("指标名称", max_length=60, validators=[reject_control_characters])
    source = models.CharField("数据来源", max_length=64)
    unit = models.CharField("计量单位", max_length=16, blank=True, validators=[reject_control_characters])
    direction = models.CharField("方向", max_length=8, choices=Direction.choices, default=Direction.HIGHER)
    weight = models.DecimalField(
        "权重（%）",
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("100.00"))],
    )
    normalisation = models.CharField("标准化方法", max_length=8, choices=Normalisation.choices, default=Normalisation.MIN_MAX)

    class Meta:
        verbose_name = "评价指标"
        verbose_name_plural = "评价指标"
        ordering: ClassVar[list[str]] = ["evaluation", "position", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def key(self) -> str:
        return f"i{self.pk}"


def evidence_upload_path(instance: SelfReport, filename: str) -> str:
    return f"evaluation/{instance.evaluation_id}/{instance.organisation_id}/{filename}"


class SelfReport(models.Model):
    """The evaluated organisation's self-report (自评报告) with its evidence and reported figures,
    and its city's pre-review (地市预审推荐)."""

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="self_reports")
    organisation = models.ForeignKey(Organisation, verbose_name="参评机构", on_delete=models.PROTECT, related_name="+")
    statement = models.TextField("自评说明", max_length=3000, validators=[reject_control_characters])
    evidence = models.TextField("佐证材料清单", max_length=3000, blank=True, validators=[reject_control_characters])
    evidence_file = models.FileField(
        "佐证材料文件", upload_to=evidence_upload_path, blank=True, help_text="PDF、PNG 或 JPEG，私有存储，经权限检查下载"
    )
    figures = models.JSONField("填报数据", default=dict, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField("提交时间", default=timezone.now)
    city_opinion = models.CharField("地市预审意见", max_length=16, choices=CityOpinion.choices, default=CityOpinion.PENDING)
    city_note = models.TextField("地市预审说明", max_length=1000, blank=True, validators=[reject_control_characters])
    city_reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    city_reviewed_at = models.DateTimeField("预审时间", null=True, blank=True)

    class Meta:
        verbose_name = "自评报告"
        verbose_name_plural = "自评报告"
        ordering: ClassVar[list[str]] = ["evaluation", "organisation__name", "id"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["evaluation", "organisation"], name="evaluation_one_self_report"),
        ]

    def __str__(self) -> str:
        return f"{self.evaluation_id}:{self.organisation_id}"


class Result(models.Model):
    """One organisation's result: the input figures it was computed from, each indicator's
    normalised score, the total, its rank and grade. Written by the computation only."""

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="results")
    organisation = models.ForeignKey(Organisation, verbose_name="参评机构", on_delete=models.PROTECT, related_name="+")
    figures = models.JSONField("输入数据", default=dict)
    scores = models.JSONField("指标得分", default=dict)
    total = models.DecimalField("综合得分", max_digits=6, decimal_places=2, default=Decimal("0.00"))
    rank = models.PositiveIntegerField("排名", default=0)
    grade = models.CharField("等级", max_length=16, choices=Grade.choices, default=Grade.PASS)
    city_opinion = models.CharField("地市预审意见", max_length=16, choices=CityOpinion.choices, default=CityOpinion.PENDING)
    note = models.CharField("说明", max_length=200, blank=True)

    class Meta:
        verbose_name = "评价结果"
        verbose_name_plural = "评价结果"
        ordering: ClassVar[list[str]] = ["evaluation", "rank", "id"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["evaluation", "organisation"], name="evaluation_one_result"),
        ]
        indexes: ClassVar[list[models.Index]] = [models.Index(fields=["organisation", "evaluation"])]

    def __str__(self) -> str:
        return f"{self.evaluation_id}:{self.organisation_id} {self.total}"


class Objection(models.Model):
    """An objection (异议) to a result during the publicity period, answered by the 专业机构."""

    result = models.ForeignKey(Result, on_delete=models.PROTECT, related_name="objections")
    text = models.TextField("异议内容", max_length=2000, validators=[reject_control_characters])
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    raised_at = models.DateTimeField("提出时间", default=timezone.now)
    answer = models.TextField("答复", max_length=2000, blank=True, validators=[reject_control_characters])
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    answered_at = models.DateTimeField("答复时间", null=True, blank=True)

    class Meta:
        verbose_name = "评价异议"
        verbose_name_plural = "评价异议"
        ordering: ClassVar[list[str]] = ["raised_at", "id"]

    def __str__(self) -> str:
        return f"{self.result_id} {self.raised_at:%Y-%m-%d}"


class EvaluationEvent(TransitionEvent):
    """Every change of an evaluation: scheme edits, indicators, computation, review, publicity,
    objections, publication."""

    subject = models.ForeignKey(Evaluation, on_delete=models.PROTECT, related_name="events")

    class Meta(TransitionEvent.Meta):
        verbose_name = "评价事件"
        verbose_name_plural = "评价事件"


class ManagerClass(models.TextChoices):
    JUNIOR = "junior", "初级技术经理人"
    INTERMEDIATE = "intermediate", "中级技术经理人"
    SENIOR = "senior", "高级技术经理人"


class TechnologyManager(models.Model):
    """A technology manager (技术经理人), a person registered by the agency that hosts them."""

    agency = models.ForeignKey(Organisation, verbose_name="所在服务机构", on_delete=models.PROTECT, related_name="+")
    name = models.CharField("姓名", max_length=32, validators=[reject_control_characters])
    certificate_number = models.CharField("证书编号", max_length=40, validators=[reject_control_characters])
    manager_class = models.CharField("级别", max_length=16, choices=ManagerClass.choices, default=ManagerClass.JUNIOR)
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    registered_at = models.DateTimeField("登记时间", default=timezone.now)

    class Meta:
        verbose_name = "技术经理人"
        verbose_name_plural = "技术经理人"
        ordering: ClassVar[list[str]] = ["agency", "name", "id"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["certificate_number"], name="technology_manager_certificate_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class ManagerCredit(models.Model):
    """A manager credited on an engagement that the host agency facilitated — only where both sides
    of the engagement confirmed the agency (`Engagement.facilitator`)."""

    manager = models.ForeignKey(TechnologyManager, on_delete=models.PROTECT, related_name="credits")
    engagement = models.ForeignKey("matchmaking.Engagement", verbose_name="对接", on_delete=models.PROTECT, related_name="+")
    credited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    credited_at = models.DateTimeField("登记时间", default=timezone.now)

    class Meta:
        verbose_name = "技术经理人业绩"
        verbose_name_plural = "技术经理人业绩"
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["manager", "engagement"], name="manager_credit_once"),
        ]

    def __str__(self) -> str:
        return f"{self.manager_id}:{self.engagement_id}"


class ManagerFiling(models.Model):
    """The manager's yearly business filing (年度业务备案)."""

    manager = models.ForeignKey(TechnologyManager, on_delete=models.PROTECT, related_name="filings")
    year = models.PositiveIntegerField("年度")
    summary = models.TextField("年度业务情况", max_length=3000, validators=[reject_control_characters])
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    filed_at = models.DateTimeField("备案时间", default=timezone.now)

    class Meta:
        verbose_name = "技术经理人年度备案"
        verbose_name_plural = "技术经理人年度备案"
        ordering: ClassVar[list[str]] = ["-year", "id"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["manager", "year"], name="manager_one_filing_a_year"),
        ]

    def __str__(self) -> str:
        return f"{self.manager_id} {self.year}"
