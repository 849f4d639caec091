"""Choice lists of local support measures."""

from __future__ import annotations

from django.db import models


class MeasureKind(models.TextChoices):
    SUBSIDY = "subsidy", "补贴"
    REWARD = "reward", "奖励"
    PREMIUM_SUBSIDY = "premium_subsidy", "保费补贴"
    INTEREST_SUBSIDY = "interest_subsidy", "贴息"
    OTHER = "other", "其他支持"


class MeasureStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    PUBLISHED = "published", "已发布"
    WITHDRAWN = "withdrawn", "已撤回"


# Who may publish: the city's department for its city; a development zone for its own county.
PUBLISHER_KINDS = ("city_department", "development_zone", "provincial_department")
