"""Management systems (配套管理制度) and incentive support, and the evaluation's two selectors."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from usefirst.core.errors import DomainError, Forbidden
from usefirst.safehouse import services
from usefirst.safehouse.choices import SystemStatus
from usefirst.safehouse.selectors import incentives_for, unit_management_system_approved

from .builders import pdf_upload


def _file(staff, university, day="2026-03-01"):
    return services.system_file(actor=staff, unit=university, title="先用后转管理办法", effective_from=day, document=pdf_upload())


@pytest.mark.django_db
def test_an_approved_system_counts_from_the_year_it_takes_effect(staff, university, education_reviewer):
    system = _file(staff, university)
    assert not unit_management_system_approved(university, 2026)
    services.system_approve(actor=education_reviewer, system=system)
    assert system.status == SystemStatus.APPROVED
    assert unit_management_system_approved(university, 2026)
    assert unit_management_system_approved(university.pk, 2027)
    assert not unit_management_system_approved(university, 2025)


@pytest.mark.django_db
def test_a_returned_system_does_not_count_and_needs_reasons(staff, university, education_reviewer):
    system = _file(staff, university)
    with pytest.raises(DomainError):
        services.system_return(actor=education_reviewer, system=system, reason="")
    services.system_return(actor=education_reviewer, system=system, reason="缺少收益分配条款")
    assert system.status == SystemStatus.RETURNED
    assert not unit_management_system_approved(university, 2026)


@pytest.mark.django_db
def test_only_the_units_department_reviews_its_system(staff, colleague, university, provincial_reviewer):
    system = _file(staff, university)
    for actor in (colleague, provincial_reviewer):
        with pytest.raises(Forbidden):
            services.system_approve(actor=actor, system=system)


@pytest.mark.django_db
def test_incentives_are_recorded_by_the_department_and_read_by_year(university, education_reviewer, staff):
    services.incentive_record(
        actor=education_reviewer,
        unit=university,
        kind="funding",
        year=2026,
        granted_on="2026-05-01",
        description="转化专项",
        amount="200000",
    )
    services.incentive_record(
        actor=education_reviewer,
        unit=university,
        kind="reward",
        year=2025,
        granted_on="2025-12-01",
        description="表彰",
        person_name="李明",
    )
    rows = list(incentives_for(university, 2026))
    assert [(r.kind, r.amount) for r in rows] == [("funding", Decimal("200000.00"))]
    assert incentives_for(university, 2025).get().person_name == "李明"
    with pytest.raises(Forbidden):
        services.incentive_record(
            actor=staff, unit=university, kind="funding", year=2026, granted_on="2026-05-01", description="x"
        )
    assert dt.date(2026, 5, 1) == rows[0].granted_on


@pytest.mark.django_db
def test_the_unit_evaluation_reads_the_approved_system_as_a_platform_figure(staff, university, education_reviewer):
    from decimal import Decimal as D

    from usefirst.evaluation.sources import Context, get_source

    source = get_source("unit.management_system")
    assert source is not None and source.origin == "平台数据"
    system = _file(staff, university, day="2026-12-31")  # in effect on the year's last day
    assert source.compute(Context(year=2026, multiplier=D("1.2"))) == {}
    services.system_approve(actor=education_reviewer, system=system)
    assert source.compute(Context(year=2026, multiplier=D("1.2"))) == {university.pk: D(1)}
    assert source.compute(Context(year=2025, multiplier=D("1.2"))) == {}
