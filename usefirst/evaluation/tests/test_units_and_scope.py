"""The unit evaluation from platform facts (transaction amount weighted for east/west/north deals,
guidance fund, inventors' shares paid, reported figures), and who sees which results: a city its
city's organisations, a sector department its sector's units."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine

from usefirst.accounts.models import Membership, OrganisationKind
from usefirst.core.errors import DomainError
from usefirst.core.permissions import Action, restrict
from usefirst.core.testing import make_org, make_user
from usefirst.evaluation import services
from usefirst.evaluation.models import Result
from usefirst.evaluation.services import IndicatorData, SchemeData
from usefirst.finance.models import GuidanceFundEntry

from .builders import institution_user, signed_contract

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def evaluator(db):
    return institution_user()


def _unit_scheme(actor, indicators):
    evaluation = services.evaluation_create(actor=actor, data=SchemeData(kind="unit", year=2026, name="2026年度成果单位量化评价"))
    for source, weight in indicators:
        services.indicator_add(actor=actor, evaluation=evaluation, data=IndicatorData(name="", source=source, weight=weight))
    return evaluation


def test_a_units_transaction_amount_is_weighted_up_for_deals_in_north_guangdong(evaluator, unit, owner, enterprise):
    prd = make_org(OrganisationKind.ENTERPRISE, name="深圳测试企业", city="深圳市", county="南山区")
    with time_machine.travel(dt.datetime(2026, 4, 1, 9, tzinfo=SHANGHAI), tick=False):
        signed_contract(unit=unit, enterprise=enterprise, user=owner, price=Decimal("100000.00"), kind="licence")
        signed_contract(unit=unit, enterprise=prd, user=owner, price=Decimal("50000.00"), kind="licence")
    evaluation = _unit_scheme(evaluator, [("unit.transaction_amount", "50"), ("unit.conversions", "50")])
    services.evaluation_compute(actor=evaluator, evaluation=evaluation)
    result = evaluation.results.get(organisation=unit)
    amount, conversions = (i.key for i in evaluation.indicators.all())
    assert result.figures[amount] == "17.00"  # 10 万元 × 1.2 + 5 万元
    assert result.figures[conversions] == "2.20"


def test_the_guidance_fund_inflows_and_outflows_come_from_the_ledger(evaluator, unit, owner):
    with time_machine.travel(dt.datetime(2026, 3, 1, 9, tzinfo=SHANGHAI), tick=False):
        GuidanceFundEntry.objects.create(unit=unit, kind="allocation", amount=Decimal("42460.00"), actor=owner)
        GuidanceFundEntry.objects.create(unit=unit, kind="spending", amount=Decimal("-10000.00"), actor=owner)
    evaluation = _unit_scheme(evaluator, [("unit.fund_in", "50"), ("unit.fund_out", "50")])
    services.evaluation_compute(actor=evaluator, evaluation=evaluation)
    result = evaluation.results.get(organisation=unit)
    fund_in, fund_out = (i.key for i in evaluation.indicators.all())
    assert (result.figures[fund_in], result.figures[fund_out]) == ("4.25", "1.00")


def test_reported_figures_enter_the_computation_and_a_negative_one_is_refused(evaluator, unit, owner):
    evaluation = _unit_scheme(evaluator, [("unit.reported.policy_documents", "100")])
    with pytest.raises(DomainError) as exc:
        services.self_report_submit(
            actor=owner, evaluation=evaluation, organisation=unit, statement="本单位制度健全", figures={"policy_documents": "-1"}
        )
    assert "不能为负数" in exc.value.detail
    services.self_report_submit(
        actor=owner, evaluation=evaluation, organisation=unit, statement="本单位制度健全", figures={"policy_documents": "3"}
    )
    services.evaluation_compute(actor=evaluator, evaluation=evaluation)
    assert evaluation.results.get(organisation=unit).figures[evaluation.indicators.get().key] == "3.00"


def test_a_city_sees_its_citys_results_and_a_sector_department_its_sectors_units(evaluator, unit, enterprise):
    health_unit = make_org(
        OrganisationKind.MEDICAL_INSTITUTION, name="韶关测试医院", city="韶关市", county="浈江区", sector="health"
    )
    health = make_org(OrganisationKind.SECTOR_DEPARTMENT, name="广东省卫生健康委员会", sector="health")
    shaoguan = make_org(OrganisationKind.CITY_DEPARTMENT, name="韶关市科技局（测试）", city="韶关市", county="浈江区")
    evaluation = _unit_scheme(evaluator, [("unit.conversions", "100")])
    services.evaluation_compute(actor=evaluator, evaluation=evaluation)
    all_results = Result.objects.filter(evaluation=evaluation)
    city_sees = set(restrict(all_results, make_user(shaoguan), Action.VIEW).values_list("organisation_id", flat=True))
    sector_sees = set(restrict(all_results, make_user(health), Action.VIEW).values_list("organisation_id", flat=True))
    assert health_unit.pk in city_sees and unit.pk not in city_sees
    assert sector_sees == {health_unit.pk}
    # The unit itself sees nothing before publicity.
    member = make_user(unit, role=Membership.Role.ADMIN)
    assert not restrict(all_results, member, Action.VIEW).exists()
