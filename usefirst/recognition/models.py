"""Recognition as provincial S&T plan projects (视同省级科技计划立项), its yearly quota, and
misconduct records (科研失信记录).

The limits of rule 3 rest on database constraints, so that they hold on SQLite (where row
locks do nothing) as on PostgreSQL:
- `RecognitionYear.used <= cap` (a CheckConstraint; the service increments `used` with a
  conditional UPDATE … WHERE used < cap);
- one `RecognitionPerson` per (year, identity_hash): one recognised project per person per year;
- one live `Recognition` per achievement (a partial UniqueConstraint on non-revoked rows).
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from usefirst.accounts.models import Organisation, Person
from usefirst.catalog.choices import USE_FIRST_MODE_CHOICES
from usefirst.catalog.models import Achievement
from usefirst.contracts.models import Contract
from usefirst.core.models import TransitionEvent
from usefirst.core.text import reject_control_characters

MONEY = {"max_digits": 14, "decimal_places": 2}


class ApplicationStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    RECOMMENDED = "recommended", "已推荐，待省级审核"
    PUBLIC_NOTICE = "public_notice", "公示中"
    RECOGNISED = "recognised", "已认定"
    REJECTED = "rejected", "未予认定"
    REVOKED = "revoked", "已撤销认定"


# Statuses in which an application holds its achievement (one at a time).
OPEN_STATUSES = (ApplicationStatus.DRAFT, ApplicationStatus.RECOMMENDED, ApplicationStatus.PUBLIC_NOTICE)
# "Shortlisted" for the ranking: selected by the province that year (in notice or recognised).
SHORTLISTED_STATUSES = (ApplicationStatus.PUBLIC_NOTICE, ApplicationStatus.RECOGNISED)


class RecognitionApplication(models.Model):
    achievement = models.ForeignKey(
        Achievement, verbose_name="成果", on_delete=models.PROTECT, related_name="recognition_applications"
    )
    unit = models.ForeignKey(
        Organisation, verbose_name="成果单位", on_delete=models.PROTECT, related_name="recognition_applications"
    )
    year = models.PositiveSmallIntegerField("认定批次年度")
    mode = models.CharField("模式", max_length=16, choices=USE_FIRST_MODE_CHOICES)
    basis_contract = models.ForeignKey(
        Contract, verbose_name="依据的先用后转合同", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    amount_received = models.DecimalField("实际到账金额（元，申请时）", max_digits=14, decimal_places=2, default=0)
    eligibility = models.JSONField("资格核验快照", default=dict, blank=True)
    key_technology_declared = models.BooleanField("申报为科研攻关类", default=False)
    key_technology_confirmed = models.BooleanField("审核确认为科研攻关类", null=True, blank=True)
    statement = models.TextField("申请说明", max_length=5000, blank=True, validators=[reject_control_characters])
    status = models.CharField(
        "状态", max_length=16, choices=ApplicationStatus.choices, default=ApplicationStatus.DRAFT, db_index=True
    )
    recommended_by = models.ForeignKey(
        Organisation, verbose_name="推荐单位", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recommended_at = models.DateTimeField("推荐时间", null=True, blank=True)
    recommendation = models.TextField("推荐意见", max_length=3000, blank=True, validators=[reject_control_characters])
    notice_start = models.DateField("公示开始日", null=True, blank=True)
    notice_end = models.DateField("公示截止日（含）", null=True, blank=True)
    decision_reason = models.TextField("审核意见", max_length=3000, blank=True, validators=[reject_control_characters])
    decided_at = models.DateTimeField("决定时间", null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("创建时间", default=timezone.now)
    updated_at = models.DateTimeField("更新时间", default=timezone.now)

    class Meta:
        verbose_name = "认定申请"
        verbose_name_plural = "认定申请"
        ordering: ClassVar[list[str]] = ["-year", "-created_at", "-id"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["achievement"],
                condition=Q(status__in=[s.value for s in OPEN_STATUSES]),
                name="recognition_one_open_application_per_achievement",
            ),
            models.CheckConstraint(condition=Q(year__gte=2026) & Q(year__lte=2100), name="recognition_application_year_range"),
        ]
        indexes: ClassVar[list[models.Index]] = [models.Index(fields=["year", "status"], name="recog_app_year_status_idx")]

    def __str__(self) -> str:
        return f"{self.year} {self.achievement_id} {self.get_status_display()}"


class RecognitionYear(models.Model):
    """The yearly quota. `used` counts live recognitions of the batch year."""

    year = models.PositiveSmallIntegerField("认定批次年度", primary_key=True)
    cap = models.PositiveIntegerField("年度上限")
    used = models.PositiveIntegerField("已认定", default=0)

    class Meta:
        verbose_name = "年度认定名额"
        verbose_name_plural = "年度认定名额"
        ordering: ClassVar[list[str]] = ["-year"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.CheckConstraint(condition=Q(used__gte=0) & Q(used__lte=F("cap")), name="recognition_quota_used_within_cap"),
        ]

    def __str__(self) -> str:
        return f"{self.year}: {self.used}/{self.cap}"

    @property
    def remaining(self) -> int:
        return max(0, self.cap - self.used)


class QuotaChange(models.Model):
    """A provincial administrator raised a year's cap (原则上不超过200项), with the reason."""

    year = models.ForeignKey(RecognitionYear, on_delete=models.PROTECT, related_name="changes")
    old_cap = models.PositiveIntegerField("原上限")
    new_cap = models.PositiveIntegerField("新上限")
    reason = models.TextField("理由", validators=[reject_control_characters])
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField("时间", default=timezone.now)

    class Meta:
        verbose_name = "年度上限调整"
        verbose_name_plural = "年度上限调整"
        ordering: ClassVar[list[str]] = ["-at", "-id"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.CheckConstraint(condition=Q(new_cap__gt=F("old_cap")), name="recognition_quota_change_raises"),
        ]

    def __str__(self) -> str:
        return f"{self.year_id}: {self.old_cap} → {self.new_cap}"


