"""The risk dashboards (issue 14, item 8): an insurer sees its own products only, a guarantor its
own guarantees only, the province everything; the loss ratio is paid claims ÷ premiums received
as a Decimal percentage ("—" without premium); subsidies follow the subsidy rule; the year filter
counts by the year things happened; every chart downloads as Excel; others are refused."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from usefirst.accounts.models import OrganisationKind
from usefirst.finance.tests.helpers import licence_for
from usefirst.risk import cover, dashboards
from usefirst.risk.choices import ClaimStatus, ProductStatus, ProductType
from usefirst.risk.models import Claim, Policy

from .builders import make_product, make_provider, make_subsidy_rule
from .cover_builders import apply, bond_product, in_force, pdf, signed_licence

pytestmark = pytest.mark.django_db
D = Decimal
INSURER_PRODUCT = "先用后转履约保证保险"
GUARANTEE_PRODUCT = "许可费分期付款履约担保"


@pytest.fixture(autouse=True)
def _frozen_day():
    with time_machine.travel(dt.datetime(2026, 6, 15, 2, 0, tzinfo=dt.UTC), tick=True):
        yield


@pytest.fixture
def book(unit, enterprise, owner):
    """An insurer's bond on one licence (premium 4,320.00 received, a claim of 88,000.00 paid) and a
    guarantor's guarantee on another (fee 1,000.00 issued, nothing received yet)."""
    make_subsidy_rule()  # 25 %, 35 % in north Guangdong (the enterprise is in 韶关)
    contract = signed_licence(unit, enterprise, owner)
    product, underwriter = bond_product()
    policy = in_force(apply(contract, product, owner), underwriter)
    cover.offer_claims(dt.date(2026, 7, 31))
    claim = Claim.objects.get(policy=policy)
    cover.claim_add_document(actor=owner, claim=claim, name="催告函", file=pdf(), note="2026-07-05 书面催告，EMS 1234 已签收")
    cover.claim_complete_documents(actor=owner, claim=claim)
    cover.claim_assess(actor=underwriter, claim=claim, assessed_loss="100000.00")  # payout 88,000.00
    with time_machine.travel(dt.datetime(2026, 8, 10, 2, 0, tzinfo=dt.UTC), tick=True):
        cover.claim_pay(actor=underwriter, claim=claim, paid_on="2026-08-10")

    guarantor, guarantor_user = make_provider(OrganisationKind.GUARANTOR)
    guarantee = make_product(
        guarantor,
        guarantor_user,
        status=ProductStatus.PUBLISHED,
        name=GUARANTEE_PRODUCT,
        product_type=ProductType.PERFORMANCE_GUARANTEE,
        waiting_days=0,
        amount_min="",
        trl_min=1,
    )
    other = licence_for(unit, enterprise, owner)
    guaranteed = apply(other, guarantee, owner)
    cover.policy_issue(actor=guarantor_user, policy=guaranteed, number="DB-1", premium="1000.00", cover="100000.00")
    return {"insurer": underwriter, "guarantor": guarantor_user, "policy": policy, "guarantee": guaranteed}


def _page(client, user, name: str = "risk:dashboard", query: str = "") -> str:
    client.force_login(user)
    response = client.get(reverse(name) + query)
    assert response.status_code == 200
    return response.content.decode()


def test_the_loss_ratio_is_paid_over_received_as_a_decimal_percentage_half_up():
    assert dashboards.loss_ratio(D("50.00"), D("200.00")) == D("25.00")
    assert dashboards.loss_ratio(D("1.00"), D("3.00")) == D("33.33")
    assert dashboards.loss_ratio(D("2.00"), D("3.00")) == D("66.67")  # half up
    assert dashboards.loss_ratio(D("0.00"), D("100.00")) == D("0.00")
    # No premium received: no ratio, shown "—" (not 0 %, not a division error).
    assert dashboards.loss_ratio(D("88000.00"), D("0.00")) is None
    assert dashboards.ratio_text(None) == "—"


def test_the_insurer_sees_its_own_products_only(client, book):
    html = _page(client, book["insurer"])
    assert INSURER_PRODUCT in html and GUARANTEE_PRODUCT not in html
    assert "4,320.00" in html  # premium received
    assert "88,000.00" in html  # claim paid
    assert "1,512.00" in html  # subsidy: 4,320.00 × 35 % (north Guangdong)
    assert "2037.04%" in html  # 88,000.00 ÷ 4,320.00
    assert str(ClaimStatus.PAID.label) in html
    assert "1,000.00" not in html  # the guarantor's fee is not the insurer's business
    assert "韶关市" in _page(client, book["insurer"], query="?by=city")
    assert "先使用后付费" in _page(client, book["insurer"], query="?by=mode")


