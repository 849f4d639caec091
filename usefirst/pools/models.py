"""Industry pools (成果池 / 专区): an industry's curated set of achievements, run by an operator
(a government department, a university or a leading enterprise), whose member enterprises
propose entries and vote on them; the operator admits, declines and removes entries."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from usefirst.accounts.models import Organisation
from usefirst.catalog.models import Achievement, TechField
from usefirst.core.models import TransitionEvent
from usefirst.core.text import reject_control_characters

from .choices import EntryStatus


class Pool(models.Model):
    name = models.CharField("成果池名称", max_length=100, unique=True, validators=[reject_control_characters])
    industry = models.CharField("产业", max_length=64, validators=[reject_control_characters])
    field = models.ForeignKey(
        TechField, verbose_name="主要技术领域", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    operator = models.ForeignKey(Organisation, verbose_name="运营机构", on_delete=models.PROTECT, related_name="operated_pools")
    description = models.TextField("简介", max_length=3000, validators=[reject_control_characters])
    members = models.ManyToManyField(Organisation, verbose_name="成员企业", related_name="pools", blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("创建时间", default=timezone.now)

    class Meta:
        verbose_name = "产业成果池"
        verbose_name_plural = "产业成果池"
        ordering: ClassVar[list[str]] = ["name"]

    def __str__(self) -> str:
        return self.name


class PoolEntry(models.Model):
    pool = models.ForeignKey(Pool, on_delete=models.CASCADE, related_name="entries")
    achievement = models.ForeignKey(Achievement, on_delete=models.PROTECT, related_name="pool_entries")
    status = models.CharField("状态", max_length=16, choices=EntryStatus.choices, default=EntryStatus.PROPOSED, db_index=True)
    proposed_by = models.ForeignKey(Organisation, verbose_name="推荐机构", on_delete=models.PROTECT, related_name="+")
    note = models.TextField("推荐理由", max_length=1000, blank=True, validators=[reject_control_characters])
    created_at = models.DateTimeField("推荐时间", default=timezone.now)
    decided_at = models.DateTimeField("决定时间", null=True, blank=True)
    decision_reason = models.TextField("运营机构意见", blank=True)

    class Meta:
        verbose_name = "成果池条目"
        verbose_name_plural = "成果池条目"
        ordering: ClassVar[list[str]] = ["-decided_at", "-created_at", "-id"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["pool", "achievement"],
                condition=Q(status__in=["proposed", "admitted"]),
                name="pool_entry_once_live",
            )
        ]

    def __str__(self) -> str:
        return f"{self.pool.name}：{self.achievement.title}"


class PoolVote(models.Model):
    entry = models.ForeignKey(PoolEntry, on_delete=models.CASCADE, related_name="votes")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    approve = models.BooleanField("赞成")
    voted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    voted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "成果池投票"
        verbose_name_plural = "成果池投票"
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["entry", "organisation"], name="one_vote_per_member")
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id} {'赞成' if self.approve else '反对'}"


class EntryEvent(TransitionEvent):
    subject = models.ForeignKey(PoolEntry, on_delete=models.PROTECT, related_name="events")

    class Meta(TransitionEvent.Meta):
        verbose_name = "成果池条目事件"
        verbose_name_plural = "成果池条目事件"
