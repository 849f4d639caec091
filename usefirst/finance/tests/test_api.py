from decimal import Decimal

import pytest

from usefirst.catalog.tests.factories import bearer_for
from usefirst.core.testing import make_user
from usefirst.finance.models import Receipt

RECEIPT = {"received_on": "2026-06-01", "amount": "1000.00", "payer": "企业", "voucher_number": "V1", "idempotency_key": "api-1"}


def post(client, url, user, payload):
    return client.post(url, payload, content_type="application/json", headers=bearer_for(user))


def post_confirmed(client, contract, owner, payload=RECEIPT):
    """The unit posts the receipt and the paying organisation confirms it, both through the API."""
    from usefirst.finance.tests.helpers import payer_of

    receipt = post(client, f"/api/v1/contracts/{contract.pk}/receipts", owner, payload).json()
    confirmed = post(client, f"/api/v1/receipts/{receipt['id']}/confirm", payer_of(contract), {})
    assert confirmed.status_code == 200, confirmed.json()
    return confirmed.json()


def test_posting_a_receipt_twice_returns_the_same_row(client, contract, owner):
    url = f"/api/v1/contracts/{contract.pk}/receipts"
    first = post(client, url, owner, RECEIPT)
    second = post(client, url, owner, RECEIPT)
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["id"] == second.json()["id"]
    assert Receipt.objects.count() == 1


def test_the_same_key_with_another_amount_is_a_problem(client, contract, owner):
    url = f"/api/v1/contracts/{contract.pk}/receipts"
    post(client, url, owner, RECEIPT)
    response = post(client, url, owner, {**RECEIPT, "amount": "999.00"})
    assert response.status_code == 409
    assert response["Content-Type"].startswith("application/problem+json")
    assert response.json()["code"] == "idempotency_key_reused"


@pytest.mark.parametrize(
    ("amount", "code"), [("0", "amount_not_positive"), ("-3", "amount_not_positive"), ("1.234", "amount_too_precise")]
)
def test_bad_amounts_are_refused_with_a_named_rule(client, contract, owner, amount, code):
    response = post(client, f"/api/v1/contracts/{contract.pk}/receipts", owner, {**RECEIPT, "amount": amount})
    assert response.status_code == 400
    assert response.json()["code"] == code


def test_an_outsider_cannot_see_or_post_receipts(client, contract, province):
    from usefirst.core.testing import make_org

    stranger = make_user(make_org())
    assert client.get(f"/api/v1/contracts/{contract.pk}/finance", headers=bearer_for(stranger)).status_code == 404
    assert post(client, f"/api/v1/contracts/{contract.pk}/receipts", stranger, RECEIPT).status_code == 404


def test_anonymous_clients_are_refused(client, contract):
    assert client.get(f"/api/v1/contracts/{contract.pk}/finance").status_code == 401


def test_the_preview_shows_the_floor_refusal_before_saving(client, contract, owner):
    post_confirmed(client, contract, owner)
    body = {"inventor_pct": "69.99", "unit_pct": "30.01"}
    preview = post(client, f"/api/v1/contracts/{contract.pk}/distributions/preview", owner, body)
    assert preview.status_code == 200
    assert preview.json()["floor"]["ok"] is False
    saved = post(client, f"/api/v1/contracts/{contract.pk}/distributions", owner, body)
    assert saved.status_code == 400 and saved.json()["code"] == "below_inventor_floor"


def test_finance_summary_and_distribution_through_the_api(client, contract, owner):
    post_confirmed(client, contract, owner)
    created = post(
        client,
        f"/api/v1/contracts/{contract.pk}/distributions",
        owner,
        {"inventor_pct": "70", "unit_pct": "20", "fund_pct": "10"},
    )
    assert created.status_code == 201
    assert Decimal(created.json()["inventors_total"]) == Decimal("700.00")
    summary = client.get(f"/api/v1/contracts/{contract.pk}/finance", headers=bearer_for(owner)).json()
    assert Decimal(summary["received"]) == Decimal("1000.00")
    assert Decimal(summary["achievements"][0]["received"]) == Decimal("1000.00")


def test_the_licensee_does_not_see_distributions(client, contract, owner, licensee_user):
    post_confirmed(client, contract, owner)
    post(client, f"/api/v1/contracts/{contract.pk}/distributions", owner, {"inventor_pct": "70", "unit_pct": "30"})
    listing = client.get(f"/api/v1/contracts/{contract.pk}/distributions", headers=bearer_for(licensee_user))
    assert listing.status_code == 200 and listing.json() == []


def test_the_api_takes_the_grant_from_the_contract_and_refuses_another(client, unit, enterprise, owner):
    from .helpers import under_cooperate_later

    contract = under_cooperate_later(unit, enterprise, owner, grant="ownership")
    post_confirmed(client, contract, owner)
    url = f"/api/v1/contracts/{contract.pk}/distributions"
    mismatch = post(client, url, owner, {"inventor_pct": "80", "unit_pct": "20", "grant": "none"})
    assert mismatch.status_code == 400 and mismatch.json()["code"] == "grant_is_a_contract_term"
    below = post(client, url, owner, {"inventor_pct": "69", "unit_pct": "31"})
    assert below.status_code == 400 and below.json()["code"] == "below_inventor_floor"
    created = post(client, url, owner, {"inventor_pct": "80", "unit_pct": "20"})
    assert created.status_code == 201 and created.json()["grant"] == "ownership"
