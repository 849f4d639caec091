"""Matchmaking (对接): an engagement between an achievement's owner unit and an enterprise.

An enterprise expresses intent on a published achievement, or a unit on a published demand
(optionally naming one of its achievements). The other side accepts (→ talking) or declines
with a structured reason; agreeing takes both sides (one proposes, the other confirms); an
agency is credited as facilitator only once both sides have confirmed it.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from usefirst.accounts.models import Organisation
from usefirst.catalog.models import Achievement, Demand
from usefirst.core.models import TransitionEvent
from usefirst.core.text import reject_control_characters

from .choices import OPEN_STATUSES, DeclineReason, EngagementStatus, Side, other_side

MAX_MESSAGE_LENGTH = 2000
_OPEN = [s.value for s in sorted(OPEN_STATUSES)]


class Engagement(models.Model):
    unit = models.ForeignKey(Organisation, verbose_name="成果单位", on_delete=models.PROTECT, related_name="unit_engagements")
    enterprise = models.ForeignKey(
        Organisation, verbose_name="企业", on_delete=models.PROTECT, related_name="enterprise_engagements"
    )
    initiator_side = models.CharField("发起方", max_length=16, choices=Side.choices)
    achievement = models.ForeignKey(
        Achievement, verbose_name="科技成果", null=True, blank=True, on_delete=models.PROTECT, related_name="engagements"
    )
    demand = models.ForeignKey(
        Demand, verbose_name="技术需求", null=True, blank=True, on_delete=models.PROTECT, related_name="engagements"
    )
    status = models.CharField(
        "状态", max_length=16, choices=EngagementStatus.choices, default=EngagementStatus.INTENT, db_index=True
    )
    decline_reason = models.CharField("婉拒原因", max_length=32, choices=DeclineReason.choices, blank=True)
    decline_detail = models.TextField("婉拒说明", max_length=500, blank=True, validators=[reject_control_characters])
    # Agreement takes both sides: the side that proposed it, then the other side's confirmation.
    agreement_proposed_side = models.CharField("提出达成一致的一方", max_length=16, choices=Side.choices, blank=True)
    agreement_proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    agreement_proposed_at = models.DateTimeField("提出达成一致时间", null=True, blank=True)
    agreed_at = models.DateTimeField("达成一致时间", null=True, blank=True)
    # Facilitator (技术转移转化服务机构): proposed by one side, attached once both sides confirmed.
    proposed_facilitator = models.ForeignKey(
        Organisation, verbose_name="拟邀请服务机构", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    facilitator = models.ForeignKey(
        Organisation,
        verbose_name="促成服务机构",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="facilitated_engagements",
    )
    facilitator_enterprise_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    facilitator_enterprise_confirmed_at = models.DateTimeField("企业方确认服务机构时间", null=True, blank=True)
    facilitator_unit_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    facilitator_unit_confirmed_at = models.DateTimeField("成果单位方确认服务机构时间", null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField("提出时间", default=timezone.now)
    updated_at = models.DateTimeField("更新时间", default=timezone.now)

    class Meta:
        verbose_name = "对接"
        verbose_name_plural = "对接"
        ordering: ClassVar[list[str]] = ["-updated_at", "-id"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            # The item the intent is about: an achievement for an enterprise, a demand for a unit.
            models.CheckConstraint(
                condition=(Q(initiator_side=Side.ENTERPRISE, achievement__isnull=False))
                | Q(initiator_side=Side.UNIT, demand__isnull=False),
                name="engagement_initiator_has_item",
            ),
            models.CheckConstraint(condition=~Q(unit=models.F("enterprise")), name="engagement_two_parties"),
            # One open intent per organisation and item, also under concurrent requests.
            models.UniqueConstraint(
                fields=["enterprise", "achievement"],
                condition=Q(initiator_side=Side.ENTERPRISE, status__in=_OPEN),
                name="engagement_one_open_intent_on_achievement",
            ),
            models.UniqueConstraint(
                fields=["unit", "demand"],
                condition=Q(initiator_side=Side.UNIT, status__in=_OPEN),
                name="engagement_one_open_intent_on_demand",
            ),
            models.CheckConstraint(
                condition=Q(facilitator__isnull=True)
                | Q(facilitator_enterprise_confirmed_at__isnull=False, facilitator_unit_confirmed_at__isnull=False),
                name="engagement_facilitator_confirmed_by_both",
            ),
        ]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["unit", "status"]),
            models.Index(fields=["enterprise", "status"]),
        ]

    def __str__(self) -> str:
        return f"对接 #{self.pk}：{self.subject_title}"

    # -- the parties ---------------------------------------------------------------------------
    def organisation_of(self, side: str) -> Organisation:
        return self.enterprise if side == Side.ENTERPRISE else self.unit

    @property
    def initiator(self) -> Organisation:
        return self.organisation_of(self.initiator_side)

    @property
    def responder_side(self) -> str:
        return other_side(self.initiator_side)

    @property
    def responder(self) -> Organisation:
        return self.organisation_of(self.responder_side)

    def parties(self) -> dict[str, Organisation]:
        """The two parties of a contract drafted from this engagement (for the contracts workflow)."""
        return {"licensor": self.unit, "licensee": self.enterprise}

    def achievements(self) -> list[Achievement]:
        """The achievement(s) a contract drafted from this engagement would cover."""
        return [self.achievement] if self.achievement_id and self.achievement else []

    @property
    def subject_title(self) -> str:
        if self.initiator_side == Side.ENTERPRISE and self.achievement_id and self.achievement:
            return self.achievement.title
        if self.demand_id and self.demand:
            return self.demand.title
        return self.achievement.title if self.achievement else ""

    # -- the facilitator, a step within a state (status moves: matchmaking/workflows.py) ---------
    def can_propose_facilitator(self) -> bool:
        return self.status in (*OPEN_STATUSES, EngagementStatus.AGREED) and self.facilitator_id is None

    def can_confirm_facilitator(self) -> bool:
        return self.can_propose_facilitator() and self.proposed_facilitator_id is not None

    def facilitator_confirmed_at(self, side: str) -> Any:
        return self.facilitator_enterprise_confirmed_at if side == Side.ENTERPRISE else self.facilitator_unit_confirmed_at


class EngagementEvent(TransitionEvent):
    """Every step of an engagement, status changes and the steps within a status alike."""

    subject = models.ForeignKey(Engagement, on_delete=models.PROTECT, related_name="events")

    class Meta(TransitionEvent.Meta):
        verbose_name = "对接事件"
        verbose_name_plural = "对接事件"


class EngagementMessage(models.Model):
    engagement = models.ForeignKey(Engagement, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    author_side = models.CharField("发言方", max_length=16, choices=Side.choices)
    body = models.TextField("内容", max_length=MAX_MESSAGE_LENGTH, validators=[reject_control_characters])
    created_at = models.DateTimeField("发送时间", default=timezone.now, db_index=True)

    class Meta:
        verbose_name = "对接留言"
        verbose_name_plural = "对接留言"
        ordering: ClassVar[list[str]] = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_author_side_display()}：{self.body[:20]}"
