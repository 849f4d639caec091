"""Statuses and choice lists of the 安心屋 (docs/domain.md, rule 10) and of the units' management
systems and incentive support (构建管理体系)."""

from __future__ import annotations

from django.db import models


class Step(models.TextChoices):
    """The decision steps of a deal whose records staff deposit."""

    VALUATION = "valuation", "定价依据（评估或协议定价）"
    NOTICE = "notice", "价格公示"
    DECISION = "decision", "内部决策（会议纪要）"
    CONFLICT = "conflict", "利益冲突申报"
    OTHER = "other", "其他材料"


# The steps a complete dossier has (the verifier lists those missing).
REQUIRED_STEPS = (Step.VALUATION, Step.NOTICE, Step.DECISION, Step.CONFLICT)


class ExemptionStatus(models.TextChoices):
    SUBMITTED = "submitted", "待认定"
    EXEMPTED = "exempted", "认定免责"
    NOT_EXEMPTED = "not_exempted", "认定不予免责"
    WITHDRAWN = "withdrawn", "已撤回"


class SystemStatus(models.TextChoices):
    SUBMITTED = "submitted", "待主管部门审核"
    APPROVED = "approved", "已通过"
    RETURNED = "returned", "已退回"


class IncentiveKind(models.TextChoices):
    FUNDING = "funding", "资金支持"
    REWARD = "reward", "表彰奖励"
    TITLE = "title", "职称评审与考核倾斜"
    QUOTA = "quota", "绩效工资与编制倾斜"
    OTHER = "other", "其他激励"
