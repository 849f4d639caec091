"""Choice lists of risk sharing in the use-first deal (docs/domain.md, rule 8): the product types
of the national regulator's technology-insurance list and the guarantee, the risks a product
covers, who it insures, the cost heads of a failed pilot and the product's status."""

from __future__ import annotations

from django.db import models


class ProductStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "待审核"
    PUBLISHED = "published", "已发布"
    RETURNED = "returned", "已退回"
    WITHDRAWN = "withdrawn", "已下线"
    SUPERSEDED = "superseded", "已由新版本取代"


PRODUCT_EDITABLE = frozenset({ProductStatus.DRAFT, ProductStatus.RETURNED})


class ProductType(models.TextChoices):
    """The technology-insurance products of the national regulator's list that fit a use-first
    deal, and the guarantors' performance guarantee."""

    PATENT_IMPLEMENTATION_FAILURE = "patent_implementation_failure", "专利实施失败费用损失保险"
    CONVERSION_COMPREHENSIVE = "conversion_comprehensive", "科技成果转化综合保障保险"
    PERFORMANCE_BOND_INSURANCE = "performance_bond_insurance", "履约保证保险"
    IP_INFRINGEMENT_LIABILITY = "ip_infringement_liability", "知识产权侵权责任保险"
    PILOT_COST_LOSS = "pilot_cost_loss", "小试/中试费用损失保险"
    PERFORMANCE_GUARANTEE = "performance_guarantee", "履约担保"


GUARANTEE_TYPES = frozenset({ProductType.PERFORMANCE_GUARANTEE})
INSURANCE_TYPES = frozenset(set(ProductType) - GUARANTEE_TYPES)


class RiskSide(models.TextChoices):
    UNIT = "unit", "成果单位"
    ENTERPRISE = "enterprise", "企业"


class CoveredRisk(models.TextChoices):
    # The unit's risks.
    KEEPS_USING_UNPAID = "keeps_using_unpaid", "免费使用期满后企业继续使用，却不付费也不签约"
    PAYMENT_DEFAULT = "payment_default", "企业未按后续约定付款"
    # The enterprise's risks.
    INDICATORS_NOT_MET = "indicators_not_met", "技术未达到合同约定的指标"
    LICENCE_REFUSED = "licence_refused", "试用期满后成果单位拒绝许可"
    OTHER_FIRM_LICENSED = "other_firm_licensed", "另一试用企业取得了许可"
    IP_INFRINGEMENT = "ip_infringement", "第三方提出知识产权侵权索赔"
    PILOT_FAILURE = "pilot_failure", "小试/中试失败的费用损失"


RISK_SIDE: dict[str, RiskSide] = {
    CoveredRisk.KEEPS_USING_UNPAID: RiskSide.UNIT,
    CoveredRisk.PAYMENT_DEFAULT: RiskSide.UNIT,
    CoveredRisk.INDICATORS_NOT_MET: RiskSide.ENTERPRISE,
    CoveredRisk.LICENCE_REFUSED: RiskSide.ENTERPRISE,
    CoveredRisk.OTHER_FIRM_LICENSED: RiskSide.ENTERPRISE,
    CoveredRisk.IP_INFRINGEMENT: RiskSide.ENTERPRISE,
    CoveredRisk.PILOT_FAILURE: RiskSide.ENTERPRISE,
}


class CostHead(models.TextChoices):
    """The cost heads whose loss a failed 小试/中试 is insured for."""

    MATERIALS = "materials", "原材料与试剂费"
    EQUIPMENT = "equipment", "设备购置与使用费"
    TESTING = "testing", "测试化验与检验费"
    LABOUR = "labour", "人工费"
    OUTSOURCING = "outsourcing", "外协加工费"
    SITE_ENERGY = "site_energy", "场地与能耗费"


class InsuredKind(models.TextChoices):
    UNIT = "unit", "成果单位"
    ENTERPRISE = "enterprise", "企业"
    BOTH = "both", "成果单位与企业（三方保单）"


def insured_sides(kind: str) -> set[str]:
    return {RiskSide.UNIT, RiskSide.ENTERPRISE} if kind == InsuredKind.BOTH else {kind}


class PremiumMethod(models.TextChoices):
    RATE = "rate", "按保险金额乘以费率"
    PER_PATENT = "per_patent", "基础保费加按专利件数计费（赔偿限额为保费的倍数）"


class PerformanceRecord(models.TextChoices):
    """The licensee's record of paying what it agreed (the premium's loading)."""

    GOOD = "good", "履约良好"
    NONE = "none", "暂无履约记录"
    POOR = "poor", "有逾期未付记录"


class PolicyStatus(models.TextChoices):
    """A policy (or guarantee) from the insured's application to its end (risk/workflows.py)."""

    APPLIED = "applied", "已投保待核保"
    INFO_REQUESTED = "info_requested", "待补充材料"
    ISSUED = "issued", "已出单"
    DECLINED = "declined", "拒保"
    IN_FORCE = "in_force", "保障中"
    EXPIRED = "expired", "已到期"
    CANCELLED = "cancelled", "已退保"


# A policy in these states holds its risks of its contract for its period: a second one is refused.
POLICY_HOLDING = frozenset({PolicyStatus.APPLIED, PolicyStatus.INFO_REQUESTED, PolicyStatus.ISSUED, PolicyStatus.IN_FORCE})


class PackPart(models.TextChoices):
    """The parts of the underwriting pack; each goes to the insurer only with the insured's consent."""

    CONTRACT = "contract", "合同主要条款"
    ACHIEVEMENT = "achievement", "成果的技术成熟度与知识产权"
    PAYMENT_PLAN = "payment_plan", "付款计划与到账情况"


class ClaimStatus(models.TextChoices):
    OPENED = "opened", "已报案"
    DOCUMENTS_COMPLETE = "documents_complete", "材料齐全"
    ASSESSED = "assessed", "已核定"
    PAID = "paid", "已赔付"
    DECLINED = "declined", "拒赔"
    SUBROGATED = "subrogated", "已登记追偿"


CLAIM_OPEN = frozenset({ClaimStatus.OPENED, ClaimStatus.DOCUMENTS_COMPLETE, ClaimStatus.ASSESSED})


class ClaimOrigin(models.TextChoices):
    INSURED = "insured", "被保险人报案"
    AUTOMATIC = "automatic", "平台按付款逾期自动发起"
    BREACH = "breach", "平台按违约记录自动发起"


class BreachKind(models.TextChoices):
    """What a party records against the other party of a covered contract (违约记录)."""

    PAYMENT_DEFAULT = "payment_default", "未按约定付款"
    KEEPS_USING_UNPAID = "keeps_using_unpaid", "免费使用期满后继续使用，却不付费也不签约"
    LICENCE_REFUSED = "licence_refused", "试用期满后拒绝许可"
    OTHER = "other", "其他违反合同约定的行为"


# The covered risk a breach of each kind is a claim under (OTHER: the policy's first covered risk).
BREACH_RISK: dict[str, str] = {
    BreachKind.PAYMENT_DEFAULT: CoveredRisk.PAYMENT_DEFAULT,
    BreachKind.KEEPS_USING_UNPAID: CoveredRisk.KEEPS_USING_UNPAID,
    BreachKind.LICENCE_REFUSED: CoveredRisk.LICENCE_REFUSED,
}
