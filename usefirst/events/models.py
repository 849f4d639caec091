"""Events (发布推介、路演展示、成果对接、场景应用) held by cities, development zones, incubators and
agencies: the event, the achievements and demands it presents, sign-ups with their waitlist and
on-site check-in, and the concierge (服务专员) named for a project."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from usefirst.accounts.models import Organisation
from usefirst.catalog.models import Achievement, Demand
from usefirst.core.models import TransitionEvent
from usefirst.core.text import reject_control_characters

from .choices import LIVE_REGISTRATION, EventKind, EventStatus, ItemClass, RegistrationStatus, SignupMode, WhenFull


class Event(models.Model):
    title = models.CharField("活动名称", max_length=200, validators=[reject_control_characters])
    kind = models.CharField("活动类型", max_length=16, choices=EventKind.choices)
    organiser = models.ForeignKey(
        Organisation, verbose_name="主办单位", on_delete=models.PROTECT, related_name="organised_events"
    )
    co_organisers = models.CharField("协办单位", max_length=500, blank=True, validators=[reject_control_characters])
    description = models.TextField("活动介绍", max_length=5000, blank=True, validators=[reject_control_characters])
    city = models.CharField("举办地市", max_length=16, blank=True)
    place = models.CharField("举办地点", max_length=300, blank=True, validators=[reject_control_characters])
    online_url = models.URLField("线上参与链接", max_length=500, blank=True)
    starts_on = models.DateField("举办日期", db_index=True)
    ends_on = models.DateField("结束日期")
    time_note = models.CharField("时间安排", max_length=100, blank=True, validators=[reject_control_characters])
    capacity = models.PositiveIntegerField("名额")
    # Seats held (confirmed and awaiting approval), kept by the sign-up services with a conditional
    # UPDATE (… WHERE seats_taken < capacity) so that no database, SQLite included, overbooks.
    seats_taken = models.PositiveIntegerField("已占名额", default=0, editable=False)
    signup_deadline = models.DateField("报名截止日期（含）")
    signup_mode = models.CharField("报名方式", max_length=16, choices=SignupMode.choices, default=SignupMode.FIRST_COME)
    when_full = models.CharField("额满后", max_length=16, choices=WhenFull.choices, default=WhenFull.WAITLIST)
    outcome_window_days = models.PositiveSmallIntegerField(
        "成效追踪期（天）", default=365, help_text="活动结束后多少天内签订的合同计入本次活动成效"
    )
    reminder_days = models.PositiveSmallIntegerField("提前提醒（天）", default=1)
    reminded_on = models.DateField("已发送提醒日期", null=True, blank=True)
    status = models.CharField("状态", max_length=16, choices=EventStatus.choices, default=EventStatus.DRAFT, db_index=True)
    published_at = models.DateTimeField("发布时间", null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("创建时间", default=timezone.now)

    class Meta:
        verbose_name = "活动"
        verbose_name_plural = "活动"
        ordering: ClassVar[list[str]] = ["-starts_on", "-id"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="event_ends_after_start"),
            models.CheckConstraint(condition=Q(seats_taken__lte=models.F("capacity")), name="event_seats_within_capacity"),
        ]

    def __str__(self) -> str:
        return self.title


class EventItem(models.Model):
    """An achievement or a demand the event presents; kept after the event as its online booth."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="items")
    achievement = models.ForeignKey(
        Achievement, verbose_name="科技成果", null=True, blank=True, on_delete=models.PROTECT, related_name="event_items"
    )
    demand = models.ForeignKey(
        Demand, verbose_name="技术需求", null=True, blank=True, on_delete=models.PROTECT, related_name="event_items"
    )
    classification = models.CharField("分类", max_length=16, choices=ItemClass.choices, blank=True)
    note = models.CharField("说明", max_length=300, blank=True, validators=[reject_control_characters])
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = "活动展示项目"
        verbose_name_plural = "活动展示项目"
        ordering: ClassVar[list[str]] = ["position", "id"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.CheckConstraint(
                condition=Q(achievement__isnull=False, demand__isnull=True) | Q(achievement__isnull=True, demand__isnull=False),
                name="event_item_one_kind",
            ),
            models.UniqueConstraint(fields=["event", "achievement"], name="event_item_achievement_once"),
            models.UniqueConstraint(fields=["event", "demand"], name="event_item_demand_once"),
        ]

    def __str__(self) -> str:
        return str(self.subject)

    @property
    def subject(self) -> Achievement | Demand:
        return self.achievement or self.demand  # type: ignore[return-value]


class Registration(models.Model):
    event = models.ForeignKey(Event, on_delete=models.PROTECT, related_name="registrations")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="报名人", on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(
        Organisation, verbose_name="所在机构", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.CharField("报名备注", max_length=300, blank=True, validators=[reject_control_characters])
    status = models.CharField("状态", max_length=16, choices=RegistrationStatus.choices, db_index=True)
    created_at = models.DateTimeField("报名时间", default=timezone.now)
    decided_at = models.DateTimeField("处理时间", null=True, blank=True)
    checked_in_at = models.DateTimeField("签到时间", null=True, blank=True)

    class Meta:
        verbose_name = "活动报名"
        verbose_name_plural = "活动报名"
        ordering: ClassVar[list[str]] = ["created_at", "id"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["event", "user"], condition=Q(status__in=LIVE_REGISTRATION), name="one_live_registration_per_person"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event} · {self.user}"


class EventEvent(TransitionEvent):
    subject = models.ForeignKey(Event, on_delete=models.PROTECT, related_name="events")

    class Meta(TransitionEvent.Meta):
        verbose_name = "活动事件"
        verbose_name_plural = "活动事件"


class Concierge(models.Model):
    """One appointment of the named service person (服务专员) of a project (an achievement): who,
    from when, until when (empty while current), named by whom. A new appointment ends the
    current one, so the history stays; a deal is credited to the concierge in office when its
    intent (对接) was expressed (docs/events.md)."""

    achievement = models.ForeignKey(Achievement, verbose_name="项目（成果）", on_delete=models.PROTECT, related_name="concierges")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="服务专员", on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(Organisation, verbose_name="所在机构", on_delete=models.PROTECT, related_name="+")
    event = models.ForeignKey(Event, verbose_name="来自活动", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="指定人", on_delete=models.PROTECT, related_name="+")
    assigned_at = models.DateTimeField("任职起", default=timezone.now)
    ended_at = models.DateTimeField("任职止", null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="更换人", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "项目服务专员"
        verbose_name_plural = "项目服务专员"
        ordering: ClassVar[list[str]] = ["achievement", "assigned_at", "id"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["achievement"], condition=Q(ended_at__isnull=True), name="one_current_concierge"),
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True) | Q(ended_at__gte=models.F("assigned_at")), name="concierge_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.achievement} · {self.person}"
