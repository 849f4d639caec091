"""The demo's risk sharing: two insurers' and one guarantor's products published after the
province's review, one more in review, and the province's premium subsidy rule, so that the
contracts' 保险与担保 pages show fitting products, quotes and subsidies (the showcase licence of
韶关's enterprise, in north Guangdong, gets the higher regional share)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.contrib.auth.hashers import make_password

from usefirst.accounts.models import Membership, Organisation, OrganisationEvent, OrganisationKind, OrganisationStatus, User
from usefirst.accounts.roles import reviewing_department
from usefirst.risk import services
from usefirst.risk.choices import INSURANCE_TYPES, CostHead, CoveredRisk, InsuredKind, ProductType
from usefirst.risk.models import Product, SubsidyRule

from . import specs
from .logins import DEMO_LOGINS, DEMO_PASSWORD, admin_email

BOTH_MODES = ["pay_later", "cooperate_later"]


def _user(email: str) -> User:
    return User.objects.get(email=email)


def _login(local: str) -> User:
    return _user(next(login.email for login in DEMO_LOGINS if login.email.startswith(f"{local}@")))


def _org_of(user: User) -> Organisation:
    membership = Membership.objects.filter(user=user, is_active=True).select_related("organisation").order_by("pk").first()
    assert membership is not None, user.email
    return membership.organisation


PERFORMANCE_BOND: dict[str, Any] = {
    "name": "“先用后转”许可费履约保证保险",
    "product_type": ProductType.PERFORMANCE_BOND_INSURANCE,
    "summary": "免费使用期满后企业继续使用却不付费、不签约，或未按后续约定付款时，赔偿成果单位的许可费损失。",
    "covered_risks": [CoveredRisk.KEEPS_USING_UNPAID, CoveredRisk.PAYMENT_DEFAULT],
    "insured_kind": InsuredKind.UNIT,
    "modes": BOTH_MODES,
    "amount_min": "100000.00",
    "amount_max": "5000000.00",
    "trl_min": 1,
    "trl_max": 9,
    "sum_insured_percent": "80",
    "sum_insured_cap": "2000000.00",
    "premium_method": "rate",
    "premium_rate": "1.8",
    "minimum_premium": "3000.00",
    "loading_trl_low": "1.50",
    "loading_trl_mid": "1.20",
    "loading_trl_high": "1.00",
    "loading_pay_later": "1.00",
    "loading_cooperate_later": "1.10",
    "loading_record_good": "0.90",
    "loading_record_none": "1.00",
    "loading_record_poor": "1.30",
    "deductible_amount": "5000.00",
    "deductible_percent": "10",
    "waiting_days": 30,
    "term_months": 36,
    "claim_triggers": "免费使用期届满后 60 日内，企业既未付费也未签订正式许可或转让合同而继续使用；或付款计划中任一期逾期 90 日。",
    "claim_documents": "合同文本；平台付款计划与到账记录；书面催告及送达凭证；企业继续使用的证据。",
    "exclusions": "双方协商一致终止合同的；成果单位未按约交付技术资料的；战争、核辐射等不可抗力。",
}

COMPREHENSIVE: dict[str, Any] = {
    "name": "科技成果转化综合保障保险（三方保单）",
    "product_type": ProductType.CONVERSION_COMPREHENSIVE,
    "summary": "成果单位、企业共同作为被保险人：企业拖欠许可费，或技术未达合同约定指标、期满后单位拒绝许可，均在保障范围内。",
    "covered_risks": [
        CoveredRisk.KEEPS_USING_UNPAID,
        CoveredRisk.INDICATORS_NOT_MET,
        CoveredRisk.LICENCE_REFUSED,
        CoveredRisk.OTHER_FIRM_LICENSED,
    ],
    "insured_kind": InsuredKind.BOTH,
    "modes": BOTH_MODES,
    "amount_min": "50000.00",
    "amount_max": "10000000.00",
    "trl_min": 1,
    "trl_max": 9,
    "sum_insured_percent": "60",
    "sum_insured_cap": "3000000.00",
    "premium_method": "rate",
    "premium_rate": "1.2",
    "minimum_premium": "2000.00",
    "loading_trl_low": "1.40",
    "loading_trl_mid": "1.15",
    "loading_trl_high": "1.00",
    "loading_pay_later": "1.00",
    "loading_cooperate_later": "1.05",
    "loading_record_good": "0.95",
    "loading_record_none": "1.00",
    "loading_record_poor": "1.25",
    "deductible_amount": "3000.00",
    "deductible_percent": "0",
    "waiting_days": 15,
    "term_months": 24,
    "claim_triggers": "经第三方检测，技术未达合同约定的关键指标；或免费使用期满后成果单位拒绝许可、另一试用企业取得许可；或企业拖欠许可费。",
    "claim_documents": "合同及技术指标约定；检测报告；平台合同与到账记录；损失清单。",
    "exclusions": "企业未按技术资料实施造成的损失；市场价格波动造成的损失。",
}

PATENT_FAILURE: dict[str, Any] = {
    "name": "专利实施失败费用损失保险",
    "product_type": ProductType.PATENT_IMPLEMENTATION_FAILURE,
    "summary": "企业实施受让或被许可专利失败时，赔偿已投入的实施费用；按专利件数计费。",
    "covered_risks": [CoveredRisk.INDICATORS_NOT_MET, CoveredRisk.IP_INFRINGEMENT],
    "insured_kind": InsuredKind.ENTERPRISE,
    "modes": BOTH_MODES,
    "amount_min": "",
    "amount_max": "3000000.00",
    "trl_min": 4,
    "trl_max": 9,
    "enterprise_sizes": ["medium", "small", "micro"],
    "sum_insured_percent": "100",
    "premium_method": "per_patent",
    "base_premium": "3000.00",
    "per_patent_premium": "1500.00",
    "limit_multiple": "20",
    "minimum_premium": "3000.00",
    "deductible_amount": "2000.00",
    "waiting_days": 30,
    "term_months": 12,
    "claim_triggers": "专利实施经验收或检测认定失败，或因第三方知识产权侵权索赔而停止实施。",
    "claim_documents": "专利证书；实施方案与费用凭证；验收或检测结论；侵权索赔文书。",
    "exclusions": "专利被宣告无效前已知晓无效事由的。",
}

PILOT_COST: dict[str, Any] = {
    "name": "小试/中试费用损失保险",
    "product_type": ProductType.PILOT_COST_LOSS,
    "summary": "企业在免费使用期内开展小试、中试失败时，按费用科目赔偿已发生的费用。",
    "covered_risks": [CoveredRisk.PILOT_FAILURE],
    "cost_heads": [CostHead.MATERIALS, CostHead.EQUIPMENT, CostHead.TESTING, CostHead.OUTSOURCING],
    "insured_kind": InsuredKind.ENTERPRISE,
    "modes": BOTH_MODES,
    "amount_min": "",
    "amount_max": "",
    "trl_min": 3,
    "trl_max": 7,
    "regions": ["east", "west", "north"],
    "sum_insured_percent": "50",
    "sum_insured_cap": "1000000.00",
    "premium_method": "rate",
    "premium_rate": "3",
    "minimum_premium": "5000.00",
    "deductible_percent": "20",
    "waiting_days": 0,
    "term_months": 12,
    "claim_triggers": "小试或中试经第三方检测未达到试验方案确定的目标。",
    "claim_documents": "试验方案；费用凭证（按科目）；第三方检测报告。",
}

GUARANTEE: dict[str, Any] = {
    "name": "“先用后转”许可费履约担保",
    "product_type": ProductType.PERFORMANCE_GUARANTEE,
    "summary": "为企业向成果单位支付许可费提供连带责任保证：企业逾期未付时，由担保机构代偿。",
    "covered_risks": [CoveredRisk.KEEPS_USING_UNPAID, CoveredRisk.PAYMENT_DEFAULT],
    "insured_kind": InsuredKind.UNIT,
    "modes": ["pay_later"],
    "amount_min": "200000.00",
    "amount_max": "8000000.00",
    "trl_min": 1,
    "trl_max": 9,
    "enterprise_sizes": ["medium", "small", "micro"],
    "sum_insured_percent": "70",
    "sum_insured_cap": "3000000.00",
    "premium_method": "rate",
    "premium_rate": "1.5",
    "minimum_premium": "5000.00",
    "loading_trl_low": "1.60",
    "loading_trl_mid": "1.20",
    "loading_record_good": "0.90",
    "loading_record_poor": "1.50",
    "waiting_days": 0,
    "term_months": 36,
    "claim_triggers": "付款计划中任一期逾期 60 日，成果单位书面催告后 30 日内仍未支付。",
    "claim_documents": "合同文本；付款计划；催告函及送达凭证；代偿申请书。",
    "exclusions": "成果单位与企业恶意串通的。",
}


SECOND_INSURER = specs.OrgSpec("insurer2", "珠江科技保险股份有限公司", OrganisationKind.INSURER, "深圳市", "福田区")


def _second_insurer() -> User:
    """A second insurer, registered and approved like the other demo organisations (added here, after
    the seeded load, so that the rest of the demo stays as it was)."""
    from .loader import credit_code

    spec = SECOND_INSURER
    org = Organisation(
        name=spec.name,
        kind=spec.kind,
        credit_code=credit_code(spec.kind, specs.CITY_AREA[spec.city], 9001),
        legal_representative="陈嘉文",
        city=spec.city,
        county=spec.county,
        status=OrganisationStatus.ACTIVE,
    )
    org.full_clean()
    org.save()
    org.reviewing_department = reviewing_department(org)
    org.save(update_fields=["reviewing_department"])
    admin = User.objects.create(
        email=admin_email(spec.key), full_name="陈嘉文", password=make_password(DEMO_PASSWORD), email_verified_at=org.created_at
    )
    Membership.objects.create(user=admin, organisation=org, role=Membership.Role.ADMIN, can_sign=True)
    OrganisationEvent.objects.create(
        subject=org,
        actor=admin,
        from_status=OrganisationStatus.DRAFT,
        to_status=OrganisationStatus.SUBMITTED,
        reason="提交机构注册申请",
    )
    OrganisationEvent.objects.create(
        subject=org, from_status=OrganisationStatus.SUBMITTED, to_status=OrganisationStatus.ACTIVE, reason="审核通过"
    )
    return admin


def load_demo_risk(*, log: Callable[[str], None] = print) -> int:
    """Publish the demo's products through the same services as the pages; returns how many."""
    reviewer = _login("province-reviewer")
    insurer = _login("insurer")
    second = _second_insurer()
    guarantor = _login("guarantor")
    SubsidyRule.objects.get_or_create(
        name="广东省科技保险保费补贴（“先用后转”）",
        defaults={
            "rate_percent": Decimal("25"),
            "regional_rate_percent": Decimal("35"),
            "annual_cap_per_firm": Decimal("200000.00"),
            "stacked_cap_percent": Decimal("50"),
            "product_types": sorted(INSURANCE_TYPES),
            "valid_from": dt.date(2026, 2, 1),
            "valid_until": dt.date(2031, 1, 31),
        },
    )
    published: list[Product] = []
    for actor, data in ((insurer, PERFORMANCE_BOND), (second, COMPREHENSIVE), (second, PATENT_FAILURE), (guarantor, GUARANTEE)):
        product = services.product_create(actor=actor, provider=_org_of(actor), data=data)
        services.product_submit(actor=actor, product=product)
        published.append(services.product_approve(actor=reviewer, product=product))
    in_review = services.product_create(actor=insurer, provider=_org_of(insurer), data=PILOT_COST)
    services.product_submit(actor=insurer, product=in_review)
    log(f"保险与担保产品：已发布 {len(published)} 个，待审核 1 个；保费补贴规则 1 条")
    return len(published) + 1