class Recognition(models.Model):
    """A recognised project (视同省级科技计划立项（无省财政经费支持）)."""

    application = models.OneToOneField(RecognitionApplication, on_delete=models.PROTECT, related_name="recognition")
    achievement = models.ForeignKey(Achievement, on_delete=models.PROTECT, related_name="recognitions")
    unit = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="recognitions")
    year = models.PositiveSmallIntegerField("认定批次年度")
    number = models.CharField("认定编号", max_length=32, unique=True)
    mode = models.CharField("模式", max_length=16, choices=USE_FIRST_MODE_CHOICES)
    amount_received = models.DecimalField("认定时实际到账金额（元）", max_digits=14, decimal_places=2)
    recognised_at = models.DateTimeField("认定时间", default=timezone.now)
    recognised_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    revoked_at = models.DateTimeField("撤销时间", null=True, blank=True)
    revocation_reason = models.TextField("撤销理由", blank=True, validators=[reject_control_characters])
    slot_returned = models.BooleanField("撤销后名额已退回", default=False)
    review_flagged_at = models.DateTimeField("到账冲销复核提示时间", null=True, blank=True)
    review_flag = models.TextField("复核提示", blank=True)

    class Meta:
        verbose_name = "认定项目"
        verbose_name_plural = "认定项目"
        ordering: ClassVar[list[str]] = ["-year", "number"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["achievement"], condition=Q(revoked_at__isnull=True), name="recognition_achievement_once"
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class RecognitionPerson(models.Model):
    """One row per person counted against "one recognised project per person per year"."""

    recognition = models.ForeignKey(Recognition, on_delete=models.CASCADE, related_name="persons")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField("认定批次年度")
    identity_hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = "认定项目完成人（年度唯一）"
        verbose_name_plural = "认定项目完成人（年度唯一）"
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["year", "identity_hash"], name="recognition_one_per_person_per_year"),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.person_id}"


