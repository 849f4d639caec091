"""Achievements (成果) and technology demands (技术需求), with their fields and event rows."""

from __future__ import annotations

from decimal import Decimal
from typing import ClassVar

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from usefirst.accounts.models import Organisation, Person
from usefirst.core.models import TransitionEvent
from usefirst.core.regions import CITY_CHOICES, OUTSIDE_PROVINCE, Region
from usefirst.core.text import reject_control_characters

from .choices import (
    ACHIEVEMENT_EDITABLE,
    AchievementStatus,
    CooperationForm,
    DemandStatus,
    IpKind,
    IpLegalStatus,
    ProjectCategory,
    RestrictionReason,
    offered_modes,
)


class TechField(models.Model):
    """The national key high-tech fields (eight top categories) and their sub-fields: editable data."""

    code = models.CharField("代码", max_length=16, unique=True)
    name = models.CharField("名称", max_length=64)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = "技术领域"
        verbose_name_plural = "技术领域"
        ordering: ClassVar[list[str]] = ["position", "code"]

    def __str__(self) -> str:
        return self.label(self.name, self.parent.name if self.parent_id and self.parent else None)

    @staticmethod
    def label(name: str, parent_name: str | None) -> str:
        """How a field is shown: its top field, then itself (a listing card shows it so too)."""
        return f"{parent_name} / {name}" if parent_name else name

    @property
    def top(self) -> TechField:
        return self.parent if self.parent_id and self.parent else self


class Achievement(models.Model):
    owner = models.ForeignKey(Organisation, verbose_name="成果单位", on_delete=models.PROTECT, related_name="achievements")
    title = models.CharField("成果名称", max_length=200, validators=[reject_control_characters])
    summary = models.TextField("成果简介", max_length=5000, validators=[reject_control_characters])
    problem_solved = models.TextField("解决的问题", max_length=3000, blank=True, validators=[reject_control_characters])
    advantages = models.TextField("相对现有技术的优势", max_length=3000, blank=True, validators=[reject_control_characters])
    field = models.ForeignKey(TechField, verbose_name="技术领域", on_delete=models.PROTECT, related_name="achievements")
    discipline = models.CharField("学科", max_length=64, blank=True, validators=[reject_control_characters])
    keywords = models.JSONField("关键词", default=list, blank=True)
    trl = models.PositiveSmallIntegerField(
        "技术成熟度（TRL）", validators=[MinValueValidator(1), MaxValueValidator(9)], help_text="1–9 级"
    )
    offers_pay_later = models.BooleanField("提供先使用后付费", default=False)
    offers_cooperate_later = models.BooleanField("提供先使用后合作", default=False)
    offers_open_licence = models.BooleanField("专利开放许可", default=False)
    free_use_months = models.PositiveSmallIntegerField("拟免费使用期（月）", null=True, blank=True)
    indicative_terms = models.TextField("意向条件", max_length=2000, blank=True, validators=[reject_control_characters])
    plan_project_number = models.CharField("省级科技计划项目编号", max_length=64, blank=True)
    plan_project_category = models.CharField("项目类别", max_length=16, choices=ProjectCategory.choices, blank=True)
    acceptance_date = models.DateField("项目验收日期", null=True, blank=True)
    provincial_funding = models.BooleanField("由省级财政科技资金支持形成", default=False)
    restriction = models.CharField(
        "涉密或限制情形", max_length=24, choices=RestrictionReason.choices, blank=True, default=RestrictionReason.NONE
    )
    status = models.CharField(
        "状态", max_length=16, choices=AchievementStatus.choices, default=AchievementStatus.DRAFT, db_index=True
    )
    published_at = models.DateTimeField("发布时间", null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField("创建时间", default=timezone.now)
    updated_at = models.DateTimeField("更新时间", default=timezone.now)

    class Meta:
        verbose_name = "科技成果"
        verbose_name_plural = "科技成果"
        ordering: ClassVar[list[str]] = ["-published_at", "-id"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.CheckConstraint(condition=Q(trl__gte=1, trl__lte=9), name="achievement_trl_1_to_9"),
            # A restricted achievement can never be published (defence, national security, ...).
            models.CheckConstraint(
                condition=Q(restriction="") | ~Q(status=AchievementStatus.PUBLISHED),
                name="achievement_restricted_never_published",
            ),
        ]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["status", "-published_at"]),
            models.Index(fields=["owner", "status"]),
            # Which of a keyword listing's matches are public, answered from the index alone (no
            # row read for each of up to 2,000 ids).
            models.Index(
                fields=["id"],
                name="catalog_achievement_public",
                condition=Q(status=AchievementStatus.PUBLISHED, restriction=""),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_restricted(self) -> bool:
        return bool(self.restriction)

    # State predicates for pages, read from the declared workflow (catalog/workflows.py); who
    # may act is the chokepoint's business, not the model's.
    def _possible(self, name: str) -> bool:
        from usefirst.core import workflow

        from .workflows import ACHIEVEMENT

        return workflow.possible(ACHIEVEMENT, self, name)

    @property
    def is_editable(self) -> bool:
        return self.status in ACHIEVEMENT_EDITABLE

    def can_submit(self) -> bool:
        return self._possible("submit")

    def can_approve(self) -> bool:
        return self._possible("approve")

    def can_return(self) -> bool:
        return self._possible("return")

    def can_withdraw(self) -> bool:
        """A submission may be pulled back to draft; a published achievement may be withdrawn."""
        return self._possible("withdraw_submission") or self._possible("withdraw")

    def can_take_down(self) -> bool:
        return self._possible("take_down")

    def can_reopen(self) -> bool:
        return self._possible("reopen")

    def can_revise(self) -> bool:
        return self.status == AchievementStatus.PUBLISHED

    @property
    def is_public(self) -> bool:
        return self.status == AchievementStatus.PUBLISHED and not self.is_restricted

    @property
    def modes(self) -> list[str]:
        return [mode.label for mode in offered_modes(self)]


class AchievementRevision(models.Model):
    """An edit of a published achievement, under review while the published version stays visible."""

    class Status(models.TextChoices):
        PENDING = "pending", "待审核"
        APPROVED = "approved", "已通过"
        RETURNED = "returned", "已退回"

    achievement = models.ForeignKey(Achievement, on_delete=models.CASCADE, related_name="revisions")
    data = models.JSONField("修改内容")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(default=timezone.now)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_reason = models.TextField(blank=True)

    class Meta:
        verbose_name = "成果修改"
        verbose_name_plural = "成果修改"
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["achievement"], condition=Q(status="pending"), name="one_pending_revision")
        ]

    def __str__(self) -> str:
        return f"{self.achievement} 修改 #{self.pk}"


