"""Technology managers (技术经理人): registered by their agency, credited only on engagements both
sides confirmed the agency on, graded from the year's platform facts, filed once a year."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine

from usefirst.accounts.models import Membership
from usefirst.core.errors import Conflict
from usefirst.core.testing import make_user
from usefirst.evaluation import managers

from .builders import agency, confirmed_receipt, signed_contract

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def host(db):
    org = agency("南粤技术转移中心（测试）")
    return org, make_user(org, role=Membership.Role.ADMIN)


def test_a_manager_is_credited_only_where_both_sides_confirmed_the_agency(host, unit, owner, enterprise):
    org, staff = host
    manager = managers.manager_register(actor=staff, agency=org, name="李经理", certificate_number="GD-TM-0001")
    with time_machine.travel(dt.datetime(2026, 5, 1, 9, tzinfo=SHANGHAI), tick=False):
        confirmed = signed_contract(unit=unit, enterprise=enterprise, user=owner, facilitator=org, price=Decimal("300000.00"))
        half = signed_contract(unit=unit, enterprise=enterprise, user=owner, facilitator=org, both_confirmed=False)
    with pytest.raises(Conflict) as exc:
        managers.manager_credit(actor=staff, manager=manager, engagement_id=half.engagement_id)
    assert exc.value.code == "evaluation_not_confirmed_facilitator"
    managers.manager_credit(actor=staff, manager=manager, engagement_id=confirmed.engagement_id)
    confirmed_receipt(confirmed, Decimal("100000.00"), on=dt.date(2026, 8, 1), user=owner)
    year = managers.standing(manager, 2026)
    assert (year.engagements, year.contracts, year.contract_value, year.received) == (
        1,
        1,
        Decimal("300000.00"),
        Decimal("100000.00"),
    )
    assert year.grade == "B（良好）"
    assert not year.filed


def test_the_yearly_filing_is_taken_once_a_year(host):
    org, staff = host
    manager = managers.manager_register(actor=staff, agency=org, name="王经理", certificate_number="GD-TM-0002")
    managers.manager_file(actor=staff, manager=manager, year=2026, summary="全年服务对接 12 场，促成签约 2 项")
    with pytest.raises(Conflict) as exc:
        managers.manager_file(actor=staff, manager=manager, year=2026, summary="再次备案的内容")
    assert exc.value.code == "evaluation_manager_exists"
    assert managers.standing(manager, 2026).filed


def test_another_agency_may_not_credit_someone_elses_manager(host, client):
    org, staff = host
    manager = managers.manager_register(actor=staff, agency=org, name="赵经理", certificate_number="GD-TM-0003")
    rival = agency("另一服务机构")
    rival_staff = make_user(rival, role=Membership.Role.ADMIN)
    client.force_login(rival_staff)
    assert client.post(f"/evaluation/managers/{manager.pk}/credit/", {"engagement": "1"}).status_code == 404
    client.force_login(staff)
    page = client.get("/evaluation/managers/")
    assert page.status_code == 200
    assert "赵经理" in page.content.decode()
