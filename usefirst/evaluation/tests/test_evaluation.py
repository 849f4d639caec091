"""The evaluation as the province, the 专业机构, the agencies and the cities use it: a scheme whose
weights sum to 100 %, the computation from platform facts (an agency credited only when both
sides confirmed it; confirmed receipts only; east/west/north deals weighted up), publicity with
objections until the last day, publication of the excellent list, and recomputation as a new
version."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine

from usefirst.accounts.models import Membership, OrganisationKind
from usefirst.core.errors import Conflict, DomainError
from usefirst.core.testing import make_org, make_user
from usefirst.evaluation import services
from usefirst.evaluation.choices import CityOpinion, EvaluationStatus, Grade
from usefirst.evaluation.models import Evaluation, EvaluationEvent, Result
from usefirst.evaluation.services import IndicatorData, SchemeData

from .builders import agency, confirmed_receipt, institution_user, signed_contract

SHANGHAI = ZoneInfo("Asia/Shanghai")
YEAR = 2026
IN_YEAR = dt.datetime(2026, 6, 1, 10, 0, tzinfo=SHANGHAI)


@pytest.fixture
def evaluator(db):
    return institution_user()


def _scheme(actor, *, weights=("60", "40"), kind="agency", sources_=("agency.conversions", "agency.received")):
    evaluation = services.evaluation_create(
        actor=actor, data=SchemeData(kind=kind, year=YEAR, name="2026年度服务机构评价", pass_score=Decimal("10"))
    )
    for source, weight in zip(sources_, weights, strict=True):
        services.indicator_add(actor=actor, evaluation=evaluation, data=IndicatorData(name="", source=source, weight=weight))
    return evaluation


def test_it_refuses_to_compute_when_the_weights_sum_to_99_99_percent(evaluator):
    evaluation = _scheme(evaluator, weights=("60", "39.99"))
    with pytest.raises(DomainError) as exc:
        services.evaluation_compute(actor=evaluator, evaluation=evaluation)
    assert exc.value.code == "evaluation_weights_not_100"
    assert "100%" in exc.value.detail
    evaluation.refresh_from_db()
    assert evaluation.status == EvaluationStatus.DRAFT
    assert not Result.objects.filter(evaluation=evaluation).exists()


def test_it_computes_when_the_weights_sum_to_exactly_100_percent(evaluator):
    agency()
    evaluation = _scheme(evaluator, weights=("60", "40"))
    services.evaluation_compute(actor=evaluator, evaluation=evaluation)
    evaluation.refresh_from_db()
    assert evaluation.status == EvaluationStatus.IN_REVIEW
    assert list(evaluation.events.values_list("event_type", flat=True))[-2:] == ["compute", "computed"]


def test_it_refuses_weights_that_would_pass_100_percent(evaluator):
    evaluation = _scheme(evaluator, weights=("60", "40"))
    with pytest.raises(DomainError) as exc:
        services.indicator_add(
            actor=evaluator, evaluation=evaluation, data=IndicatorData(name="", source="agency.declines", weight="0.01")
        )
    assert exc.value.code == "evaluation_weights_not_100"
    assert evaluation.indicators.count() == 2


def test_it_refuses_an_indicator_pointing_at_an_unknown_source(evaluator):
    evaluation = _scheme(evaluator, weights=("60",), sources_=("agency.conversions",))
    with pytest.raises(DomainError) as exc:
        services.indicator_add(
            actor=evaluator,
            evaluation=evaluation,
            data=IndicatorData(name="管理制度", source="unit.management_system", weight="40"),
        )
    assert exc.value.code == "evaluation_unknown_source"
    assert exc.value.status == 422
    with pytest.raises(DomainError) as exc:
        services.indicator_add(
            actor=evaluator, evaluation=evaluation, data=IndicatorData(name="", source="unit.conversions", weight="40")
        )
    assert exc.value.code == "evaluation_unknown_source"
    assert evaluation.indicators.count() == 1


def test_every_change_of_the_scheme_is_an_event_row(evaluator):
    evaluation = _scheme(evaluator)
    assert list(EvaluationEvent.objects.filter(subject=evaluation).values_list("event_type", flat=True)) == [
        "create",
        "indicator_add",
        "indicator_add",
    ]


def test_an_agency_counts_only_where_both_parties_confirmed_it_on_the_engagement(evaluator, unit, owner, enterprise):
    confirmed, half = agency("双方确认服务机构"), agency("仅企业确认服务机构")
    with time_machine.travel(IN_YEAR, tick=False):
        signed_contract(unit=unit, enterprise=enterprise, user=owner, facilitator=confirmed)
        # Only the enterprise confirmed; the contract even names the agency: it still does not count.
        signed_contract(
            unit=unit, enterprise=enterprise, user=owner, facilitator=half, both_confirmed=False, contract_agency=half
        )
    evaluation = _scheme(evaluator, weights=("100",), sources_=("agency.conversions",))
    services.evaluation_compute(actor=evaluator, evaluation=evaluation)
    figures = {r.organisation_id: r.figures for r in evaluation.results.all()}
    key = evaluation.indicators.get().key
    # 韶关 is in north Guangdong: the deal counts × 1.20.
    assert figures[confirmed.pk][key] == "1.20"
    assert figures[half.pk][key] == "0.00"


def test_only_confirmed_receipts_count_as_received(evaluator, unit, owner, enterprise):
    facilitator = agency()
    with time_machine.travel(IN_YEAR, tick=False):
        contract = signed_contract(unit=unit, enterprise=enterprise, user=owner, facilitator=facilitator)
    confirmed_receipt(contract, Decimal("30000.00"), on=dt.date(2026, 7, 1), user=owner)
    confirmed_receipt(contract, Decimal("50000.00"), on=dt.date(2026, 7, 2), user=owner, status="pending")
    confirmed_receipt(contract, Decimal("70000.00"), on=dt.date(2025, 12, 31), user=owner)
    evaluation = _scheme(evaluator, weights=("100",), sources_=("agency.received",))
    services.evaluation_compute(actor=evaluator, evaluation=evaluation)
    result = evaluation.results.get(organisation=facilitator)
    assert result.figures[evaluation.indicators.get().key] == "3.00"  # 万元


def test_deals_in_the_pearl_river_delta_are_not_weighted(evaluator, unit, owner):
    facilitator = agency()
    prd = make_org(OrganisationKind.ENTERPRISE, name="广州测试企业", city="广州市", county="天河区")
    with time_machine.travel(IN_YEAR, tick=False):
        signed_contract(unit=unit, enterprise=prd, user=owner, facilitator=facilitator)
    evaluation = _scheme(evaluator, weights=("100",), sources_=("agency.conversions",))
    services.evaluation_compute(actor=evaluator, evaluation=evaluation)
    assert evaluation.results.get(organisation=facilitator).figures[evaluation.indicators.get().key] == "1.00"


def _published_through_publicity(evaluation, evaluator, province_user, *, start=dt.datetime(2026, 12, 1, 9, tzinfo=SHANGHAI)):
    services.evaluation_compute(actor=evaluator, evaluation=evaluation)
    with time_machine.travel(start, tick=False):
        services.evaluation_start_publicity(actor=province_user, evaluation=evaluation)
    evaluation.refresh_from_db()
    return evaluation


def test_an_objection_on_the_last_day_is_taken_and_the_day_after_refused(evaluator, provincial_reviewer, unit, owner, enterprise):
    mine = agency()
    staff = make_user(mine, role=Membership.Role.ADMIN)
    with time_machine.travel(IN_YEAR, tick=False):
        signed_contract(unit=unit, enterprise=enterprise, user=owner, facilitator=mine)
    evaluation = _published_through_publicity(_scheme(evaluator), evaluator, provincial_reviewer)
    assert evaluation.publicity_end == dt.date(2026, 12, 8)  # 7 days, the first not counted
    result = evaluation.results.get(organisation=mine)
    with time_machine.travel(dt.datetime(2026, 12, 8, 23, 50, tzinfo=SHANGHAI), tick=False):
        objection = services.objection_raise(actor=staff, result=result, text="到账金额漏计了一笔，请核实")
    with time_machine.travel(dt.datetime(2026, 12, 9, 0, 5, tzinfo=SHANGHAI), tick=False):
        with pytest.raises(Conflict) as exc:
            services.objection_raise(actor=staff, result=result, text="再次提出异议，请核实")
        assert exc.value.code == "evaluation_objection_closed"
        assert "2026-12-08" in exc.value.detail
        # Publication waits for the answer of the 专业机构.
        with pytest.raises(Conflict) as exc:
            services.evaluation_publish(actor=provincial_reviewer, evaluation=evaluation)
        assert exc.value.code == "evaluation_objections_open"
        services.objection_answer(actor=evaluator, objection=objection, answer="经核实，该笔到账未经付款方确认，不计入")
        services.evaluation_publish(actor=provincial_reviewer, evaluation=evaluation)
    assert result.objections.count() == 1


def test_it_refuses_to_publish_before_the_publicity_period_is_over(evaluator, provincial_reviewer):
    agency()
    evaluation = _published_through_publicity(_scheme(evaluator), evaluator, provincial_reviewer)
    with time_machine.travel(dt.datetime(2026, 12, 8, 12, tzinfo=SHANGHAI), tick=False), pytest.raises(Conflict) as exc:
        services.evaluation_publish(actor=provincial_reviewer, evaluation=evaluation)
    assert exc.value.code == "evaluation_publicity_running"


def test_the_professional_institution_may_not_publish(evaluator):
    agency()
    evaluation = _scheme(evaluator)
    services.evaluation_compute(actor=evaluator, evaluation=evaluation)
    with pytest.raises(DomainError) as exc:
        services.evaluation_start_publicity(actor=evaluator, evaluation=evaluation)
    assert exc.value.status == 403


def test_recomputing_a_published_evaluation_makes_a_new_version_and_never_overwrites(
    evaluator, provincial_reviewer, unit, owner, enterprise
):
    first_agency = agency("甲服务机构")
    agency("乙服务机构")
    with time_machine.travel(IN_YEAR, tick=False):
        signed_contract(unit=unit, enterprise=enterprise, user=owner, facilitator=first_agency)
    v1 = _published_through_publicity(_scheme(evaluator), evaluator, provincial_reviewer)
    with time_machine.travel(dt.datetime(2026, 12, 10, 9, tzinfo=SHANGHAI), tick=False):
        services.evaluation_publish(actor=provincial_reviewer, evaluation=v1)
    before = {r.organisation_id: (r.figures, r.total, r.grade) for r in v1.results.all()}
    with pytest.raises(Conflict) as exc:
        services.evaluation_compute(actor=evaluator, evaluation=v1)
    assert exc.value.code == "illegal_transition"

    # A late contract arrives; recomputing makes version 2.
    with time_machine.travel(dt.datetime(2026, 11, 1, 9, tzinfo=SHANGHAI), tick=False):
        signed_contract(unit=unit, enterprise=enterprise, user=owner, facilitator=first_agency)
    v2 = services.evaluation_new_version(actor=evaluator, evaluation=v1)
    assert (v2.version, v2.status, v2.previous_id) == (2, EvaluationStatus.DRAFT, v1.pk)
    assert v2.indicators.count() == v1.indicators.count()
    v2 = _published_through_publicity(v2, evaluator, provincial_reviewer, start=dt.datetime(2026, 12, 11, 9, tzinfo=SHANGHAI))
    with time_machine.travel(dt.datetime(2026, 12, 20, 9, tzinfo=SHANGHAI), tick=False):
        services.evaluation_publish(actor=provincial_reviewer, evaluation=v2)
    v1.refresh_from_db()
    assert v1.status == EvaluationStatus.SUPERSEDED
    assert {r.organisation_id: (r.figures, r.total, r.grade) for r in v1.results.all()} == before
    key2 = v2.indicators.get(source="agency.conversions").key
    assert v2.results.get(organisation=first_agency).figures[key2] == "2.40"
    with pytest.raises(Conflict) as exc:
        services.evaluation_new_version(actor=evaluator, evaluation=v1)
    assert exc.value.code == "evaluation_not_published"


def test_a_city_not_recommending_an_agency_keeps_it_off_the_excellent_list(evaluator, unit, owner, enterprise):
    best = agency("最佳服务机构", city="广州市")
    member = make_user(best, role=Membership.Role.ADMIN)
    city = make_org(OrganisationKind.CITY_DEPARTMENT, name="广州市科学技术局", city="广州市", county="越秀区")
    city_user = make_user(city)
    for _ in range(4):
        agency()
    with time_machine.travel(IN_YEAR, tick=False):
        signed_contract(unit=unit, enterprise=enterprise, user=owner, facilitator=best)
    evaluation = _scheme(evaluator)
    report = services.self_report_submit(
        actor=member, evaluation=evaluation, organisation=best, statement="本年度促成多项转化", figures={"staff": "5"}
    )
    services.self_report_review(actor=city_user, report=report, recommended=False, note="存在违规收费投诉，暂不推荐")
    services.evaluation_compute(actor=evaluator, evaluation=evaluation)
    result = evaluation.results.get(organisation=best)
    assert result.rank == 1
    assert result.city_opinion == CityOpinion.NOT_RECOMMENDED
    assert result.grade == Grade.PASS


def test_the_top_share_is_graded_excellent_and_below_the_pass_score_fails(evaluator, unit, owner, enterprise):
    agencies = [agency(f"服务机构{i}") for i in range(5)]
    with time_machine.travel(IN_YEAR, tick=False):
        for i, a in enumerate(agencies):
            for _ in range(i):
                signed_contract(unit=unit, enterprise=enterprise, user=owner, facilitator=a)
    evaluation = _scheme(evaluator)
    services.evaluation_compute(actor=evaluator, evaluation=evaluation)
    grades = {r.organisation_id: r.grade for r in evaluation.results.all()}
    assert grades[agencies[4].pk] == Grade.EXCELLENT  # 20 % of 5 = 1 place
    assert grades[agencies[0].pk] == Grade.FAIL
    assert [grades[a.pk] for a in agencies[1:4]] == [Grade.PASS] * 3


def test_a_second_scheme_for_the_same_kind_and_year_is_refused(evaluator):
    _scheme(evaluator)
    with pytest.raises(Conflict) as exc:
        _scheme(evaluator)
    assert exc.value.code == "evaluation_exists"
    assert Evaluation.objects.count() == 1
