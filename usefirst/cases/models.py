"""Typical cases (典型案例): a story drafted from a real contract with the recorded consent of both
parties, reviewed by the drafting unit's department, published with the deal's mode, field,
region and a rounded figure (the exact amount only when both parties allowed it), and marked
exemplary (示范) by the province."""

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

from .choices import CaseStatus, Side


class Case(models.Model):
    contract = models.ForeignKey(Contract, verbose_name="所依据的合同", on_delete=models.PROTECT, related_name="+")
    author = models.ForeignKey(Organisation, verbose_name="撰写单位", on_delete=models.PROTECT, related_name="cases")
    title = models.CharField("案例标题", max_length=200, validators=[reject_control_characters])
    summary = models.TextField("案例简介", max_length=1000, validators=[reject_control_characters])
    story = models.TextField("案例正文", max_length=10000, validators=[reject_control_characters])
    # What the published case shows of the deal (filled from the contract when it is published).
    mode_label = models.CharField("转化模式", max_length=64, blank=True)
    field_label = models.CharField("技术领域", max_length=200, blank=True)
    region = models.CharField("区域", max_length=16, blank=True)
    city = models.CharField("地市", max_length=16, blank=True)
    amount_shown = models.CharField("公开的合同金额", max_length=64, blank=True)
    exemplary = models.BooleanField("省级示范案例", default=False, db_index=True)
    exemplary_at = models.DateTimeField("标记示范时间", null=True, blank=True)
    status = models.CharField("状态", max_length=16, choices=CaseStatus.choices, default=CaseStatus.DRAFT, db_index=True)
    review_reason = models.TextField("审核意见", blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    published_at = models.DateTimeField("发布时间", null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("创建时间", default=timezone.now)

    class Meta:
        verbose_name = "典型案例"
        verbose_name_plural = "典型案例"
        ordering: ClassVar[list[str]] = ["-published_at", "-id"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["contract"], condition=~Q(status=CaseStatus.WITHDRAWN), name="one_live_case_per_contract"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class CaseConsent(models.Model):
    """One party's recorded consent to the case being published (and, separately, to its exact amount)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="consents")
    organisation = models.ForeignKey(Organisation, verbose_name="同意方", on_delete=models.PROTECT, related_name="+")
    side = models.CharField("身份", max_length=16, choices=Side.choices)
    allows_exact_amount = models.BooleanField("同意公开准确金额", default=False)
    given_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    given_at = models.DateTimeField("同意时间", default=timezone.now)

    class Meta:
        verbose_name = "案例公开同意"
        verbose_name_plural = "案例公开同意"
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["case", "side"], name="one_consent_per_side"),
        ]

    def __str__(self) -> str:
        return f"{self.case} · {self.organisation}"


class CaseEvent(TransitionEvent):
    subject = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="events")

    class Meta(TransitionEvent.Meta):
        verbose_name = "典型案例事件"
        verbose_name_plural = "典型案例事件"
