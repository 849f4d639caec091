"""The pages and endpoints of bank financing: the bank's products and the provincial review, a
contract party's application (a stranger is refused with a code), the bank's decision, and the
pledge shown on the achievement's page to the owner unit and the bank only."""

from __future__ import annotations

import json

import pytest

from usefirst.accounts.models import OrganisationKind
from usefirst.core.testing import make_org, make_user
from usefirst.financing import loans
from usefirst.financing.choices import ApplicationStatus, ProductStatus
from usefirst.financing.models import LoanApplication, LoanProduct

from .builders import apply_for, make_bank, make_loan_product, product_data, signed_deal

pytestmark = pytest.mark.django_db


@pytest.fixture
def deal(province):
    return signed_deal()


@pytest.fixture
def product():
    return make_loan_product(status=ProductStatus.PUBLISHED)


def _post_json(client, url, body):
    return client.post(url, data=json.dumps(body), content_type="application/json")


def _apply_api(client, deal, product, amount):
    client.force_login(deal["licensee"])
    return _post_json(
        client,
        f"/api/v1/contracts/{deal['contract'].pk}/loan-applications",
        {
            "product_id": product.pk,
            "applicant_id": deal["enterprise"].pk,
            "amount": amount,
            "term_months": 12,
            "parts": ["contract"],
        },
    )


def test_the_api_accepts_the_products_maximum_and_refuses_one_cent_above(client, deal, product):
    refused = _apply_api(client, deal, product, "300000.01")
    assert refused.status_code == 400
    assert refused["Content-Type"].startswith("application/problem+json")
    assert refused.json()["code"] == "loan_amount_out_of_range"
    accepted = _apply_api(client, deal, product, "300000.00")
    assert accepted.status_code == 201, accepted.content
    assert accepted.json()["amount"] == "300000.00"
    assert accepted.json()["pack"]["contract"]["number"] == deal["contract"].number


def test_a_stranger_who_sees_the_contract_is_refused_with_a_code(client, deal, product):
    other = make_org(OrganisationKind.ENTERPRISE)
    client.force_login(make_user(other))
    response = _post_json(
        client,
        f"/api/v1/contracts/{deal['contract'].pk}/loan-applications",
        {"product_id": product.pk, "applicant_id": other.pk, "amount": "100000.00", "term_months": 12, "parts": ["contract"]},
    )
    assert response.status_code in (403, 404)
    assert response.json()["code"] in ("financing_not_party", "not_found")
    assert not LoanApplication.objects.exists()


def test_a_product_whose_minimum_is_above_its_maximum_is_refused_by_the_api(client):
    _, banker = make_bank()
    client.force_login(banker)
    body = product_data(amount_min="300000.01", amount_max="300000.00", rate_min="5", rate_max="4")
    response = _post_json(client, "/api/v1/financing/products", body)
    assert response.status_code == 400
    problem = response.json()
    assert problem["code"] == "loan_product_inconsistent"
    assert {"amount_max", "rate_max"} <= set(problem["errors"])
    assert not LoanProduct.objects.exists()


