"""The technology managers in the open API: the registry read by host agency and grade (an agency
sees its own, evaluators all), and the yearly business filing an agency makes for its managers —
once a year, only for its own, every refusal problem+json with its code."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine

from usefirst.accounts.models import Membership
from usefirst.core.testing import make_user
from usefirst.evaluation import managers
from usefirst.evaluation.models import ManagerFiling

from .builders import agency, institution_user, signed_contract

SHANGHAI = ZoneInfo("Asia/Shanghai")
YEAR = 2026


@pytest.fixture
def registry(db, unit, owner, enterprise):
    north, south = agency("北岸技术转移中心"), agency("南岸技术转移中心")
    north_staff, south_staff = make_user(north, role=Membership.Role.ADMIN), make_user(south, role=Membership.Role.ADMIN)
    busy = managers.manager_register(actor=north_staff, agency=north, name="陈经理", certificate_number="GD-TM-1001")
    managers.manager_register(actor=north_staff, agency=north, name="黄经理", certificate_number="GD-TM-1002")
    other = managers.manager_register(actor=south_staff, agency=south, name="林经理", certificate_number="GD-TM-2001")
    with time_machine.travel(dt.datetime(YEAR, 5, 1, 9, tzinfo=SHANGHAI), tick=False):
        contract = signed_contract(unit=unit, enterprise=enterprise, user=owner, facilitator=north, price=Decimal("200000.00"))
    managers.manager_credit(actor=north_staff, manager=busy, engagement_id=contract.engagement_id)
    return {"north": north, "north_staff": north_staff, "south_staff": south_staff, "busy": busy, "other": other}


def test_an_agency_reads_its_own_managers_and_filters_by_grade(client, registry):
    client.force_login(registry["north_staff"])
    body = client.get(f"/api/v1/evaluation/managers?year={YEAR}").json()
    assert sorted(m["name"] for m in body["items"]) == ["陈经理", "黄经理"]  # not the other agency's
    graded_b = client.get(f"/api/v1/evaluation/managers?year={YEAR}&grade=B").json()["items"]
    assert [(m["name"], m["grade"], m["grade_display"], m["contracts"]) for m in graded_b] == [("陈经理", "B", "B（良好）", 1)]
    assert [m["name"] for m in client.get(f"/api/v1/evaluation/managers?year={YEAR}&grade=c").json()["items"]] == ["黄经理"]


def test_evaluators_read_every_agencys_managers_filtered_by_host(client, registry):
    client.force_login(institution_user())
    everyone = client.get(f"/api/v1/evaluation/managers?year={YEAR}").json()
    assert everyone["count"] == 3
    north = client.get(f"/api/v1/evaluation/managers?year={YEAR}&agency={registry['north'].pk}").json()
    assert {m["agency_name"] for m in north["items"]} == {"北岸技术转移中心"}


def test_the_registry_refuses_outsiders_and_a_wrong_grade(client, registry, owner):
    client.force_login(owner)  # a unit's member
    refused = client.get("/api/v1/evaluation/managers")
    assert refused.status_code == 403 and refused.json()["code"] == "evaluation_forbidden"
    client.force_login(registry["north_staff"])
    wrong = client.get("/api/v1/evaluation/managers?grade=Z")
    assert wrong.status_code == 400 and wrong.json()["code"] == "validation_failed"
    assert wrong["Content-Type"].startswith("application/problem+json")


def test_an_agency_files_its_managers_year_once(client, registry):
    client.force_login(registry["north_staff"])
    url = f"/api/v1/evaluation/managers/{registry['busy'].pk}/filings"
    made = client.post(url, {"year": YEAR, "summary": "促成转让合同 1 项，参加路演 3 场。"}, content_type="application/json")
    assert made.status_code == 201 and made.json()["year"] == YEAR
    again = client.post(url, {"year": YEAR, "summary": "重复备案"}, content_type="application/json")
    assert again.status_code == 409 and again.json()["code"] == "evaluation_manager_exists"
    future = client.post(url, {"year": YEAR + 5, "summary": "未来年度"}, content_type="application/json")
    assert future.status_code == 400 and future.json()["code"] == "validation_failed"
    assert ManagerFiling.objects.filter(manager=registry["busy"]).count() == 1


def test_nobody_files_for_another_agencys_manager(client, registry):
    url = f"/api/v1/evaluation/managers/{registry['other'].pk}/filings"
    client.force_login(registry["north_staff"])
    hidden = client.post(url, {"year": YEAR, "summary": "替别的机构备案"}, content_type="application/json")
    assert hidden.status_code == 404
    client.force_login(institution_user())  # sees every manager, files for none
    refused = client.post(url, {"year": YEAR, "summary": "专业机构代为备案"}, content_type="application/json")
    assert refused.status_code == 403 and refused.json()["code"] == "evaluation_forbidden"
    assert not ManagerFiling.objects.exists()
