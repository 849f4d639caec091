"""Dashboards and open statistics: the funnel's numbers, a city's scope, the rule of three, and
every chart's table and download holding the chart's own figures."""

from __future__ import annotations

import io
import json
import re
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from usefirst.accounts.models import OrganisationKind
from usefirst.core.charts import Chart, Series
from usefirst.core.testing import make_org, make_user
from usefirst.statistics import dashboards, rollup, selectors
from usefirst.statistics.models import Metric
from usefirst.statistics.selectors import Scope

from .builders import deal, enterprises, units

pytestmark = pytest.mark.django_db


@pytest.fixture
def clerk(db):
    return make_user()


@pytest.fixture
def small_world(clerk):
    """Guangzhou: 4 intents, 3 agreed, 2 signed, 1 paid; Shantou: 1 signed deal with money."""
    gz_units, gz_firms = units(4), enterprises(4)
    deal(gz_units[0], gz_firms[0], user=clerk, received=Decimal("1000.00"))
    deal(gz_units[1], gz_firms[1], user=clerk)
    deal(gz_units[2], gz_firms[2], user=clerk, signed=False)
    deal(gz_units[3], gz_firms[3], user=clerk, agreed=False, signed=False)
    st_unit, st_firm = units(1, city="汕头市")[0], enterprises(1, city="汕头市")[0]
    deal(st_unit, st_firm, user=clerk, received=Decimal("500.00"))
    rollup.refresh()


def funnel_counts(scope: Scope) -> list[int]:
    chart = dashboards.funnel(scope)
    return [int(v) for v in chart.series[0].values]


def test_the_funnel_counts_each_stage_an_engagement_reached(small_world):
    assert funnel_counts(Scope()) == [5, 4, 3, 2]
    assert funnel_counts(Scope(city="广州市")) == [4, 3, 2, 1]
    chart = dashboards.funnel(Scope(city="广州市"))
    assert chart.categories[2] == "签订合同（50.0%）"


def test_money_received_counts_only_confirmed_receipts(small_world, clerk):
    from usefirst.finance.models import Receipt

    contract = Receipt.objects.first().contract
    Receipt.objects.create(
        contract=contract,
        received_on=contract.signed_at.date(),
        amount=Decimal("9999.00"),
        payer="x",
        voucher_number="unconfirmed",
        idempotency_key="unconfirmed",
        recorded_by=clerk,
    )
    rollup.refresh()
    assert selectors.totals(Scope(), [Metric.RECEIVED])[Metric.RECEIVED].amount == Decimal("1500.00")


def test_a_city_department_sees_only_its_own_city(client, small_world):
    department = make_org(OrganisationKind.CITY_DEPARTMENT, city="汕头市", county="金平区")
    client.force_login(make_user(department))
    page = client.get("/statistics/city/").content.decode()
    assert "汕头市“先用后转”运行看板" in page
    data = json.loads(re.search(r'id="chart-data-funnel" type="application/json">(.*?)</script>', page).group(1))
    assert data["series"][0]["values"] == [1, 1, 1, 1]
    # A city clerk cannot reach the province's dashboard, nor another city through it.
    assert client.get("/statistics/province/?city=广州市").status_code == 403


def test_only_the_province_opens_the_province_dashboard(client, small_world, provincial_reviewer, owner):
    client.force_login(owner)
    assert client.get("/statistics/province/").status_code == 403
    assert client.get("/statistics/city/").status_code == 403
    client.force_login(provincial_reviewer)
    page = client.get("/statistics/province/").content.decode()
    assert "全省“先用后转”运行看板" in page and "数据更新于" in page
    guangzhou = client.get("/statistics/province/?city=广州市").content.decode()
    assert "广州市“先用后转”运行看板" in guangzhou


