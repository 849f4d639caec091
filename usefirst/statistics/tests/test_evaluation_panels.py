"""The dashboards show the latest published evaluation results: grade counts and top ranks for the
province, the city's own agencies for a city, each with its table and Excel download; an
evaluation still in review or publicity is not shown."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from openpyxl import load_workbook

from usefirst.accounts.models import OrganisationKind
from usefirst.core.testing import make_org, make_user
from usefirst.evaluation import services
from usefirst.evaluation.services import IndicatorData, SchemeData
from usefirst.evaluation.tests.builders import agency, institution_user, signed_contract
from usefirst.statistics import dashboards
from usefirst.statistics.selectors import Scope

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def published(provincial_reviewer, unit, owner, enterprise):
    evaluator = institution_user()
    top = agency("卓越技术转移中心", city="广州市")
    agency("汕头技术转移中心", city="汕头市", county="金平区")
    agency("普通技术转移中心", city="广州市")
    with time_machine.travel(dt.datetime(2026, 5, 1, 9, tzinfo=SHANGHAI), tick=False):
        signed_contract(unit=unit, enterprise=enterprise, user=owner, facilitator=top)
    evaluation = services.evaluation_create(
        actor=evaluator,
        data=SchemeData(kind="agency", year=2026, name="2026年度服务机构评价", excellent_share=Decimal("40")),
    )
    services.indicator_add(
        actor=evaluator, evaluation=evaluation, data=IndicatorData(name="", source="agency.conversions", weight="100")
    )
    services.evaluation_compute(actor=evaluator, evaluation=evaluation)
    with time_machine.travel(dt.datetime(2026, 12, 1, 9, tzinfo=SHANGHAI), tick=False):
        services.evaluation_start_publicity(actor=provincial_reviewer, evaluation=evaluation)
    before = {c.key: c for c in dashboards.evaluation_charts(Scope())}
    assert before["evaluation_agency_ranks"].categories == []  # in publicity: not on the dashboard yet
    with time_machine.travel(dt.datetime(2026, 12, 9, 9, tzinfo=SHANGHAI), tick=False):
        services.evaluation_publish(actor=provincial_reviewer, evaluation=evaluation)
    return evaluation


def test_the_province_sees_the_grade_counts_and_the_top_ranks(published):
    charts = {c.key: c for c in dashboards.evaluation_charts(Scope())}
    grades = charts["evaluation_agency_grades"]
    assert grades.categories == ["优秀", "合格", "不合格"]
    assert sum(grades.series[0].values) == 3 and grades.series[0].values[0] == 1
    ranks = charts["evaluation_agency_ranks"]
    assert ranks.categories[0] == "第 1 名 卓越技术转移中心（优秀）"
    assert "2026 年度" in ranks.title and "第 1 版" in ranks.note


def test_a_city_sees_its_own_agencies_only_with_table_and_excel(client, published):
    department = make_org(OrganisationKind.CITY_DEPARTMENT, city="汕头市", county="金平区")
    client.force_login(make_user(department))
    page = client.get("/statistics/city/").content.decode()
    assert "汕头技术转移中心" in page and "卓越技术转移中心" not in page
    download = client.get("/statistics/city/?xlsx=evaluation_agency_ranks")
    assert download.status_code == 200
    sheet = load_workbook(io.BytesIO(download.content)).active
    rows = [r for r in sheet.iter_rows(values_only=True) if r and r[0]]
    assert any("汕头技术转移中心" in str(r[0]) for r in rows)
    assert not any("卓越技术转移中心" in str(r[0]) for r in rows)


def test_the_province_dashboard_page_has_the_evaluation_tables(client, published, provincial_reviewer):
    client.force_login(provincial_reviewer)
    page = client.get("/statistics/province/").content.decode()
    assert 'id="chart-data-evaluation_agency_grades"' in page
    assert "卓越技术转移中心" in page
