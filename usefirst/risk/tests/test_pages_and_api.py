"""The pages and endpoints: the provider's products, the provincial review, and a contract's quotes
— which only its parties and the province may ask for."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from usefirst.accounts.models import Membership, OrganisationKind
from usefirst.contracts.models import Contract
from usefirst.core.testing import make_org, make_user
from usefirst.risk.choices import ProductStatus
from usefirst.risk.models import Product
from usefirst.risk.rules import LOADING_FIELDS

from .builders import make_product, make_provider, make_subsidy_rule, product_data

pytestmark = pytest.mark.django_db


def _form(**overrides):
    """The product form as a browser posts it: the loadings at their shown 1.00."""
    return {**dict.fromkeys(LOADING_FIELDS, "1.00"), **product_data(**overrides)}


def _quotes(client, user, contract, query=""):
    client.force_login(user)
    return client.get(f"/api/v1/contracts/{contract.pk}/risk-quotes{query}")


def test_a_party_sees_the_fitting_products_quoted_with_the_subsidy_and_those_that_do_not_fit(client, deal):
    make_subsidy_rule()
    fits = make_product(status=ProductStatus.PUBLISHED)
    make_product(status=ProductStatus.PUBLISHED, name="大额专属", amount_min="600000.00", amount_max="5000000.00")
    make_product(status=ProductStatus.SUBMITTED, name="审核中的产品")
    response = _quotes(client, deal["licensee"], deal["contract"])
    assert response.status_code == 200, response.content
    body = response.json()
    [quote] = body["quotes"]
    assert quote["product_id"] == fits.pk
    assert (quote["sum_insured"], quote["premium"]) == ("400000.00", "8000.00")
    # 韶关 is in north Guangdong: 35 % rather than 25 %.
    assert quote["subsidy"]["subsidy"] == "2800.00" and quote["payable"] == "5200.00"
    assert [s["label"] for s in quote["steps"]][:2] == ["保险金额", "基础保费"]
    [other] = body["not_fitting"]
    assert other["reasons"] == ["合同金额 500,000.00 元 低于产品下限 600,000.00 元"]


def test_the_amount_range_fits_at_its_upper_end_and_not_a_cent_above(client, deal):
    make_product(status=ProductStatus.PUBLISHED, amount_max="500000.00")
    assert len(_quotes(client, deal["owner"], deal["contract"]).json()["quotes"]) == 1
    Contract.objects.filter(pk=deal["contract"].pk).update(price=Decimal("500000.01"))
    assert len(_quotes(client, deal["owner"], deal["contract"]).json()["quotes"]) == 0


def test_other_subsidies_are_stacked_at_most_to_half_the_premium(client, deal):
    make_subsidy_rule()
    make_product(status=ProductStatus.PUBLISHED)
    quote = _quotes(client, deal["licensee"], deal["contract"], "?other_subsidies=3000.00").json()["quotes"][0]
    assert quote["subsidy"]["subsidy"] == "1000.00"  # 8,000.00 × 50 % − 3,000.00
    bad = _quotes(client, deal["licensee"], deal["contract"], "?other_subsidies=1.234")
    assert bad.status_code == 400 and bad.json()["code"] == "amount_too_precise"


def test_only_parties_and_the_province_may_quote_a_contract(client, deal, provincial_reviewer):
    contract = deal["contract"]
    outsider = make_user(make_org(OrganisationKind.ENTERPRISE))
    response = _quotes(client, outsider, contract)
    assert response.status_code == 404 and response["Content-Type"].startswith("application/problem+json")
    agency = make_org(OrganisationKind.AGENCY)
    Contract.objects.filter(pk=contract.pk).update(agency=agency)
    response = _quotes(client, make_user(agency), contract)
    assert response.status_code == 403 and response.json()["code"] == "quote_not_party"
    _insurer, insurer_admin = make_provider()
    assert _quotes(client, insurer_admin, contract).status_code == 404
    assert _quotes(client, provincial_reviewer, contract).status_code == 200
    client.force_login(make_user(agency))
    page = client.get(f"/risk/contracts/{contract.pk}/quotes/")
    assert page.status_code == 403 and "只有合同当事方和省科技厅" in page.content.decode()


def test_the_contract_page_links_its_parties_to_the_quotes(client, deal):
    client.force_login(deal["licensee"])
    html = client.get(f"/contracts/{deal['contract'].pk}/").content.decode()
    assert "保险与担保" in html and f"/risk/contracts/{deal['contract'].pk}/quotes/" in html
    make_product(status=ProductStatus.PUBLISHED)
    html = client.get(f"/risk/contracts/{deal['contract'].pk}/quotes/").content.decode()
    assert "适用的产品（1）" in html and "保险金额 400,000.00 元 × 费率 2%" in html


def test_an_insurer_drafts_submits_and_the_province_publishes_on_the_pages(client, province, provincial_reviewer):
    _, insurer_admin = make_provider()
    client.force_login(insurer_admin)
    assert "本机构产品" in client.get("/accounts/workspace/").content.decode()
    response = client.post("/risk/workspace/products/new/", _form())
    assert response.status_code == 302, response.content.decode()[:2000]
    product = Product.objects.get()
    client.post(f"/risk/workspace/products/{product.pk}/submit/")
    product.refresh_from_db()
    assert product.status == ProductStatus.SUBMITTED
    client.force_login(provincial_reviewer)
    queue = client.get("/risk/review/products/").content.decode()
    assert product.name in queue
    client.post(f"/risk/review/products/{product.pk}/decide/", {"decision": "approve", "checked": "yes"})
    product.refresh_from_db()
    assert product.status == ProductStatus.PUBLISHED
    client.logout()
    assert product.name in client.get("/risk/products/").content.decode()


def test_an_inconsistent_rule_on_the_page_is_shown_at_its_field_and_nothing_is_saved(client):
    _, insurer_admin = make_provider()
    client.force_login(insurer_admin)
    response = client.post("/risk/workspace/products/new/", _form(amount_min="2000000.00"))
    assert response.status_code == 400
    assert "合同金额上限（1,000,000.00 元）低于下限（2,000,000.00 元）" in response.content.decode()
    assert Product.objects.count() == 0


def test_the_api_refuses_an_inconsistent_rule_as_a_coded_problem(client):
    _, insurer_admin = make_provider()
    client.force_login(insurer_admin)
    response = client.post("/api/v1/risk/products", json.dumps(product_data(premium_rate="25")), content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "product_rule_inconsistent"
    assert "premium_rate" in response.json()["errors"]
    assert Product.objects.count() == 0
    created = client.post("/api/v1/risk/products", json.dumps(product_data()), content_type="application/json")
    assert created.status_code == 201 and created.json()["status"] == "draft"


@pytest.mark.parametrize("who", ["anonymous", "outsider", "other_insurer"])
def test_a_draft_is_seen_and_changed_only_by_its_provider(client, who):
    product = make_product()
    if who == "outsider":
        client.force_login(make_user(make_org(OrganisationKind.ENTERPRISE)))
    elif who == "other_insurer":
        client.force_login(make_provider()[1])
    assert client.get(f"/risk/products/{product.pk}/").status_code == 404
    assert client.get(f"/api/v1/risk/products/{product.pk}").status_code == 404
    if who != "anonymous":
        assert client.post(f"/api/v1/risk/products/{product.pk}/submit").status_code == 404
        assert client.get(f"/risk/workspace/products/{product.pk}/edit/").status_code == 404


def test_a_provider_cannot_review_its_own_product(client, province):
    product = make_product(status=ProductStatus.SUBMITTED)
    client.force_login(product.created_by)
    response = client.post(f"/api/v1/risk/products/{product.pk}/approve")
    assert response.status_code == 403
    assert client.get("/risk/review/products/").status_code == 403


def test_through_the_api_a_new_version_is_reviewed_and_supersedes_the_old_one_in_the_quotes(client, deal, provincial_reviewer):
    v1 = make_product(status=ProductStatus.PUBLISHED)
    client.force_login(v1.created_by)
    v2 = client.post(f"/api/v1/risk/products/{v1.pk}/new-version").json()
    assert (v2["series"], v2["version"], v2["status"]) == (v1.series, 2, "draft")
    again = client.post(f"/api/v1/risk/products/{v1.pk}/new-version")
    assert again.status_code == 409 and again.json()["code"] == "product_version_open"
    updated = client.put(
        f"/api/v1/risk/products/{v2['id']}", json.dumps(product_data(premium_rate="3")), content_type="application/json"
    )
    assert updated.status_code == 200, updated.content
    assert client.post(f"/api/v1/risk/products/{v2['id']}/submit").json()["status"] == "submitted"
    assert _quotes(client, deal["owner"], deal["contract"]).json()["quotes"][0]["product_version"] == 1
    client.force_login(provincial_reviewer)
    assert client.get("/api/v1/risk/review/products").json()["count"] == 1
    assert client.post(f"/api/v1/risk/products/{v2['id']}/approve").json()["status"] == "published"
    [quote] = _quotes(client, deal["owner"], deal["contract"]).json()["quotes"]
    assert (quote["product_version"], quote["premium"]) == (2, "12000.00")  # 400,000.00 × 3 %
    v1.refresh_from_db()
    assert v1.status == ProductStatus.SUPERSEDED


def test_anyone_reads_the_subsidy_rules_the_quotes_apply(client):
    make_subsidy_rule(regions=["east", "west", "north"])
    html = client.get("/risk/subsidies/").content.decode()
    assert "实缴保费的 25%；粤东粤西粤北 35%" in html
    assert "每家企业每年不超过 200,000.00 元；与其他财政补贴合计不超过保费的 50%" in html
    assert "区域：粤东、粤西、粤北" in html
    [rule] = client.get("/api/v1/risk/subsidy-rules").json()
    assert (rule["rate_percent"], rule["annual_cap_per_firm"], rule["stacked_cap_percent"]) == ("25.0000", "200000.00", "50.0000")


def test_a_person_serving_two_insurers_drafts_for_the_one_chosen_in_the_header(client):
    _first, person = make_provider()
    second = make_org(OrganisationKind.INSURER)
    Membership.objects.create(user=person, organisation=second, role=Membership.Role.ADMIN)
    client.force_login(person)
    client.post("/accounts/switch/", {"organisation": second.pk, "next": "/"})
    response = client.post("/risk/workspace/products/new/", _form(name="第二家机构的产品"))
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Product.objects.get(name="第二家机构的产品").provider == second


def test_the_product_page_shows_its_state_as_a_badge_in_words(client):
    product = make_product(status=ProductStatus.PUBLISHED)
    html = client.get(f"/risk/products/{product.pk}/").content.decode()
    assert 'class="status-badge status-active"' in html and ">已发布</span>" in html
    assert "published" not in html.split("<main", 1)[1]