class IpItem(models.Model):
    achievement = models.ForeignKey(Achievement, on_delete=models.CASCADE, related_name="ip_items")
    kind = models.CharField("知识产权类型", max_length=24, choices=IpKind.choices)
    number = models.CharField("号码", max_length=64, blank=True)
    title = models.CharField("名称", max_length=200, blank=True)
    legal_status = models.CharField("法律状态", max_length=8, choices=IpLegalStatus.choices, default=IpLegalStatus.PENDING)

    class Meta:
        verbose_name = "知识产权"
        verbose_name_plural = "知识产权"

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number}"


class AchievementInventor(models.Model):
    achievement = models.ForeignKey(Achievement, on_delete=models.CASCADE, related_name="inventors")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="achievements")
    share = models.DecimalField("贡献份额（%）", max_digits=5, decimal_places=2)
    is_leader = models.BooleanField("项目负责人", default=False)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = "成果完成人"
        verbose_name_plural = "成果完成人"
        ordering: ClassVar[list[str]] = ["position", "id"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["achievement", "person"], name="inventor_once_per_achievement"),
            models.CheckConstraint(
                condition=Q(share__gt=Decimal("0")) & Q(share__lte=Decimal("100")), name="inventor_share_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person.full_name} {self.share}%"


def attachment_path(instance: Attachment, filename: str) -> str:
    return f"attachments/{instance.achievement_id}/{instance.sha256[:16]}"


class Attachment(models.Model):
    achievement = models.ForeignKey(Achievement, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_path)
    original_name = models.CharField("文件名", max_length=200)
    content_type = models.CharField("类型", max_length=64)
    size = models.PositiveIntegerField("大小（字节）")
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "附件"
        verbose_name_plural = "附件"

    def __str__(self) -> str:
        return self.original_name


class AchievementEvent(TransitionEvent):
    subject = models.ForeignKey(Achievement, on_delete=models.PROTECT, related_name="events")

    class Meta(TransitionEvent.Meta):
        verbose_name = "成果事件"
        verbose_name_plural = "成果事件"


class Demand(models.Model):
    enterprise = models.ForeignKey(Organisation, verbose_name="需求企业", on_delete=models.PROTECT, related_name="demands")
    title = models.CharField("需求名称", max_length=200, validators=[reject_control_characters])
    description = models.TextField("需求描述", max_length=5000, validators=[reject_control_characters])
    field = models.ForeignKey(TechField, verbose_name="技术领域", on_delete=models.PROTECT, related_name="demands")
    keywords = models.JSONField("关键词", default=list, blank=True)
    budget_min = models.DecimalField("预算下限（元）", max_digits=14, decimal_places=2, null=True, blank=True)
    budget_max = models.DecimalField("预算上限（元）", max_digits=14, decimal_places=2, null=True, blank=True)
    cooperation_forms = models.JSONField("期望合作方式", default=list, blank=True, help_text=str(CooperationForm.choices))
    deadline = models.DateField("截止日期")
    city = models.CharField("所在地市", max_length=16, choices=[*CITY_CHOICES, (OUTSIDE_PROVINCE, OUTSIDE_PROVINCE)])
    county = models.CharField("所在区县", max_length=32, blank=True)
    region = models.CharField("区域", max_length=8, choices=Region.choices, editable=False)
    status = models.CharField("状态", max_length=16, choices=DemandStatus.choices, default=DemandStatus.DRAFT, db_index=True)
    published_at = models.DateTimeField("发布时间", null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField("创建时间", default=timezone.now)
    updated_at = models.DateTimeField("更新时间", default=timezone.now)

    class Meta:
        verbose_name = "技术需求"
        verbose_name_plural = "技术需求"
        ordering: ClassVar[list[str]] = ["-published_at", "-id"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.CheckConstraint(
                condition=Q(budget_min__isnull=True) | Q(budget_max__isnull=True) | Q(budget_min__lte=models.F("budget_max")),
                name="demand_budget_range_ordered",
            ),
        ]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["status", "deadline"]),
            # Which of a keyword listing's matches are public (the deadline beside the id), from
            # the index alone.
            models.Index(fields=["id", "deadline"], name="catalog_demand_published", condition=Q(status=DemandStatus.PUBLISHED)),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args: object, **kwargs: object) -> None:
        from usefirst.core.regions import region_of

        self.region = region_of(self.city)
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    @property
    def effective_status(self) -> str:
        """A published demand past its deadline shows as expired at once, before the scheduler
        catches up the stored status."""
        from usefirst.core.dates import today

        if self.status == DemandStatus.PUBLISHED and self.deadline < today():
            return DemandStatus.EXPIRED
        return self.status

    def get_effective_status_display(self) -> str:
        return str(DemandStatus(self.effective_status).label)

    @property
    def is_editable(self) -> bool:
        return self.status in (DemandStatus.DRAFT, DemandStatus.RETURNED)

    # State predicates for pages, read from the declared workflow (catalog/workflows.py).
    def _possible(self, name: str) -> bool:
        from usefirst.core import workflow

        from .workflows import DEMAND

        return workflow.possible(DEMAND, self, name)

    def can_submit(self) -> bool:
        return self._possible("submit")

    def can_approve(self) -> bool:
        return self._possible("approve")

    def can_return(self) -> bool:
        return self._possible("return")

    def can_withdraw(self) -> bool:
        return self._possible("withdraw")

    def can_close(self) -> bool:
        return self._possible("close")

    def can_expire(self) -> bool:
        return self._possible("expire")

    def cooperation_form_labels(self) -> list[str]:
        labels = dict(CooperationForm.choices)
        return [str(labels.get(form, form)) for form in self.cooperation_forms]


class DemandEvent(TransitionEvent):
    subject = models.ForeignKey(Demand, on_delete=models.PROTECT, related_name="events")

    class Meta(TransitionEvent.Meta):
        verbose_name = "需求事件"
        verbose_name_plural = "需求事件"
