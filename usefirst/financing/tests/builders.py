"""Builders for financing tests: a bank, a loan product in a state, and a signed pay-later licence
of 500,000.00 between a university and an enterprise whose achievement lists an invention patent."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from usefirst.accounts.models import Membership, Organisation, OrganisationKind, User
from usefirst.catalog.models import IpItem
from usefirst.contracts import selectors as contract_selectors
from usefirst.contracts.models import Contract
from usefirst.core.testing import make_org, make_user
from usefirst.finance.tests.helpers import licence_for
from usefirst.financing import services
from usefirst.financing.choices import LoanKind, PackPart, ProductStatus
from usefirst.financing.models import LoanProduct

CONTRACT_AMOUNT = Decimal("500000.00")


def product_data(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": "先用后付·购买贷",
        "kind": LoanKind.PURCHASE,
        "summary": "被许可企业付费期购买所许可的专利，以所购专利质押。",
        "modes": ["pay_later"],
        "amount_min": "50000.00",
        "amount_max": "300000.00",
        "rate_min": "3.2",
        "rate_max": "4.5",
        "term_months_min": 6,
        "term_months_max": 36,
        "max_ratio_percent": "70",
        "pledge_required": True,
    }
    data.update(overrides)
    return data


def make_bank() -> tuple[Organisation, User]:
    org = make_org(OrganisationKind.BANK, name="广东南粤银行股份有限公司")
    return org, make_user(org, role=Membership.Role.ADMIN)


def make_loan_product(
    bank: Organisation | None = None, actor: User | None = None, *, status: str = ProductStatus.DRAFT, **overrides: Any
) -> LoanProduct:
    if bank is None or actor is None:
        bank, actor = make_bank()
    product = services.product_create(actor=actor, bank=bank, data=product_data(**overrides))
    if status in (ProductStatus.SUBMITTED, ProductStatus.PUBLISHED):
        services.product_submit(actor=actor, product=product)
    if status == ProductStatus.PUBLISHED:
        services.product_approve(actor=make_user(_province()), product=product)
    product.refresh_from_db()
    return product


def _province() -> Organisation:
    return Organisation.objects.filter(kind=OrganisationKind.PROVINCIAL_DEPARTMENT).first() or make_org(
        OrganisationKind.PROVINCIAL_DEPARTMENT, name="广东省科学技术厅", city="广州市", county="越秀区"
    )


def signed_deal() -> dict[str, Any]:
    unit = make_org(OrganisationKind.UNIVERSITY, reviewing_department=_province())
    owner = make_user(unit, role=Membership.Role.ADMIN)
    enterprise = make_org(OrganisationKind.ENTERPRISE, city="韶关市", county="浈江区")
    licensee = make_user(enterprise, role=Membership.Role.ADMIN)
    contract = licence_for(unit, enterprise, owner)
    Contract.objects.filter(pk=contract.pk).update(price=CONTRACT_AMOUNT)
    contract.refresh_from_db()
    achievement_id = contract_selectors.achievement_ids_of_contract(contract.pk)[0]
    patent = IpItem.objects.create(
        achievement_id=achievement_id,
        kind="invention_patent",
        number="ZL202310000001.X",
        title="一种余热回收装置",
        legal_status="granted",
    )
    return {"contract": contract, "owner": owner, "licensee": licensee, "unit": unit, "enterprise": enterprise, "patent": patent}


def apply_for(deal: dict[str, Any], product: LoanProduct, *, amount: str = "200000.00", **kwargs: Any) -> Any:
    from usefirst.financing import loans

    values: dict[str, Any] = {"term_months": 24, "parts": [PackPart.CONTRACT, PackPart.ACHIEVEMENT], "purpose": "购买专利"}
    values.update(kwargs)
    return loans.application_create(
        actor=deal["licensee"], contract=deal["contract"], product=product, applicant=deal["enterprise"], amount=amount, **values
    )
