"""The simulator page and endpoint, and the pre-filled payment plan of the next-stage contract."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

import pytest
import time_machine

from usefirst.finance.models import PaymentPlan
from usefirst.finance.tests.helpers import licence_for

from .test_compute import BASE

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _frozen_day():
    with time_machine.travel(dt.datetime(2026, 6, 15, 2, 0, tzinfo=dt.UTC), tick=True):
        yield


def test_the_page_compares_the_modes(client, owner):
    client.force_login(owner)
    blank = client.get("/simulator/")
    assert blank.status_code == 200 and "开始模拟" in blank.content.decode()
    response = client.get("/simulator/?" + urlencode(BASE))
    body = response.content.decode()
    assert response.status_code == 200
    assert "比较汇总" in body and "逐年现金流：预期收入情景" in body
    assert "239,562.60 元" in body  # the installments' present value
    assert "210,000.00 元" in body  # the inventors' 70 %


def test_the_page_refuses_bad_input_in_chinese_beside_the_field(client, owner):
    client.force_login(owner)
    response = client.get("/simulator/?" + urlencode({**BASE, "revenue_low": "-5", "discount_rate": "120", "term_years": "0"}))
    body = response.content.decode()
    assert response.status_code == 400
    assert "不能为负数" in body and "应在 0% 到 100% 之间" in body and "应在 1 到 30 之间" in body
    assert "比较汇总" not in body


def test_the_api_answers_with_exact_decimals_and_refuses_bad_input_as_problem_json(client, owner):
    client.force_login(owner)
    payload = {**BASE, "term_years": 5, "milestones": [{"name": "中试完成", "year": 2, "amount": "300000.00"}]}
    response = client.post("/api/v1/simulator", payload, content_type="application/json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["inventor_floor_pct"] == "70.00"
    installment = next(o for o in body["outcomes"] if o["mode"] == "installment" and o["scenario"] == "expected")
    assert installment["pv"] == "239562.60" and installment["mode_display"] == "分期支付"
    milestone = next(o for o in body["outcomes"] if o["mode"] == "milestone" and o["scenario"] == "low")
    assert milestone["flows"][2] == "300000.00"
    bad = client.post("/api/v1/simulator", {**payload, "discount_rate": "101"}, content_type="application/json")
    assert bad.status_code == 400 and bad["Content-Type"].startswith("application/problem+json")
    assert bad.json()["code"] == "simulator_invalid" and "discount_rate" in bad.json()["errors"]


def test_the_chosen_mode_prefills_the_contract_payment_plan(client, unit, enterprise, owner):
    contract = licence_for(unit, enterprise, owner)
    client.force_login(owner)
    page = client.get(f"/simulator/?contract={contract.pk}&" + urlencode({**BASE, "start": "2026-07-01"}))
    body = page.content.decode()
    assert "按“分期支付”预填合同" in body
    plan_url = f"/finance/contracts/{contract.pk}/plan/?" + urlencode(
        {"installments": "2027-07-01 60000.00\n2028-07-01 60000.00"}
    )
    form = client.get(plan_url).content.decode()
    assert "2027-07-01 60000.00" in form
    response = client.post(
        f"/finance/contracts/{contract.pk}/plan/", {"installments": "2027-07-01 60000.00\n2028-07-01 60000.00"}
    )
    assert response.status_code == 302
    assert PaymentPlan.objects.get(contract=contract).lines.count() == 2
    api = client.post(
        "/api/v1/simulator", {**BASE, "term_years": 5, "contract_id": contract.pk}, content_type="application/json"
    ).json()
    assert all(p["url"] is None or p["url"].startswith(f"/finance/contracts/{contract.pk}/plan/?") for p in api["plan_prefill"])


def test_a_contract_the_person_cannot_see_is_not_there(client, unit, enterprise, owner):
    from usefirst.core.testing import make_org, make_user

    contract = licence_for(unit, enterprise, owner)
    client.force_login(make_user(make_org()))
    assert client.get(f"/simulator/?contract={contract.pk}").status_code == 404
