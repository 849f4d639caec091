"""Statuses and choice lists of auto-inclusion (docs/domain.md, rule 4)."""

from __future__ import annotations

from django.db import models


class DeclarationStatus(models.TextChoices):
    SUBMITTED = "submitted", "待主管部门审核"
    ACCEPTED = "accepted", "已认可"
    RETURNED = "returned", "已退回"
    WITHDRAWN = "withdrawn", "已撤回"


# A declaration in these states holds a project out of the sweep (one per project at a time).
LIVE_DECLARATION = (DeclarationStatus.SUBMITTED, DeclarationStatus.ACCEPTED)


class ConversionKind(models.TextChoices):
    TRANSFER = "transfer", "技术转让"
    LICENCE = "licence", "技术许可"
    EQUITY = "equity", "作价投资（入股）"
    DEVELOPMENT = "development", "技术开发（以成果为基础）"
    OTHER = "other", "其他转化方式"


class Verdict(models.TextChoices):
    """Where a plan project stands in the sweep, and why (the dry-run report)."""

    INCLUDED = "included", "已自动纳入"
    DUE = "due", "已满三年，待纳入"
    DUE_SOON = "due_soon", "90 天内将纳入"
    LATER = "later", "尚未满三年"
    AWAITING_UNIT = "awaiting_unit", "承担单位未注册"
    DECLARATION_PENDING = "declaration_pending", "平台外转化申报审核中"
    CONVERTED_OFF_PLATFORM = "converted_off_platform", "已在平台外转化"
    CONVERTED_ON_PLATFORM = "converted_on_platform", "已在平台签订转化合同"
    RESTRICTED = "restricted", "涉密或限制情形"
    NOT_KEY_TECHNOLOGY = "not_key_technology", "非科研攻关类"
    NOT_PROVINCIALLY_FUNDED = "not_provincially_funded", "非省级财政资金支持"
    NOT_ACCEPTED = "not_accepted", "尚未验收"
    ACCEPTANCE_IN_FUTURE = "acceptance_in_future", "验收日期有误"


# The verdicts that put a project in the sweep's way (today or within the horizon).
FALLING_DUE = (Verdict.DUE, Verdict.DUE_SOON, Verdict.AWAITING_UNIT)
