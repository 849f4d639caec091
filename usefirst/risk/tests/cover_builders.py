"""Builders for policy and claim tests: a signed pay-later licence with two installments, a
published performance-bond product whose claims open themselves 30 days after an installment is
missed, and a policy issued and paid under it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from usefirst.accounts.models import Membership, Organisation, User
from usefirst.contracts.models import Contract
from usefirst.core.testing import make_user
from usefirst.finance import services as finance_services
from usefirst.finance.tests.helpers import licence_for
from usefirst.risk import cover
from usefirst.risk.choices import PackPart, ProductStatus
from usefirst.risk.models import Policy, Product

from .builders import make_product, make_provider

FIRST_DUE = "2026-07-01"  # a Wednesday
SECOND_DUE = "2026-09-01"


def signed_licence(unit: Organisation, enterprise: Organisation, owner: User) -> Contract:
    contract = licence_for(unit, enterprise, owner)
    finance_services.plan_create(
        actor=owner,
        contract=contract,
        items=[
            {
                "kind": "installment",
                "terms": {"installments": [{"date": FIRST_DUE, "amount": "100000"}, {"date": SECOND_DUE, "amount": "200000"}]},
            }
        ],
    )
    return contract


def bond_product(**overrides: Any) -> tuple[Product, User]:
    provider, underwriter = make_provider()
    values: dict[str, Any] = {"waiting_days": 0, "overdue_trigger_days": 30, "amount_min": "", "trl_min": 1}
    values.update(overrides)
    product = make_product(provider, underwriter, status=ProductStatus.PUBLISHED, **values)
    return product, underwriter


def apply(contract: Contract, product: Product, owner: User, **kwargs: Any) -> Policy:
    values: dict[str, Any] = {
        "parts": [PackPart.CONTRACT, PackPart.ACHIEVEMENT, PackPart.PAYMENT_PLAN],
        "period_start": "2026-06-15",
    }
    values.update(kwargs)
    return cover.policy_apply(actor=owner, contract=contract, product=product, insured=contract.licensor, **values)


def in_force(policy: Policy, underwriter: User, *, number: str = "PICC-2026-001", premium: str = "4320.00") -> Policy:
    cover.policy_issue(actor=underwriter, policy=policy, number=number, premium=premium, cover="240000.00")
    cover.premium_record(actor=underwriter, policy=policy, paid_on="2026-06-15", amount=premium, voucher_number=f"PR-{number}")
    policy.refresh_from_db()
    return policy


def member(org: Organisation) -> User:
    return make_user(org, role=Membership.Role.ADMIN)


D = Decimal
ON = dt.date(2026, 6, 15)


PDF_BYTES = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf(name: str = "材料.pdf") -> SimpleUploadedFile:
    """A small PDF upload (judged by its bytes)."""
    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")
