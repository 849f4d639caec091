"""Builders for risk tests: product data that holds together, a provider, a product in a state,
and the provincial subsidy rule of the demo (25 %, 200,000.00 a firm a year, 50 % stacked)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from usefirst.accounts.models import Membership, Organisation, OrganisationKind, User
from usefirst.core.testing import make_org, make_user
from usefirst.risk import services
from usefirst.risk.choices import CoveredRisk, InsuredKind, ProductStatus, ProductType
from usefirst.risk.models import Product, SubsidyRule


def product_data(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": "先用后转履约保证保险",
        "product_type": ProductType.PERFORMANCE_BOND_INSURANCE,
        "summary": "免费使用期满后企业不付费或不签约时，赔偿成果单位的许可费损失。",
        "covered_risks": [CoveredRisk.KEEPS_USING_UNPAID, CoveredRisk.PAYMENT_DEFAULT],
        "insured_kind": InsuredKind.UNIT,
        "modes": ["pay_later", "cooperate_later"],
        "amount_min": "100000.00",
        "amount_max": "1000000.00",
        "trl_min": 4,
        "trl_max": 9,
        "sum_insured_percent": "80",
        "premium_method": "rate",
        "premium_rate": "2",
        "minimum_premium": "1000.00",
        "deductible_amount": "2000.00",
        "deductible_percent": "10",
        "waiting_days": 30,
        "term_months": 24,
        "claim_triggers": "免费使用期满后 60 日内企业既未付费也未签订正式许可合同。",
        "claim_documents": "合同文本；催告函；平台到账记录。",
        "exclusions": "双方协商一致终止合同的。",
    }
    data.update(overrides)
    return data


def make_provider(kind: str = OrganisationKind.INSURER) -> tuple[Organisation, User]:
    org = make_org(kind)
    return org, make_user(org, role=Membership.Role.ADMIN)


def make_product(
    provider: Organisation | None = None,
    actor: User | None = None,
    *,
    status: str = ProductStatus.DRAFT,
    **overrides: Any,
) -> Product:
    if provider is None or actor is None:
        provider, actor = make_provider()
    product = services.product_create(actor=actor, provider=provider, data=product_data(**overrides))
    if status != ProductStatus.DRAFT:
        Product.objects.filter(pk=product.pk).update(status=status)
        product.refresh_from_db()
    return product


def make_subsidy_rule(**overrides: Any) -> SubsidyRule:
    values: dict[str, Any] = {
        "name": "广东省科技保险保费补贴",
        "rate_percent": Decimal("25"),
        "regional_rate_percent": Decimal("35"),
        "annual_cap_per_firm": Decimal("200000.00"),
        "stacked_cap_percent": Decimal("50"),
        "product_types": [],
        "insured_kinds": [],
        "regions": [],
        "valid_from": dt.date(2026, 2, 1),
        "valid_until": dt.date(2031, 1, 31),
    }
    values.update(overrides)
    return SubsidyRule.objects.create(**values)