def test_the_guarantor_sees_its_own_guarantees_and_no_ratio_without_premium(client, book):
    html = _page(client, book["guarantor"])
    assert GUARANTEE_PRODUCT in html and INSURER_PRODUCT not in html
    assert "1,000.00" in html  # the fee issued
    assert "4,320.00" not in html and "88,000.00" not in html
    found = dashboards.report(Policy.objects.filter(pk=book["guarantee"].pk), year=None, show_provider=False)
    assert found.total.ratio is None
    assert '赔付率</span><span class="figure">—' in html


def test_the_province_sees_every_provider_by_product_city_and_mode(client, book, provincial_reviewer):
    html = _page(client, provincial_reviewer, "risk:province_dashboard")
    assert INSURER_PRODUCT in html and GUARANTEE_PRODUCT in html
    assert book["guarantee"].provider.name in html  # products are named with their provider
    for by in ("city", "mode"):
        html = _page(client, provincial_reviewer, "risk:province_dashboard", f"?by={by}")
        assert f"（按{dashboards.DIMENSIONS[by]}）" in html


def test_the_year_filter_counts_by_the_year_things_happened(client, book, provincial_reviewer):
    this_year = dashboards.report(Policy.objects.all(), year=2026, show_provider=True)
    assert this_year.total.policies == 2 and this_year.total.paid == D("88000.00")
    last_year = dashboards.report(Policy.objects.all(), year=2025, show_provider=True)
    assert last_year.total.policies == 0 and last_year.total.premium_received == 0 and last_year.total.ratio is None
    html = _page(client, provincial_reviewer, "risk:province_dashboard", "?year=2025")
    assert "2025 年没有投保、缴费或理赔" in html
    html = _page(client, provincial_reviewer, "risk:province_dashboard", "?year=abc&by=nope")
    assert "年度应为四位数字年份" in html and "没有这种分组方式" in html


def test_the_subsidy_stays_within_the_firms_yearly_cap(client, unit, enterprise, owner):
    make_subsidy_rule(annual_cap_per_firm=D("1000.00"))
    product, underwriter = bond_product()
    in_force(apply(signed_licence(unit, enterprise, owner), product, owner), underwriter)
    found = dashboards.report(Policy.objects.all(), year=None, show_provider=False)
    assert found.total.subsidy == D("1000.00")  # 4,320.00 × 35 % = 1,512.00, capped


def test_every_chart_downloads_as_excel(client, book):
    client.force_login(book["insurer"])
    for key in ("policies_state", "claims_state", "loss_ratio_product", "money_product", "all"):
        response = client.get(reverse("risk:dashboard") + f"?xlsx={key}")
        assert response.status_code == 200
        assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert client.get(reverse("risk:dashboard") + "?xlsx=nothing").status_code == 404


def test_others_are_refused(client, book, enterprise, provincial_reviewer):
    from usefirst.core.testing import make_user

    client.force_login(make_user(enterprise))
    assert client.get(reverse("risk:dashboard")).status_code == 403
    assert client.get(reverse("risk:province_dashboard")).status_code == 403
    client.force_login(book["insurer"])
    assert client.get(reverse("risk:province_dashboard")).status_code == 403
    client.logout()
    assert client.get(reverse("risk:dashboard")).status_code == 302


def test_a_provider_without_business_is_told_how_it_starts(client):
    _org, user = make_provider()
    html = _page(client, user)
    assert "本机构还没有保单（担保）" in html
    assert reverse("risk:my_products") in html
    assert "chart-block" not in html


def test_the_workspaces_link_their_dashboards(client, book, provincial_reviewer, enterprise):
    from usefirst.core.testing import make_user

    for user, link in ((book["insurer"], "risk:dashboard"), (book["guarantor"], "risk:dashboard")):
        assert reverse(link) in _page(client, user, "accounts:workspace")
    html = _page(client, provincial_reviewer, "accounts:workspace")
    assert reverse("risk:province_dashboard") in html
    html = _page(client, make_user(enterprise), "accounts:workspace")
    assert reverse("risk:dashboard") not in html and reverse("risk:province_dashboard") not in html
