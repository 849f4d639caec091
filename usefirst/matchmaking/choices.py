"""The matchmaking (对接) statuses and choice lists (docs/domain.md, "Lifecycles"); the moves between
the statuses are declared in workflows.py."""

from __future__ import annotations

from django.db import models


class EngagementStatus(models.TextChoices):
    INTENT = "intent", "意向已提出"
    TALKING = "talking", "洽谈中"
    AGREED = "agreed", "已达成一致（待签合同）"
    DECLINED = "declined", "已婉拒"
    WITHDRAWN = "withdrawn", "已撤回"
    CLOSED = "closed", "已关闭"


# Named groups: an open engagement blocks a second intent by the same organisation on the same item.
OPEN_STATUSES = frozenset({EngagementStatus.INTENT, EngagementStatus.TALKING})
ENDED_STATUSES = frozenset({EngagementStatus.DECLINED, EngagementStatus.WITHDRAWN, EngagementStatus.CLOSED})


class Side(models.TextChoices):
    ENTERPRISE = "enterprise", "企业方"
    UNIT = "unit", "成果单位方"


def other_side(side: str) -> str:
    return Side.UNIT if side == Side.ENTERPRISE else Side.ENTERPRISE


class DeclineReason(models.TextChoices):
    TOO_EARLY = "too_early", "时机过早"
    BENEFIT_UNCLEAR = "benefit_unclear", "效益不明确"
    PRICE = "price", "价格"
    ROUTE_TO_MARKET_UNCLEAR = "route_to_market_unclear", "市场路径不清晰"
    OTHER = "other", "其他"