def test_the_bank_decides_through_the_api_and_the_published_list_is_public(client, deal, product):
    application = apply_for(deal, product)
    banker = application.bank.memberships.first().user
    client.force_login(banker)
    response = _post_json(
        client,
        f"/api/v1/financing/applications/{application.pk}/approve",
        {"amount": "200000.00", "rate": "3.9", "term_months": 24},
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == ApplicationStatus.APPROVED
    assert [e["what"] for e in response.json()["events"]] == ["提交融资申请", "批准贷款"]
    client.logout()
    listing = client.get("/api/v1/financing/products")
    assert listing.status_code == 200 and listing.json()["count"] == 1


def test_the_pledge_shows_on_the_achievement_page_to_the_owner_unit_and_the_bank_only(client, deal, product):
    application = apply_for(deal, product)
    banker = application.bank.memberships.first().user
    loans.application_approve(actor=banker, application=application, amount="200000.00", rate="3.8", term_months=24)
    loans.pledge_register(
        actor=banker, application=application, ip_item=deal["patent"], registration_number="Y2026-01", registered_on="2026-06-01"
    )
    url = f"/achievements/{deal['patent'].achievement_id}/"
    for user in (deal["owner"], banker):
        client.force_login(user)
        page = client.get(url).content.decode()
        assert "质押中" in page and "Y2026-01" in page
    client.force_login(make_user(make_org(OrganisationKind.ENTERPRISE)))
    assert "Y2026-01" not in client.get(url).content.decode()


def test_the_pages_of_each_role_open(client, deal, product, province):
    application = apply_for(deal, product)
    banker = application.bank.memberships.first().user
    client.force_login(banker)
    for url in (
        "/financing/products/",
        "/financing/workspace/products/",
        "/financing/workspace/products/new/",
        f"/financing/products/{product.pk}/",
        "/financing/applications/",
        f"/financing/applications/{application.pk}/",
    ):
        assert client.get(url).status_code == 200, url
    client.force_login(deal["licensee"])
    for url in (
        f"/financing/contracts/{deal['contract'].pk}/",
        f"/financing/contracts/{deal['contract'].pk}/apply/{product.pk}/",
    ):
        assert client.get(url).status_code == 200, url
    client.force_login(make_user(province))
    assert client.get("/financing/review/products/").status_code == 200


def test_the_apply_page_puts_the_refusal_on_the_amount(client, deal, product):
    client.force_login(deal["licensee"])
    response = client.post(
        f"/financing/contracts/{deal['contract'].pk}/apply/{product.pk}/",
        {"applicant": str(deal["enterprise"].pk), "amount": "300000.01", "term_months": "12", "parts": ["contract"]},
    )
    assert response.status_code == 400
    assert "高于产品的贷款金额上限" in response.content.decode()


def test_every_link_of_the_banks_workspace_answers(client, province):
    import re

    _, banker = make_bank()
    client.force_login(banker)
    workspace = client.get("/accounts/workspace/")
    assert workspace.status_code == 200
    html = workspace.content.decode()
    assert "本行融资产品" in html and "先用后付贷产品" in html
    links = sorted(set(re.findall(r'href="(/[^"#]*)"', html)) - {"/accounts/logout/"})
    failing = [link for link in links if not link.startswith("/static/") and client.get(link).status_code >= 400]
    assert not failing, failing


def test_the_bank_finds_the_application_to_decide_among_its_todos(client, deal, product):
    application = apply_for(deal, product)
    client.force_login(application.bank.memberships.first().user)
    html = client.get("/accounts/workspace/").content.decode()
    assert "待审批的融资申请" in html


def test_the_contract_page_offers_financing_to_its_parties_only(client, deal, province):
    """The province sees the contract and its insurance quotes, but loans are the parties' own:
    no link to a page that would refuse it (the every-link journey found it answering 403)."""
    contract = deal["contract"]
    link = f'href="/financing/contracts/{contract.pk}/"'
    client.force_login(deal["licensee"])
    assert link in client.get(f"/contracts/{contract.pk}/").content.decode()
    reviewer = make_user(province)
    client.force_login(reviewer)
    page = client.get(f"/contracts/{contract.pk}/")
    assert page.status_code == 200
    assert link not in page.content.decode()
    assert client.get(f"/financing/contracts/{contract.pk}/").status_code == 403


def test_the_bank_sees_its_products_buttons_and_the_public_only_the_product(client):
    bank, banker = make_bank()
    published = make_loan_product(bank, banker, status=ProductStatus.PUBLISHED)
    draft = make_loan_product(bank, banker)
    client.force_login(banker)
    page = client.get(f"/financing/products/{published.pk}/").content.decode()
    assert f'action="/financing/workspace/products/{published.pk}/new_version/"' in page
    assert "已受理的申请仍按本版本办理" in page and bank.name in page
    page = client.get(f"/financing/products/{draft.pk}/").content.decode()
    assert f'href="/financing/workspace/products/{draft.pk}/edit/"' in page
    assert f'action="/financing/workspace/products/{draft.pk}/submit/"' in page
    client.logout()
    page = client.get(f"/financing/products/{published.pk}/").content.decode()
    assert published.name in page and "new_version" not in page
