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
from django.core.files.uploadedfile import SimpleUploadedFile

from usefirst.accounts.models import Membership, Organisation, OrganisationEvent, OrganisationKind, OrganisationStatus, User
from usefirst.accounts.roles import reviewing_department
from usefirst.contracts.models import Contract, ContractKind, ContractStatus
from usefirst.core.dates import today
from usefirst.finance import services as finance_services
from usefirst.finance.models import PaymentPlan
from usefirst.risk import cover, services
from usefirst.risk.choices import (
    INSURANCE_TYPES,
    BreachKind,
    CostHead,
    CoveredRisk,
    InsuredKind,
    PackPart,
    PolicyStatus,
    ProductType,
)
from usefirst.risk.models import Policy, Product, SubsidyRule

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
    "overdue_trigger_days": 90,
    "breach_trigger": True,
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
    "overdue_trigger_days": 60,
    "claim_triggers": "付款计划中任一期逾期 60 日，成果单位书面催告后 30 日内仍未支付。",
    "claim_documents": "合同文本；付款计划；催告函及送达凭证；代偿申请书。",
    "exclusions": "成果单位与企业恶意串通的。",
}

IP_LIABILITY: dict[str, Any] = {
    "name": "试用期知识产权侵权责任保险（6 个月）",
    "product_type": ProductType.IP_INFRINGEMENT_LIABILITY,
    "summary": "企业在免费使用期内实施成果，第三方提出知识产权侵权索赔时，承担应诉费用和赔偿。",
    "covered_risks": [CoveredRisk.IP_INFRINGEMENT],
    "insured_kind": InsuredKind.ENTERPRISE,
    "modes": BOTH_MODES,
    "amount_min": "",
    "amount_max": "",
    "trl_min": 1,
    "trl_max": 9,
    "sum_insured_percent": "50",
    "sum_insured_cap": "500000.00",
    "premium_method": "rate",
    "premium_rate": "0.8",
    "minimum_premium": "1000.00",
    "waiting_days": 0,
    "term_months": 6,
    "claim_triggers": "第三方就被许可技术向企业提出知识产权侵权诉讼或仲裁。",
    "claim_documents": "合同文本；起诉状或仲裁申请书；应诉费用凭证。",
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
    for actor, data in (
        (insurer, PERFORMANCE_BOND),
        (second, COMPREHENSIVE),
        (second, PATENT_FAILURE),
        (guarantor, GUARANTEE),
        (second, IP_LIABILITY),
    ):
        product = services.product_create(actor=actor, provider=_org_of(actor), data=data)
        services.product_submit(actor=actor, product=product)
        published.append(services.product_approve(actor=reviewer, product=product))
    in_review = services.product_create(actor=insurer, provider=_org_of(insurer), data=PILOT_COST)
    services.product_submit(actor=insurer, product=in_review)
    log(f"保险与担保产品：已发布 {len(published)} 个，待审核 1 个；保费补贴规则 1 条")
    load_demo_cover(dict(zip(("bond", "comprehensive", "patent", "guarantee", "ip"), published, strict=True)), log=log)
    return len(published) + 1


# ---------------------------------------------------------------- policies, claims, guarantees


def _admin(org_id: int | None) -> User | None:
    if org_id is None:
        return None
    membership = (
        Membership.objects.filter(organisation_id=org_id, role=Membership.Role.ADMIN, is_active=True)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    return membership.user if membership is not None else None


def _plan(contract: Contract, rows: list[tuple[int, str]]) -> None:
    """A payment plan of installments `rows` (days from today, amount), entered by the licensor."""
    if PaymentPlan.objects.filter(contract=contract).exists():
        return
    unit_user = _admin(contract.licensor_id)
    assert unit_user is not None
    day = today()
    finance_services.plan_create(
        actor=unit_user,
        contract=contract,
        items=[
            {
                "kind": "installment",
                "terms": {
                    "installments": [
                        {"date": (day + dt.timedelta(days=offset)).isoformat(), "amount": amount} for offset, amount in rows
                    ]
                },
            }
        ],
        note="演示：双方约定的付款安排",
    )


def _apply(contract: Contract, product: Product, *, unit: bool, start_days_ago: int, parts: list[str] | None = None) -> Policy:
    insured = contract.licensor if unit else contract.licensee
    assert insured is not None
    actor = _admin(insured.pk)
    assert actor is not None
    return cover.policy_apply(
        actor=actor,
        contract=contract,
        product=product,
        insured=insured,
        parts=parts or [PackPart.CONTRACT, PackPart.ACHIEVEMENT, PackPart.PAYMENT_PLAN],
        period_start=(today() - dt.timedelta(days=start_days_ago)).isoformat(),
        note="演示投保",
    )


def _underwriter(policy: Policy) -> User:
    user = _admin(policy.provider_id)
    assert user is not None
    return user


def _issue(policy: Policy, number: str, *, pay: bool, paid_days_ago: int = 0) -> Policy:
    underwriter = _underwriter(policy)
    cover.policy_issue(actor=underwriter, policy=policy, number=number, premium=policy.quoted_premium, cover=policy.quoted_cover)
    if pay:
        cover.premium_record(
            actor=underwriter,
            policy=policy,
            paid_on=(today() - dt.timedelta(days=paid_days_ago)).isoformat(),
            amount=policy.quoted_premium,
            voucher_number=f"{number}-BF",
        )
    policy.refresh_from_db()
    return policy


def _pdf(title: str, number: str, text: str) -> SimpleUploadedFile:
    """A document of the demo's claims and breaches, typeset like the platform's own PDFs."""
    from usefirst.contracts.pdf import render_pdf

    data = render_pdf(title=title, number=number, body=text, draft_mark="演示材料")
    return SimpleUploadedFile(f"{title}.pdf", data, content_type="application/pdf")


def load_demo_cover(products: dict[str, Product], *, log: Callable[[str], None] = print) -> int:
    """Policies in every state on the demo's contracts, an automatic claim on an installment 100
    days overdue (the insurer's to assess), and a guarantee called, paid and followed by the
    guarantor's recourse. Returns how many policies; none when the demo has no contracts."""
    awaiting = Contract.objects.filter(kind=ContractKind.FREE_USE_LICENCE, status=ContractStatus.AWAITING_NEXT_STEP).first()
    in_period = Contract.objects.filter(kind=ContractKind.FREE_USE_LICENCE, status=ContractStatus.FREE_USE).first()
    licence = Contract.objects.filter(kind=ContractKind.LICENCE, status=ContractStatus.SIGNED).first()
    if awaiting is None or in_period is None or licence is None:
        return 0
    day = today()
    # A: the guarantor covers the deferred payments; the first installment is missed, the
    # platform calls the guarantee 60 days on, the guarantor pays and records its recourse.
    _plan(awaiting, [(-130, "100000.00"), (60, "200000.00")])
    guarantee = _issue(
        _apply(awaiting, products["guarantee"], unit=True, start_days_ago=190), "DB-2026-0008", pay=True, paid_days_ago=189
    )
    due = day - dt.timedelta(days=130)
    cover.offer_claims(due + dt.timedelta(days=60))
    called = guarantee.claims.get()
    unit_user = _admin(awaiting.licensor_id)
    assert unit_user is not None
    cover.claim_add_document(
        actor=unit_user,
        claim=called,
        name="催告函及送达凭证",
        file=_pdf("催告函及送达凭证", awaiting.number, "逾期第 35 日向被许可企业发出书面催告，EMS 回执已签收。"),
        note="逾期第 35 日发出书面催告，EMS 回执已签收",
    )
    cover.claim_add_document(
        actor=unit_user,
        claim=called,
        name="代偿申请书",
        file=_pdf("代偿申请书", awaiting.number, "成果单位请求担保机构按履约担保合同代为支付逾期的首期许可费。"),
        note="成果单位盖章的代偿申请书",
    )
    cover.claim_complete_documents(actor=unit_user, claim=called)
    guarantor = _underwriter(guarantee)
    cover.claim_assess(actor=guarantor, claim=called, assessed_loss=called.amount_claimed)
    cover.claim_pay(actor=guarantor, claim=called, paid_on=(day - dt.timedelta(days=40)).isoformat())
    called.refresh_from_db()
    cover.claim_subrogate(
        actor=guarantor, claim=called, amount=called.payout, note="已向被许可企业发出追偿通知，约定 90 日内偿还代偿款"
    )
    # The enterprise's own cover on A: an IP policy that has run its six months (expired), and
    # a tri-party policy the insurer wants more on.
    expired = _issue(
        _apply(awaiting, products["ip"], unit=False, start_days_ago=200), "ZJ-IP-2026-0001", pay=True, paid_days_ago=200
    )
    cover.policies_advance(day)
    comprehensive = _apply(awaiting, products["comprehensive"], unit=False, start_days_ago=0)
    cover.policy_request_info(
        actor=_underwriter(comprehensive), policy=comprehensive, reason="请补充该技术的第三方检测报告及关键指标约定"
    )
    # B: the insurer's performance bond (30 days waiting) on a licence in its free-use period; the entry fee is
    # 100 days overdue, and this morning's job offered the unit a claim.
    _plan(in_period, [(-100, "50000.00"), (30, "250000.00")])
    _issue(_apply(in_period, products["bond"], unit=True, start_days_ago=160), "PICC-LY-2026-0015", pay=True, paid_days_ago=159)
    offered = cover.offer_claims(day)
    # ... and the unit recorded the enterprise's breach with its evidence: the bond names breach
    # as a trigger, so the platform offered a second claim, pre-attaching what it holds.
    in_period_admin = _admin(in_period.licensor_id)
    assert in_period_admin is not None
    _, by_breach = cover.breach_record(
        actor=in_period_admin,
        contract=in_period,
        kind=BreachKind.KEEPS_USING_UNPAID,
        occurred_on=(day - dt.timedelta(days=5)).isoformat(),
        description="企业逾期未付入门费，仍在生产线上使用该技术，且书面回复暂不签订正式许可合同。",
        evidence=_pdf(
            "违约证据", in_period.number, "企业来函（复印件）：暂不签订正式许可合同；现场照片显示生产线仍在使用该技术。"
        ),
    )
    _issue(_apply(in_period, products["ip"], unit=False, start_days_ago=0), "ZJ-IP-2026-0002", pay=False)
    # C: the main licence: a bond declined, a tri-party policy cancelled, a guarantee applied for.
    declined = _apply(licence, products["bond"], unit=True, start_days_ago=0, parts=[PackPart.CONTRACT])
    cover.policy_decline(
        actor=_underwriter(declined), policy=declined, reason="合同金额较大，超出本机构单笔承保限额，建议分保或改投担保"
    )
    cancelled = _apply(licence, products["comprehensive"], unit=True, start_days_ago=0)
    licensor_admin = _admin(licence.licensor_id)
    assert licensor_admin is not None
    cover.policy_cancel(actor=licensor_admin, policy=cancelled, reason="改为申请履约担保")
    _apply(licence, products["guarantee"], unit=True, start_days_ago=0)
    count = Policy.objects.count()
    states = sorted(set(Policy.objects.values_list("status", flat=True)))
    log(
        f"保单与担保 {count} 份（状态：{'、'.join(str(PolicyStatus(s).label) for s in states)}）；"
        f"自动发起理赔 {offered + 1} 件、按违约记录发起 {by_breach} 件，担保代偿并登记追偿 1 件；已到期 {expired.number}"
    )
    return count
