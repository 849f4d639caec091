"""Loan products: published by a bank, reviewed by the province the way risk products are, versioned;
a product whose rule contradicts itself is refused field by field."""

from __future__ import annotations

import pytest

from usefirst.accounts.models import OrganisationKind
from usefirst.core.errors import DomainError, Forbidden
from usefirst.core.testing import make_org, make_user
from usefirst.financing import services
from usefirst.financing.choices import ProductStatus
from usefirst.financing.models import LoanProduct

from .builders import make_bank, make_loan_product, product_data

pytestmark = pytest.mark.django_db


def _refusal(**overrides):
    bank, banker = make_bank()
    with pytest.raises(DomainError) as caught:
        services.product_create(actor=banker, bank=bank, data=product_data(**overrides))
    return caught.value


def test_a_minimum_amount_above_the_maximum_is_refused_at_the_maximum():
    error = _refusal(amount_min="300000.01", amount_max="300000.00")
    assert error.code == "loan_product_inconsistent"
    assert "amount_max" in error.field_errors
    assert not LoanProduct.objects.exists()


def test_a_minimum_rate_above_the_maximum_is_refused():
    error = _refusal(rate_min="4.6", rate_max="4.5")
    assert "rate_max" in error.field_errors


def test_a_minimum_term_above_the_maximum_is_refused():
    assert "term_months_max" in _refusal(term_months_min=37, term_months_max=36).field_errors


def test_a_ratio_above_100_percent_is_refused_and_100_is_accepted():
    assert "max_ratio_percent" in _refusal(max_ratio_percent="100.0001").field_errors
    bank, banker = make_bank()
    product = services.product_create(actor=banker, bank=bank, data=product_data(max_ratio_percent="100"))
    assert product.max_ratio_percent == 100


def test_only_a_purchase_loan_asks_for_the_pledge():
    assert "pledge_required" in _refusal(kind="upgrade", pledge_required=True).field_errors


def test_only_a_banks_members_publish_products():
    insurer = make_org(OrganisationKind.INSURER)
    with pytest.raises(Forbidden) as caught:
        services.product_create(actor=make_user(insurer), bank=insurer, data=product_data())
    assert caught.value.code == "not_a_bank"


def test_the_province_publishes_and_a_new_version_supersedes_the_old(province):
    bank, banker = make_bank()
    reviewer = make_user(province)
    product = make_loan_product(bank, banker, status=ProductStatus.PUBLISHED)
    assert product.status == ProductStatus.PUBLISHED
    draft = services.product_new_version(actor=banker, product=product)
    assert draft.version == 2 and draft.status == ProductStatus.DRAFT
    services.product_submit(actor=banker, product=draft)
    services.product_approve(actor=reviewer, product=draft)
    product.refresh_from_db()
    assert product.status == ProductStatus.SUPERSEDED
    assert [e.event_type for e in product.events.order_by("pk")] == ["create", "submit", "approve", "supersede"]


def test_a_return_needs_a_reason_and_the_bank_cannot_review_its_own(province):
    bank, banker = make_bank()
    product = make_loan_product(bank, banker, status=ProductStatus.SUBMITTED)
    with pytest.raises(Forbidden):
        services.product_return(actor=banker, product=product, reason="不行")
    services.product_return(actor=make_user(province), product=product, reason="请写明利率定价依据")
    product.refresh_from_db()
    assert product.status == ProductStatus.RETURNED
