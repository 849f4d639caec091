"""Status machines and choice lists of the catalog (docs/domain.md, "Lifecycles")."""

from __future__ import annotations

from typing import Any

from django.db import models


class AchievementStatus(models.TextChoices):
    AUTO_INCLUDED = "auto_included", "自动纳入待完善"
    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "待审核"
    PUBLISHED = "published", "已发布"
    RETURNED = "returned", "已退回"
    WITHDRAWN = "withdrawn", "已撤回"
    TAKEN_DOWN = "taken_down", "已下架"


ACHIEVEMENT_EDITABLE = frozenset({AchievementStatus.AUTO_INCLUDED, AchievementStatus.DRAFT, AchievementStatus.RETURNED})


class DemandStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "待审核"
    PUBLISHED = "published", "已发布"
    RETURNED = "returned", "已退回"
    CLOSED = "closed", "已关闭"
    EXPIRED = "expired", "已过期"


class Mode(models.TextChoices):
    """How an achievement is offered; the first two are the use-first modes a contract is drafted
    under (docs/domain.md), the one enumeration every app imports."""

    PAY_LATER = "pay_later", "先使用后付费"
    COOPERATE_LATER = "cooperate_later", "先使用后合作"
    OPEN_LICENCE = "open_licence", "专利开放许可"


def offered_modes(item: Any) -> list[Mode]:
    """The modes an achievement (or its listing card, catalog/cards.py) offers, in Mode's order."""
    flags = (item.offers_pay_later, item.offers_cooperate_later, item.offers_open_licence)
    return [mode for mode, flag in zip(Mode, flags, strict=True) if flag]


# The modes of a use-first contract (a free-use licence and what follows it).
USE_FIRST_MODES: tuple[str, ...] = (Mode.PAY_LATER, Mode.COOPERATE_LATER)
USE_FIRST_MODE_CHOICES: list[tuple[str, str]] = [(m.value, str(m.label)) for m in (Mode.PAY_LATER, Mode.COOPERATE_LATER)]


# What each mode means to the people choosing it (the provincial measures, "创新“先用后转”改革模式").
MODE_EXPLANATIONS: dict[str, str] = {
    Mode.PAY_LATER: (
        "成果单位将成果许可给企业免费使用一定期限；期满后双方按自愿原则，以分期支付、延期支付、"
        "收益提成支付、里程碑支付等方式约定付费，完成正式许可或转让。任何一方可以不再继续。"
    ),
    Mode.COOPERATE_LATER: (
        "成果单位将成果许可给企业免费使用一定期限；期满后双方根据实施情况，就同一完成人的同一或不同成果，"
        "约定下一阶段以技术转让、技术许可、技术开发或作价投资等方式合作，并完成转化交易。"
    ),
    Mode.OPEN_LICENCE: (
        "专利权人向国家知识产权局声明愿意许可任何人实施其专利，并公告许可使用费标准；"
        "任何人书面通知并按公告条件付费即可实施。须至少登记一项专利；开放许可期间不得授予独占或排他许可。"
    ),
}


class Trl(models.IntegerChoices):
    """Technology readiness levels (技术就绪水平), 1 to 9, as the catalog explains them to owners."""

    BASIC_PRINCIPLES = 1, "基本原理被发现和报告"
    CONCEPT = 2, "形成技术概念或应用设想"
    PROOF_OF_CONCEPT = 3, "关键功能和特性通过分析与实验得到验证（概念验证）"
    LAB_VALIDATION = 4, "部件或试验样品在实验室环境中得到验证"
    RELEVANT_VALIDATION = 5, "部件或试验样品在相关（模拟使用）环境中得到验证"
    RELEVANT_DEMONSTRATION = 6, "系统或分系统的模型、样机在相关环境中得到演示"
    OPERATIONAL_DEMONSTRATION = 7, "系统样机在实际使用环境中得到演示"
    QUALIFIED = 8, "实际系统完成，并通过试验和演示得到验证"
    PROVEN = 9, "实际系统通过任务运行的成功考验"


class ProjectCategory(models.TextChoices):
    KEY_TECHNOLOGY = "key_technology", "科研攻关类"
    OTHER = "other", "其他类"


class RestrictionReason(models.TextChoices):
    NONE = "", "不涉及"
    DEFENCE = "defence", "涉及国防"
    NATIONAL_SECURITY = "national_security", "涉及国家安全"
    NATIONAL_INTEREST = "national_interest", "涉及国家利益"
    PUBLIC_INTEREST = "public_interest", "涉及重大社会公共利益"


class IpKind(models.TextChoices):
    INVENTION_PATENT = "invention_patent", "发明专利"
    UTILITY_MODEL = "utility_model", "实用新型专利"
    DESIGN = "design", "外观设计专利"
    SOFTWARE_COPYRIGHT = "software_copyright", "计算机软件著作权"
    PLANT_VARIETY = "plant_variety", "植物新品种"
    IC_LAYOUT = "ic_layout", "集成电路布图设计"
    KNOW_HOW = "know_how", "技术秘密"
    OTHER = "other", "其他"


PATENT_KINDS = frozenset({IpKind.INVENTION_PATENT, IpKind.UTILITY_MODEL, IpKind.DESIGN})


class IpLegalStatus(models.TextChoices):
    PENDING = "pending", "审查中"
    GRANTED = "granted", "已授权"
    LAPSED = "lapsed", "已失效"
    NOT_APPLICABLE = "n_a", "不适用"


class CooperationForm(models.TextChoices):
    LICENCE = "licence", "技术许可"
    TRANSFER = "transfer", "技术转让"
    DEVELOPMENT = "development", "技术开发"
    EQUITY = "equity", "作价投资"
    SERVICE = "service", "技术服务"
    USE_FIRST = "use_first", "先用后转"