class Objection(models.Model):
    """An objection raised during the public notice (公示), and its answer."""

    application = models.ForeignKey(RecognitionApplication, on_delete=models.PROTECT, related_name="objections")
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    contact_name = models.CharField("异议人", max_length=64, validators=[reject_control_characters])
    text = models.TextField("异议内容", max_length=3000, validators=[reject_control_characters])
    submitted_at = models.DateTimeField("提出时间", default=timezone.now)
    answer = models.TextField("处理答复", max_length=3000, blank=True, validators=[reject_control_characters])
    upheld = models.BooleanField("异议成立", null=True, blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    answered_at = models.DateTimeField("答复时间", null=True, blank=True)

    class Meta:
        verbose_name = "公示异议"
        verbose_name_plural = "公示异议"
        ordering: ClassVar[list[str]] = ["submitted_at", "id"]

    def __str__(self) -> str:
        return f"{self.application_id} {self.contact_name}"


class ApplicationEvent(TransitionEvent):
    subject = models.ForeignKey(RecognitionApplication, on_delete=models.PROTECT, related_name="events")

    class Meta(TransitionEvent.Meta):
        verbose_name = "认定申请记录"
        verbose_name_plural = "认定申请记录"


class MisconductStatus(models.TextChoices):
    ACTIVE = "active", "有效"
    APPEALED = "appealed", "申诉中"
    WITHDRAWN = "withdrawn", "已撤销"


class MisconductRecord(models.Model):
    """科研失信记录 against an organisation or a person (exactly one)."""

    subject_organisation = models.ForeignKey(
        Organisation, verbose_name="失信机构", null=True, blank=True, on_delete=models.PROTECT, related_name="misconduct_records"
    )
    subject_person = models.ForeignKey(
        Person, verbose_name="失信人员", null=True, blank=True, on_delete=models.PROTECT, related_name="misconduct_records"
    )
    period_start = models.DateField("记录期起（含）")
    period_end = models.DateField("记录期止（含）")
    reason = models.TextField("失信行为及依据", max_length=3000, validators=[reject_control_characters])
    referral = models.CharField("移交机关", max_length=200, blank=True, validators=[reject_control_characters])
    status = models.CharField("状态", max_length=16, choices=MisconductStatus.choices, default=MisconductStatus.ACTIVE)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField("记录时间", default=timezone.now)
    appeal = models.TextField("申诉理由", max_length=3000, blank=True, validators=[reject_control_characters])
    appealed_at = models.DateTimeField("申诉时间", null=True, blank=True)
    appeal_answer = models.TextField("申诉处理意见", max_length=3000, blank=True, validators=[reject_control_characters])

    class Meta:
        verbose_name = "科研失信记录"
        verbose_name_plural = "科研失信记录"
        ordering: ClassVar[list[str]] = ["-recorded_at", "-id"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.CheckConstraint(
                condition=(Q(subject_organisation__isnull=False) & Q(subject_person__isnull=True))
                | (Q(subject_organisation__isnull=True) & Q(subject_person__isnull=False)),
                name="misconduct_exactly_one_subject",
            ),
            models.CheckConstraint(condition=Q(period_end__gte=F("period_start")), name="misconduct_period_in_order"),
        ]

    def __str__(self) -> str:
        subject = self.subject_organisation or self.subject_person
        return f"{subject} {self.period_start}–{self.period_end}"

    @property
    def subject_name(self) -> str:
        if self.subject_organisation is not None:
            return self.subject_organisation.name
        return self.subject_person.full_name if self.subject_person is not None else ""


class MisconductEvent(TransitionEvent):
    subject = models.ForeignKey(MisconductRecord, on_delete=models.PROTECT, related_name="events")

    class Meta(TransitionEvent.Meta):
        verbose_name = "科研失信记录变更"
        verbose_name_plural = "科研失信记录变更"


class EligibilityNotice(models.Model):
    """The unit was told (once per batch year) that an achievement became eligible."""

    achievement = models.ForeignKey(Achievement, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField("认定批次年度")
    amount = models.DecimalField("当时实际到账（元）", max_digits=14, decimal_places=2)
    notified_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "认定资格提醒"
        verbose_name_plural = "认定资格提醒"
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["achievement", "year"], name="recognition_eligibility_notice_once"),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.achievement_id}"
