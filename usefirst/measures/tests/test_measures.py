"""Local support measures: published by a city's department or a development zone as structured
records, refused when incomplete, shown where they may apply — by the enterprise's city and county,
within their period — on the list, an achievement's page and a contract's page."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from usefirst.accounts.models import Membership, OrganisationKind
from usefirst.core.errors import DomainError, Forbidden
from usefirst.core.testing import make_org, make_user
from usefirst.measures import selectors, services
from usefirst.measures.choices import MeasureStatus
from usefirst.measures.models import SupportMeasure

pytestmark = pytest.mark.django_db

DATA = {
    "title": "科技成果转化后补助",
    "kind": "subsidy",
    "county": "",
    "eligibility": "在本市注册、通过平台承接高校院所科技成果的中小企业",
    "amount": "500000",
    "rate": "30",
    "valid_from": "2026-01-01",
    "valid_until": "2026-12-31",
    "contact_name": "张科长",
    "contact_phone": "020-12345678",
}


@pytest.fixture
def city_officer(province):
    return make_user(make_org(OrganisationKind.CITY_DEPARTMENT, name="广州市科学技术局", city="广州市", county="越秀区"))


@pytest.fixture
def zone_officer(province):
    zone = make_org(OrganisationKind.DEVELOPMENT_ZONE, name="广州高新区", city="广州市", county="黄埔区")
    return make_user(zone, role=Membership.Role.ADMIN)


def publish(user, **values):
    publisher = user.memberships.first().organisation
    measure = services.measure_create(actor=user, publisher=publisher, data={**DATA, **values})
    return services.measure_publish(actor=user, measure=measure)


def test_a_city_measure_applies_citywide_and_a_zones_only_in_its_county(city_officer, zone_officer):
    with time_machine.travel(dt.datetime(2026, 6, 1, 4, tzinfo=dt.UTC)):
        citywide = publish(city_officer)
        zone = publish(zone_officer, title="黄埔区成果承接奖励", kind="reward", amount="200000", rate="")
        assert zone.county == "黄埔区" and citywide.county == ""
        in_tianhe = {m.title for m in selectors.applicable(city="广州市", county="天河区")}
        in_huangpu = {m.title for m in selectors.applicable(city="广州市", county="黄埔区")}
        in_shenzhen = list(selectors.applicable(city="深圳市", county="南山区"))
    assert in_tianhe == {"科技成果转化后补助"}
    assert in_huangpu == {"科技成果转化后补助", "黄埔区成果承接奖励"}
    assert in_shenzhen == []


@pytest.mark.parametrize(
    ("day", "shown"),
    [(dt.date(2025, 12, 31), False), (dt.date(2026, 1, 1), True), (dt.date(2026, 12, 31), True), (dt.date(2027, 1, 1), False)],
)
def test_a_measure_applies_from_its_first_to_its_last_day(city_officer, day, shown):
    publish(city_officer)
    assert selectors.applicable(city="广州市", county="天河区", on=day).exists() is shown


def test_drafts_and_withdrawn_measures_are_not_shown(city_officer):
    publisher = city_officer.memberships.first().organisation
    draft = services.measure_create(actor=city_officer, publisher=publisher, data=DATA)
    on = dt.date(2026, 6, 1)
    assert not selectors.applicable(city="广州市", on=on).exists()
    services.measure_publish(actor=city_officer, measure=draft)
    assert selectors.applicable(city="广州市", on=on).exists()
    services.measure_withdraw(actor=city_officer, measure=draft)
    assert not selectors.applicable(city="广州市", on=on).exists()
    draft.refresh_from_db()
    assert draft.status == MeasureStatus.WITHDRAWN


@pytest.mark.parametrize(
    ("values", "field", "words"),
    [
        ({"amount": "", "rate": ""}, "amount", "至少一项"),
        ({"rate": "120"}, "rate", "0 到 100"),
        ({"valid_until": "2025-12-31"}, "valid_until", "不能早于"),
        ({"county": "南山区"}, "county", "不属于广州市"),
        ({"contact_phone": ""}, "contact_phone", "请填写联系电话"),
        ({"kind": "gift"}, "kind", "请选择支持方式"),
    ],
)
def test_an_incomplete_measure_is_refused_on_its_field_and_nothing_saved(city_officer, values, field, words):
    publisher = city_officer.memberships.first().organisation
    with pytest.raises(DomainError) as refused:
        services.measure_create(actor=city_officer, publisher=publisher, data={**DATA, **values})
    assert any(words in m for m in refused.value.field_errors[field])
    assert not SupportMeasure.objects.exists()


def test_only_cities_and_zones_publish_and_a_published_measure_is_not_edited(city_officer, province):
    unit = make_org(OrganisationKind.UNIVERSITY)
    with pytest.raises(Forbidden):
        services.measure_create(actor=make_user(unit), publisher=unit, data=DATA)
    measure = publish(city_officer)
    with pytest.raises(DomainError) as refused:
        services.measure_update(actor=city_officer, measure=measure, data=DATA)
    assert refused.value.code == "measure_not_editable"
    assert Decimal(measure.amount) == Decimal("500000")


def test_the_list_and_an_enterprises_view_of_an_achievement_show_the_measures_for_its_place(client, city_officer, unit, owner):
    from usefirst.catalog.tests.factories import make_achievement

    publish(city_officer, valid_from="2020-01-01", valid_until="")
    listing = client.get("/measures/?city=广州市").content.decode()
    assert "科技成果转化后补助" in listing and "最高" in listing and "长期" in listing
    achievement = make_achievement(unit, owner, title="一种测试成果")
    from usefirst.catalog.services.achievements import achievement_submit

    achievement_submit(actor=owner, achievement=achievement)
    from usefirst.catalog.services.achievements import achievement_approve

    reviewer = make_user(unit.reviewing_department)
    achievement_approve(actor=reviewer, achievement=achievement)
    guangzhou = make_org(OrganisationKind.ENTERPRISE, name="广州承接企业", city="广州市", county="天河区")
    client.force_login(make_user(guangzhou))
    page = client.get(f"/achievements/{achievement.pk}/").content.decode()
    assert "可能适用的地方支持措施" in page and "科技成果转化后补助" in page
    shenzhen = make_org(OrganisationKind.ENTERPRISE, name="深圳承接企业", city="深圳市", county="南山区")
    client.force_login(make_user(shenzhen))
    page = client.get(f"/achievements/{achievement.pk}/").content.decode()
    assert "科技成果转化后补助" not in page and "暂无正在执行的支持措施" in page


def test_the_publisher_uses_the_form_and_the_api_lists_by_place(client, zone_officer):
    client.force_login(zone_officer)
    bad = client.post("/measures/new/", {**DATA, "amount": "", "rate": ""})
    assert bad.status_code == 400 and "至少一项" in bad.content.decode()
    made = client.post("/measures/new/", DATA)
    measure = SupportMeasure.objects.get()
    assert made.status_code == 302 and measure.status == MeasureStatus.DRAFT and measure.county == "黄埔区"
    assert client.post(f"/measures/{measure.pk}/publish/").status_code == 302
    with time_machine.travel(dt.datetime(2026, 6, 1, 4, tzinfo=dt.UTC)):
        client.force_login(zone_officer)
        listed = client.get("/api/v1/support-measures?city=广州市&county=黄埔区").json()
        elsewhere = client.get("/api/v1/support-measures?city=广州市&county=天河区").json()
    assert listed["count"] == 1 and listed["items"][0]["kind_display"] == "补贴"
    assert elsewhere["count"] == 0
    assert client.get("/api/v1/support-measures?city=火星市").status_code == 400
