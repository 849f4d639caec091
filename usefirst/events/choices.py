"""Statuses and choice lists of events (发布推介、路演展示、成果对接、场景应用)."""

from __future__ import annotations

from django.db import models


class EventKind(models.TextChoices):
    LAUNCH = "launch", "发布推介"
    ROADSHOW = "roadshow", "路演展示"
    MATCHMAKING = "matchmaking", "成果对接"
    SCENARIO = "scenario", "场景应用"


class EventStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    PUBLISHED = "published", "已发布"
    HELD = "held", "已举办"
    CANCELLED = "cancelled", "已取消"


class SignupMode(models.TextChoices):
    FIRST_COME = "first_come", "先到先得"
    APPROVAL = "approval", "主办方审核"


class WhenFull(models.TextChoices):
    WAITLIST = "waitlist", "额满后进入候补"
    REFUSE = "refuse", "额满后不再接受报名"


class RegistrationStatus(models.TextChoices):
    PENDING = "pending", "待主办方审核"
    CONFIRMED = "confirmed", "报名成功"
    WAITLISTED = "waitlisted", "候补中"
    REJECTED = "rejected", "未通过"
    CANCELLED = "cancelled", "已取消"


# A registration in these states holds (or waits for) a seat: one per person per event.
LIVE_REGISTRATION = (RegistrationStatus.PENDING, RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED)


class ItemClass(models.TextChoices):
    PROMOTE = "promote", "待推广"
    CONVERT = "convert", "待转化"
    PROBLEM = "problem", "待解决的问题"
