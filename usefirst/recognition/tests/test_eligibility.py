"""Rule 2 boundaries: what counts towards 500,000.00 CNY actually received."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from usefirst.contracts.models import ContractKind
from usefirst.core.dates import today
from usefirst.recognition.eligibility import evaluate

from .builders import cooperate_later, make_achievement, pay_later_licence, receive

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 3, 2)


def _eval(achievement):
    return evaluate(achievement, year=today().year, on=today())


def test_it_counts_500000_00_as_reaching_the_threshold(unit, owner, enterprise):
    achievement = make_achievement(unit)
    licence = pay_later_licence(achievement, licensee=enterprise, created_by=owner)
    receive(licence, "300000.00", on=DAY, actor=owner)
    receipt = receive(licence, "200000.00", on=DAY, actor=owner)
    result = _eval(achievement)
    check = result.check("amount_received")
    assert result.amount == Decimal("500000.00")
    assert check.passed is True
    assert result.eligible
    assert receipt.pk in [row["receipt_id"] for row in check.sources]
    assert "500,000.00" in check.figure


def test_it_refuses_499999_99(unit, owner, enterprise):
    achievement = make_achievement(unit)
    licence = pay_later_licence(achievement, licensee=enterprise, created_by=owner)
    receive(licence, "499999.99", on=DAY, actor=owner)
    result = _eval(achievement)
    assert result.amount == Decimal("499999.99")
    assert result.check("amount_received").passed is False
    assert not result.eligible
    assert result.failed_codes == ["amount_received"]


def test_receipts_before_2026_02_01_do_not_count(unit, owner, enterprise):
    achievement = make_achievement(unit)
    licence = pay_later_licence(achievement, licensee=enterprise, created_by=owner)
    receive(licence, "100000.00", on=dt.date(2026, 1, 31), actor=owner)
    receive(licence, "450000.00", on=dt.date(2026, 2, 1), actor=owner)
    result = _eval(achievement)
    assert result.amount == Decimal("450000.00")
    assert result.check("amount_received").passed is False


def test_receipts_before_2026_02_01_count_when_the_setting_is_off(unit, owner, enterprise, set_parameter):
    set_parameter("recognition_receipts_from_policy_start", False)
    achievement = make_achievement(unit)
    licence = pay_later_licence(achievement, licensee=enterprise, created_by=owner)
    receive(licence, "100000.00", on=dt.date(2026, 1, 31), actor=owner)
    receive(licence, "450000.00", on=dt.date(2026, 2, 1), actor=owner)
    assert _eval(achievement).amount == Decimal("550000.00")


def test_pay_later_sums_only_the_licence_and_transfer_contracts_of_that_achievement(unit, owner, enterprise):
    achievement = make_achievement(unit)
    other = make_achievement(unit)
    licence = pay_later_licence(achievement, licensee=enterprise, created_by=owner)
    transfer = pay_later_licence(achievement, licensee=enterprise, created_by=owner, kind=ContractKind.TRANSFER)
    shared = pay_later_licence(
        achievement, licensee=enterprise, created_by=owner, share=Decimal("40.00"), others=[(other, Decimal("60.00"))]
    )
    not_ours = pay_later_licence(other, licensee=enterprise, created_by=owner)
    receive(licence, "200000.00", on=DAY, actor=owner)
    receive(transfer, "200000.00", on=DAY, actor=owner)
    receive(shared, "250000.00", on=DAY, actor=owner)  # 40 % → 100,000.00 for this achievement
    receive(not_ours, "900000.00", on=DAY, actor=owner)
    receive(licence.parent, "50000.00", on=DAY, actor=owner)  # the free-use licence itself is no licence/transfer
    result = _eval(achievement)
    assert result.amount == Decimal("500000.00")
    assert result.check("amount_received").passed is True


def test_only_contracts_that_began_with_a_free_use_licence_count(unit, owner, enterprise):
    achievement = make_achievement(unit)
    plain = pay_later_licence(achievement, licensee=enterprise, created_by=owner, use_first=False)
    receive(plain, "800000.00", on=DAY, actor=owner)
    assert _eval(achievement).amount == Decimal("0.00")


def test_without_pro_rata_a_multi_achievement_contract_does_not_count(unit, owner, enterprise, set_parameter):
    set_parameter("recognition_pro_rata_allocation", False)
    achievement = make_achievement(unit)
    other = make_achievement(unit)
    shared = pay_later_licence(
        achievement, licensee=enterprise, created_by=owner, share=Decimal("50.00"), others=[(other, Decimal("50.00"))]
    )
    receive(shared, "2000000.00", on=DAY, actor=owner)
    assert _eval(achievement).amount == Decimal("0.00")


def test_cooperate_later_counts_only_the_first_cooperation_projects_contract(unit, owner, enterprise):
    from usefirst.tests.factories import ContractFactory

    from .builders import SIGNED_ON

    achievement = make_achievement(unit)
    parent, first = cooperate_later(achievement, licensee=enterprise, created_by=owner)
    second = ContractFactory(
        kind=ContractKind.LICENCE,
        mode="cooperate_later",
        achievements=[(achievement, Decimal("100.00"))],
        licensor=unit,
        licensee=enterprise,
        actor=owner,
        parent=parent,
        signed_on=SIGNED_ON,
    )
    assert first.is_first_cooperation and not second.is_first_cooperation
    receive(first, "499999.99", on=DAY, actor=owner)
    receive(second, "900000.00", on=DAY, actor=owner)
    result = _eval(achievement)
    assert result.mode == "cooperate_later"
    assert result.basis_contract_id == parent.pk
    assert result.amount == Decimal("499999.99")
    assert not result.eligible
    receive(first, "0.01", on=DAY, actor=owner)
    assert _eval(achievement).eligible


def test_an_equity_first_cooperation_never_reaches_the_threshold(unit, owner, enterprise):
    achievement = make_achievement(unit)
    _parent, _first = cooperate_later(achievement, licensee=enterprise, created_by=owner, first_kind=ContractKind.EQUITY)
    result = _eval(achievement)
    assert result.mode == "cooperate_later"
    assert result.amount == Decimal("0.00")
    assert result.check("amount_received").passed is False
    assert "作价投资" in result.check("amount_received").figure


def test_a_declared_other_category_is_not_eligible(unit, owner, enterprise):
    achievement = make_achievement(unit, category="other")
    licence = pay_later_licence(achievement, licensee=enterprise, created_by=owner)
    receive(licence, "600000.00", on=DAY, actor=owner)
    result = _eval(achievement)
    assert result.check("amount_received").passed is True
    assert result.check("key_technology").passed is False
    assert not result.eligible


def test_an_established_plan_project_and_research_funding_show(unit, owner, enterprise, monkeypatch):
    from types import SimpleNamespace

    from usefirst.recognition import eligibility

    project = SimpleNamespace(number="GDKJ2023001", title="测试项目", research_funding_only=False)
    monkeypatch.setattr(eligibility, "plan_project_by_number", lambda number: project if number == "GDKJ2023001" else None)
    achievement = make_achievement(unit, plan_project_number="GDKJ2023001", provincial_funding=True)
    result = _eval(achievement)
    assert result.check("not_established").passed is False
    assert result.check("research_funding").passed is False
    assert [c.key for c in result.flags] == ["research_funding"]


def test_research_funding_only_is_not_established_by_default(unit, owner, enterprise, monkeypatch):
    from types import SimpleNamespace

    from usefirst.recognition import eligibility

    project = SimpleNamespace(number="GDKJ2023002", title="测试项目", research_funding_only=True)
    monkeypatch.setattr(eligibility, "plan_project_by_number", lambda number: project)
    achievement = make_achievement(unit, plan_project_number="GDKJ2023002")
    result = _eval(achievement)
    assert result.check("not_established").passed is True
    assert result.check("research_funding").passed is False
