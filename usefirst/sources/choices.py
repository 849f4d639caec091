"""Choice lists of the sources of achievements: recommendation channels, maturity stages, the
states of a recommendation batch and of its rows, and the source every achievement is counted under."""

from __future__ import annotations

from django.db import models


class Channel(models.TextChoices):
    """Who recommends (拓宽来源渠道): read from the recommending organisation's kind."""

    CITY = "city", "地市推荐"
    UNIT = "unit", "成果单位推荐"
    SUPERIOR = "superior", "上级主管部门推荐"
    ENTERPRISE = "enterprise", "企业推荐"
    OUT_OF_PROVINCE = "out_of_province", "省外高校院所推荐"
    SERVICE = "service", "园区与服务机构推荐"


class Maturity(models.TextChoices):
    """The stage an achievement has reached; a recommendation needs 小试 at least."""

    LAB = "lab", "实验室阶段"
    SMALL_PILOT = "small_pilot", "小试"
    PILOT = "pilot", "中试"
    INDUSTRIAL = "industrial", "产业化"


MATURITY_ORDER = [Maturity.LAB, Maturity.SMALL_PILOT, Maturity.PILOT, Maturity.INDUSTRIAL]
MINIMUM_MATURITY = Maturity.SMALL_PILOT
# The technology readiness level a draft achievement starts with, for its unit to correct.
MATURITY_TRL = {Maturity.LAB: 4, Maturity.SMALL_PILOT: 5, Maturity.PILOT: 6, Maturity.INDUSTRIAL: 8}


class BatchStatus(models.TextChoices):
    SUBMITTED = "submitted", "待审核"
    REVIEWED = "reviewed", "已审核"
    WITHDRAWN = "withdrawn", "已撤回"


class RowOutcome(models.TextChoices):
    PENDING = "pending", "待审核"
    ACCEPTED = "accepted", "已采纳"
    REFUSED = "refused", "未采纳"


class SourceKind(models.TextChoices):
    """Where an achievement came from, as the evaluations count it (see selectors.source_counts)."""

    SELF = "self", "成果单位自行登记"
    IMPORTED = "imported", "批量导入"
    AUTO_INCLUDED = "auto_included", "验收满三年自动纳入"
    RECOMMENDED = "recommended", "推荐渠道"
    SURVEY = "survey", "转化意向摸底"


class Intent(models.TextChoices):
    """A unit's conversion intent for one of its achievements or patents (转化意向摸底)."""

    TRANSFER = "transfer", "转让"
    LICENCE = "licence", "许可"
    OPEN_LICENCE = "open_licence", "开放许可"
    USE_FIRST = "use_first", "先用后转"
    NOT_AVAILABLE = "not_available", "暂不转化"


OPEN_INTENTS = (Intent.TRANSFER, Intent.LICENCE, Intent.OPEN_LICENCE, Intent.USE_FIRST)