def test_every_chart_table_and_download_hold_the_charts_own_figures(client, small_world, provincial_reviewer):
    client.force_login(provincial_reviewer)
    for chart in dashboards.charts(Scope(), "city"):
        payload = chart.payload()
        for row, category in zip(chart.table_rows(), payload["categories"], strict=True):
            assert row[0] == category
        for index, series in enumerate(payload["series"]):
            shown = [row[index + 1].replace(",", "") for row in chart.table_rows()]
            assert [Decimal(s) for s in shown] == [
                Decimal(str(v)).quantize(Decimal("0.01") if series["money"] else Decimal("1")) for v in series["values"]
            ]
        response = client.get(f"/statistics/province/?xlsx={chart.key}")
        sheet = load_workbook(io.BytesIO(response.content)).active
        rows = list(sheet.iter_rows(values_only=True))
        assert list(rows[0]) == chart.table_headers()
        assert [list(r) for r in rows[1:]] == [
            [c, *(float(s.values[i]) if s.money else s.values[i] for s in chart.series)] for i, c in enumerate(chart.categories)
        ]


def test_a_chart_refuses_values_that_do_not_match_its_categories():
    with pytest.raises(ValueError):
        Chart(key="x", title="x", categories=["a", "b"], series=[Series("s", [1])])


def _open(client, **query):
    return client.get("/api/v1/statistics/open", query).json()


def test_a_figure_about_two_organisations_is_withheld_and_three_is_shown(client, clerk):
    firms = enterprises(3, city="汕头市")
    two = units(2, city="汕头市")
    for unit, firm in zip(two, firms, strict=False):
        deal(unit, firm, user=clerk, received=Decimal("100.00"))
    rollup.refresh()
    body = _open(client, metric="contract_signed", dimension="city")
    shantou = next(item for item in body["items"] if item["label"] == "汕头市")
    assert shantou["withheld"] and shantou["count"] is None and shantou["amount"] is None
    assert shantou["note"] == "不足3家机构，不予显示"
    assert body["total"]["withheld"]

    deal(units(1, city="汕头市")[0], firms[2], user=clerk, received=Decimal("100.00"))
    rollup.refresh()
    body = _open(client, metric="received", dimension="city")
    shantou = next(item for item in body["items"] if item["label"] == "汕头市")
    assert not shantou["withheld"] and shantou["count"] == 3 and Decimal(shantou["amount"]) == Decimal("300.00")
    assert body["total"]["count"] == 3


def test_three_units_with_one_enterprise_are_still_withheld(client, clerk):
    firm = enterprises(1)[0]
    for unit in units(3):
        deal(unit, firm, user=clerk)
    rollup.refresh()
    assert _open(client, metric="contract_signed", dimension="region")["total"]["withheld"]


def test_a_lone_withheld_cell_takes_the_next_smallest_with_it(client, clerk):
    for city, count in (("广州市", 4), ("深圳市", 3), ("汕头市", 1)):
        for unit, firm in zip(units(count, city=city), enterprises(count, city=city), strict=True):
            deal(unit, firm, user=clerk)
    rollup.refresh()
    items = {i["label"]: i for i in _open(client, metric="contract_signed", dimension="city")["items"]}
    assert items["汕头市"]["withheld"] and items["深圳市"]["withheld"]
    assert items["广州市"]["count"] == 4


def test_the_public_page_says_what_it_withholds(client, small_world):
    page = client.get("/statistics/").content.decode()
    assert "不足3家机构，不予显示" in page and "数据更新于" in page
    assert client.get("/statistics/?xlsx=all")["Content-Type"].startswith("application/vnd.openxmlformats")


def test_the_open_api_refuses_an_unknown_metric_in_chinese(client):
    response = client.get("/api/v1/statistics/open", {"metric": "secret"})
    assert response.status_code == 400 and response.json()["code"] == "invalid_filter"
    assert "指标无效" in response.json()["detail"]


def test_the_province_sees_every_units_guidance_fund(client, provincial_reviewer):
    from usefirst.finance.models import GuidanceFundEntry

    education = make_org(OrganisationKind.SECTOR_DEPARTMENT, sector="education")
    university = make_org(OrganisationKind.UNIVERSITY, sector="education", reviewing_department=education)
    GuidanceFundEntry.objects.create(
        unit=university, kind="allocation", amount=Decimal("424600.00"), memo="分配转入", actor=provincial_reviewer
    )
    client.force_login(provincial_reviewer)
    page = client.get("/finance/fund/").content.decode()
    assert "暂无引导资金台账" not in page and "424,600.00" in page
