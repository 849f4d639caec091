"""The pages of policies and claims as the insured and the insurer use them: apply from the
contract, decide, record the premium, complete and pay a claim; the contract's page lists them."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from usefirst.accounts.models import OrganisationKind
from usefirst.core.testing import make_org
from usefirst.risk import cover
from usefirst.risk.choices import ClaimStatus, PolicyStatus
from usefirst.risk.models import Claim, Policy

from .cover_builders import apply, bond_product, in_force, member, pdf, signed_licence

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _frozen_day():
    with time_machine.travel(dt.datetime(2026, 6, 15, 2, 0, tzinfo=dt.UTC), tick=True):
        yield


@pytest.fixture
def contract(unit, enterprise, owner):
    return signed_licence(unit, enterprise, owner)


def test_the_unit_applies_from_the_contract_and_the_insurer_issues(client, contract, owner):
    product, underwriter = bond_product()
    client.force_login(owner)
    page = client.get(f"/risk/contracts/{contract.pk}/cover/")
    assert page.status_code == 200
    assert "投保或申请担保" in page.content.decode()
    form = client.get(f"/risk/contracts/{contract.pk}/cover/apply/{product.pk}/")
    assert form.status_code == 200 and "同意向保险（担保）机构提供的核保材料" in form.content.decode()
    refused = client.post(
        f"/risk/contracts/{contract.pk}/cover/apply/{product.pk}/",
        {"insured": contract.licensor_id, "period_start": "2026-06-15", "parts": ["payment_plan"]},
    )
    assert refused.status_code == 400 and "合同主要条款" in refused.content.decode()
    assert not Policy.objects.exists()
    done = client.post(
        f"/risk/contracts/{contract.pk}/cover/apply/{product.pk}/",
        {"insured": contract.licensor_id, "period_start": "2026-06-15", "parts": ["contract", "payment_plan"]},
    )
    policy = Policy.objects.get()
    assert done.status_code == 302 and done["Location"] == f"/risk/policies/{policy.pk}/"
    client.force_login(underwriter)
    detail = client.get(f"/risk/policies/{policy.pk}/")
    assert "核保决定" in detail.content.decode()
    pdf = client.get(f"/risk/policies/{policy.pk}/pack.pdf")
    assert pdf["Content-Type"] == "application/pdf"
    client.post(f"/risk/policies/{policy.pk}/do/issue/", {"number": "PICC-9", "premium": "4320.00", "cover": "240000.00"})
    client.post(f"/risk/policies/{policy.pk}/do/premium/", {"paid_on": "2026-06-15", "amount": "4320.00", "voucher_number": "P1"})
    policy.refresh_from_db()
    assert policy.status == PolicyStatus.IN_FORCE
    listing = client.get("/risk/policies/").content.decode()
    assert "PICC-9" in listing and "保障中" in listing


def test_the_pack_is_for_the_insured_and_the_insurer_only(client, contract, owner, enterprise):
    product, _ = bond_product()
    policy = apply(contract, product, owner)
    client.force_login(member(enterprise))  # a party of the contract sees the policy, not the pack
    assert client.get(f"/risk/policies/{policy.pk}/").status_code == 200
    assert client.get(f"/risk/policies/{policy.pk}/pack.pdf").status_code == 403
    client.force_login(member(make_org(OrganisationKind.ENTERPRISE)))
    assert client.get(f"/risk/policies/{policy.pk}/").status_code == 404


def test_an_automatic_claim_is_completed_and_paid_through_the_pages(client, contract, owner):
    product, underwriter = bond_product()
    in_force(apply(contract, product, owner), underwriter)
    cover.offer_claims(dt.date(2026, 7, 31))
    claim = Claim.objects.get()
    client.force_login(owner)
    page = client.get(f"/risk/claims/{claim.pk}/").content.decode()
    assert "平台按付款逾期自动发起" in page and "尚缺（未上传文件）：催告函" in page
    refused = client.post(f"/risk/claims/{claim.pk}/do/complete_documents/", follow=True)
    assert "理赔材料不齐全，尚缺：催告函" in refused.content.decode()
    client.post(
        f"/risk/claims/{claim.pk}/do/document/", {"name": "催告函", "content": "EMS 1234 已签收", "file": pdf("催告函.pdf")}
    )
    client.post(f"/risk/claims/{claim.pk}/do/complete_documents/")
    client.force_login(underwriter)
    client.post(f"/risk/claims/{claim.pk}/do/assess/", {"assessed_loss": "100000.00"})
    with time_machine.travel(dt.datetime(2026, 8, 10, 2, 0, tzinfo=dt.UTC), tick=True):
        client.force_login(underwriter)
        client.post(f"/risk/claims/{claim.pk}/do/pay/", {"paid_on": "2026-08-10"})
        claim.refresh_from_db()
        assert claim.status == ClaimStatus.PAID
        client.force_login(owner)
        page = client.get(f"/risk/contracts/{contract.pk}/cover/").content.decode()
    assert "代为支付的付款事项" in page and "88,000.00" in page and "不计入" in page


def test_the_api_applies_decides_and_refuses_in_problem_json(client, contract, owner):
    product, underwriter = bond_product()
    client.force_login(owner)
    url = f"/api/v1/contracts/{contract.pk}/risk-policies"
    body = {"product_id": product.pk, "insured_id": contract.licensor_id, "parts": ["contract"], "period_start": "2026-06-15"}
    created = client.post(url, body, content_type="application/json")
    assert created.status_code == 201, created.content
    policy = created.json()
    assert policy["status_display"] == "已投保待核保" and policy["pack"]["contract"]["number"] == contract.number
    again = client.post(url, body, content_type="application/json")
    assert again.status_code == 409
    assert again["Content-Type"].startswith("application/problem+json")
    assert again.json()["code"] == "policy_overlaps"
    client.force_login(underwriter)
    issued = client.post(
        f"/api/v1/risk/policies/{policy['id']}/issue",
        {"number": "API-1", "premium": "4320.00", "cover": "240000.00"},
        content_type="application/json",
    )
    assert issued.status_code == 200 and issued.json()["premium"] == "4320.00"
    paid = client.post(
        f"/api/v1/risk/policies/{policy['id']}/premium-payments",
        {"paid_on": "2026-06-15", "amount": "4320.00", "voucher_number": "X1"},
        content_type="application/json",
    )
    assert paid.json()["status"] == "in_force"
    client.force_login(owner)
    beyond = client.post(
        f"/api/v1/risk/policies/{policy['id']}/claims",
        {"risk": "payment_default", "occurred_on": "2026-07-02", "amount_claimed": "240000.01", "description": "未付款"},
        content_type="application/json",
    )
    assert beyond.status_code == 400 and beyond.json()["code"] == "claim_beyond_cover"
    opened = client.post(
        f"/api/v1/risk/policies/{policy['id']}/claims",
        {"risk": "payment_default", "occurred_on": "2026-07-02", "amount_claimed": "1000.00", "description": "未付款"},
        content_type="application/json",
    )
    assert opened.status_code == 201
    claim = opened.json()
    missing = client.post(f"/api/v1/risk/claims/{claim['id']}/complete-documents", {}, content_type="application/json")
    assert missing.status_code == 400 and missing.json()["code"] == "claim_documents_missing"
