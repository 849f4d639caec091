"""Applications and pledges: a contract party applies with the consented pack (risk's pack), the
bank decides, the purchased patent is pledged while the loan stands; the boundaries of the
product's amount range and of its share of the contract amount are exact to the cent."""

from __future__ import annotations

from decimal import Decimal

import pytest

from usefirst.accounts.models import OrganisationKind
from usefirst.core.errors import Conflict, DomainError, Forbidden
from usefirst.core.testing import make_org, make_user
from usefirst.financing import loans
from usefirst.financing.choices import ApplicationStatus, PackPart, PledgeStatus, ProductStatus
from usefirst.notifications.models import Notification

from .builders import apply_for, make_loan_product, signed_deal

pytestmark = pytest.mark.django_db


@pytest.fixture
def deal(province):
    return signed_deal()


@pytest.fixture
def product():
    return make_loan_product(status=ProductStatus.PUBLISHED)


def _banker(application):
    return application.bank.memberships.first().user


def test_the_amount_at_the_products_maximum_is_accepted(deal, product):
    application = apply_for(deal, product, amount="300000.00")
    assert application.status == ApplicationStatus.APPLIED
    assert application.amount == Decimal("300000.00")


def test_one_cent_above_the_products_maximum_is_refused(deal, product):
    with pytest.raises(DomainError) as caught:
        apply_for(deal, product, amount="300000.01")
    assert caught.value.code == "loan_amount_out_of_range"


def test_the_amount_at_the_contract_ratio_is_accepted_and_one_cent_above_refused(deal):
    # 50 % of 500,000.00 is 250,000.00; the product's own maximum is higher.
    product = make_loan_product(status=ProductStatus.PUBLISHED, amount_max="1000000.00", max_ratio_percent="50")
    with pytest.raises(DomainError) as caught:
        apply_for(deal, product, amount="250000.01")
    assert caught.value.code == "loan_above_contract_ratio"
    assert apply_for(deal, product, amount="250000.00").amount == Decimal("250000.00")


def test_one_cent_below_the_products_minimum_is_refused(deal, product):
    with pytest.raises(DomainError) as caught:
        apply_for(deal, product, amount="49999.99")
    assert caught.value.code == "loan_amount_out_of_range"
    assert apply_for(deal, product, amount="50000.00").status == ApplicationStatus.APPLIED


def test_the_pack_is_risks_pack_with_only_the_consented_parts(deal, product):
    application = apply_for(deal, product, parts=[PackPart.CONTRACT])
    assert application.pack["contract"]["number"] == deal["contract"].number
    assert "achievements" not in application.pack and "payment_plan" not in application.pack
    with pytest.raises(DomainError) as caught:
        apply_for(deal, product, parts=[PackPart.ACHIEVEMENT])
    assert caught.value.code == "pack_consent_required"


def test_applying_for_a_contract_one_is_not_party_to_is_refused_with_a_code(deal, product):
    stranger = make_org(OrganisationKind.ENTERPRISE)
    with pytest.raises(Forbidden) as caught:
        loans.application_create(
            actor=make_user(stranger),
            contract=deal["contract"],
            product=product,
            applicant=stranger,
            amount="100000.00",
            term_months=12,
            parts=[PackPart.CONTRACT],
        )
    assert caught.value.code == "financing_not_party"


def test_a_licensee_loan_is_not_for_the_licensor(deal, product):
    with pytest.raises(DomainError) as caught:
        loans.application_create(
            actor=deal["owner"],
            contract=deal["contract"],
            product=product,
            applicant=deal["unit"],
            amount="100000.00",
            term_months=12,
            parts=[PackPart.CONTRACT],
        )
    assert caught.value.code == "loan_product_not_fitting"


def test_approval_writes_an_event_and_tells_the_applicant(deal, product):
    application = apply_for(deal, product)
    banker = _banker(application)
    with pytest.raises(DomainError) as caught:
        loans.application_approve(actor=banker, application=application, amount="200000.00", rate="4.51", term_months=24)
    assert caught.value.code == "loan_rate_out_of_range"
    loans.application_approve(actor=banker, application=application, amount="200000.00", rate="4.5", term_months=24)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.APPROVED
    assert application.approved_rate == Decimal("4.5")
    assert [e.event_type for e in application.events.order_by("pk")] == ["apply", "approve"]
    assert Notification.objects.filter(recipient=deal["licensee"], kind="financing.application_decided").exists()


def test_the_applicant_cannot_decide_and_a_decline_needs_reasons(deal, product):
    application = apply_for(deal, product)
    with pytest.raises(Forbidden) as caught:
        loans.application_approve(actor=deal["licensee"], application=application, amount="1.00", rate="4", term_months=12)
    assert caught.value.code == "financing_not_lender"
    with pytest.raises(DomainError):
        loans.application_decline(actor=_banker(application), application=application, reason="")
    loans.application_request_info(actor=_banker(application), application=application, reason="请补充近三年财务报表")
    loans.application_resubmit(actor=deal["licensee"], application=application, note="已补充")
    loans.application_decline(actor=_banker(application), application=application, reason="企业负债率过高")
    application.refresh_from_db()
    assert application.status == ApplicationStatus.DECLINED
    assert [e.event_type for e in application.events.order_by("pk")] == ["apply", "request_info", "resubmit", "decline"]
    assert Notification.objects.filter(recipient=deal["licensee"], kind="financing.application_decided").count() == 2


def test_a_pledged_patent_cannot_be_pledged_again_until_released(deal, product):
    application = apply_for(deal, product)
    banker = _banker(application)
    with pytest.raises(Conflict) as caught:
        loans.pledge_register(
            actor=banker, application=application, ip_item=deal["patent"], registration_number="Y1", registered_on="2026-06-01"
        )
    assert caught.value.code == "pledge_loan_not_approved"
    loans.application_approve(actor=banker, application=application, amount="200000.00", rate="3.8", term_months=24)
    pledge = loans.pledge_register(
        actor=banker, application=application, ip_item=deal["patent"], registration_number="Y1", registered_on="2026-06-01"
    )
    assert pledge.status == PledgeStatus.REGISTERED
    with pytest.raises(Conflict) as caught:
        loans.pledge_register(
            actor=banker, application=application, ip_item=deal["patent"], registration_number="Y2", registered_on="2026-06-02"
        )
    assert caught.value.code == "pledge_ip_taken"
    loans.application_settle(actor=banker, application=application)
    pledge.refresh_from_db()
    assert pledge.status == PledgeStatus.RELEASED and pledge.released_on is not None
    assert [e.event_type for e in pledge.events.order_by("pk")] == ["register", "release"]
