"""Open patent licences (专利开放许可, 专利法第50–52条): the unit records the CNIPA announcement
(number, date, fee terms, period) and its take-ups on a page and through the API; it shows on
the achievement and contract pages; while it stands the achievement cannot be licensed
exclusively."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from usefirst.catalog.models import IpItem
from usefirst.contracts import services
from usefirst.contracts.models import Contract, ContractKind, OpenLicence
from usefirst.core.dates import today
from usefirst.core.errors import DomainError
from usefirst.core.models import AuditEntry
from usefirst.core.testing import make_org, make_user

from .conftest import DraftPages, draft, free_use_terms, publish


def record(owner, achievement, number="KF2026-0101", **extra):
    values = {"announced_on": today(), "fee_terms": "每年 2 万元，按年支付", **extra}
    return services.open_licence_record(actor=owner, achievement=achievement, announcement_number=number, **values)


def test_the_unit_records_an_open_licence_on_the_page_and_the_achievement_page_shows_it(client, owner, achievement):
    client.force_login(owner)
    url = reverse("contracts:open_licences", args=[achievement.pk])
    assert "登记国家知识产权局公告的开放许可" in client.get(url).content.decode()
    end = today() + dt.timedelta(days=365)
    response = client.post(
        url,
        {"announcement_number": "KF2026-0102", "announced_on": today().isoformat(), "fee_terms": "每年 2 万元",
         "valid_until": end.isoformat()},
    )  # fmt: skip
    saved = OpenLicence.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("contracts:open_licence_detail", args=[saved.pk])
    assert saved.valid_until == end and saved.recorded_by == owner
    assert AuditEntry.objects.filter(action="open_licence.recorded", object_id=str(saved.pk)).exists()
    detail = client.get(response["Location"]).content.decode()
    assert "KF2026-0102" in detail and "每年 2 万元" in detail and "不得订立独占或排他许可" in detail
    achievement_page = client.get(reverse("catalog:achievement_detail", args=[achievement.pk])).content.decode()
    assert "公告号 KF2026-0102" in achievement_page


def test_the_page_refuses_a_period_ending_before_the_announcement_and_saves_nothing(client, owner, achievement):
    client.force_login(owner)
    response = client.post(
        reverse("contracts:open_licences", args=[achievement.pk]),
        {"announcement_number": "KF2026-0103", "announced_on": today().isoformat(), "fee_terms": "每年 2 万元",
         "valid_until": (today() - dt.timedelta(days=1)).isoformat()},
    )  # fmt: skip
    assert response.status_code == 400
    assert "开放许可期限届满日不能早于公告日" in response.content.decode()
    assert not OpenLicence.objects.exists()


def test_it_refuses_an_announcement_dated_in_the_future_a_duplicate_and_an_achievement_without_a_patent(owner, achievement):
    with pytest.raises(DomainError) as future:
        record(owner, achievement, announced_on=today() + dt.timedelta(days=1))
    assert future.value.code == "announced_in_future"
    record(owner, achievement)
    with pytest.raises(DomainError) as twice:
        record(owner, achievement)
    assert twice.value.code == "open_licence_exists"
    IpItem.objects.filter(achievement=achievement).delete()
    with pytest.raises(DomainError) as no_patent:
        record(owner, achievement, number="KF2026-0104")
    assert no_patent.value.code == "no_patent"
    assert OpenLicence.objects.count() == 1


def test_someone_outside_the_unit_cannot_record_one(client, outsider, achievement):
    client.force_login(outsider)
    url = reverse("contracts:open_licences", args=[achievement.pk])
    assert client.get(url).status_code == 404  # a draft achievement of another unit
    posted = client.post(url, {"announcement_number": "X", "announced_on": today().isoformat(), "fee_terms": "x"})
    assert posted.status_code == 404
    assert not OpenLicence.objects.exists()


def test_drafting_an_exclusive_licence_of_an_achievement_under_open_licence_is_refused_on_the_page(
    client, owner, unit, enterprise, achievement
):
    record(owner, achievement)
    publish(achievement)
    client.force_login(owner)
    pages = DraftPages(client)
    pages.post("kind", {"kind": "free_use_licence", "mode": "pay_later", "achievement": achievement.pk})
    pages.post("terms", free_use_terms(exclusivity="exclusive"))
    pages.post("parties", {"licensor": unit.pk, "licensee_credit_code": enterprise.credit_code})
    refused = pages.post("review", {}, action="save")
    assert refused.status_code == 400
    assert "实行专利开放许可，不得订立独占或排他许可" in refused.content.decode()
    assert 'href="#id_exclusivity"' in refused.content.decode()
    pages.post("terms", free_use_terms(exclusivity="sole"))
    assert pages.post("review", {}, action="save").status_code == 400
    assert not Contract.objects.exists()
    pages.post("terms", free_use_terms(exclusivity="non_exclusive"))
    assert pages.post("review", {}, action="save").status_code == 302
    contract = Contract.objects.get()
    page = client.get(reverse("contracts:detail", args=[contract.pk])).content.decode()
    assert "已实行开放许可" in page and "KF2026-0101" in page


def test_a_take_up_is_recorded_through_the_steps_with_the_standing_open_licence(
    client, platform_ca, owner, unit, enterprise, achievement
):
    licence = record(owner, achievement)
    publish(achievement)
    client.force_login(owner)
    pages = DraftPages(client)
    pages.post("kind", {"kind": "open_licence_record", "achievement": achievement.pk})
    assert "公告号 KF2026-0101" in pages.get("terms").content.decode()
    pages.post("terms", {"open_licence": licence.pk, "scope": "生产使用"})
    pages.post("parties", {"licensor": unit.pk, "licensee_credit_code": enterprise.credit_code})
    assert pages.post("review", {}, action="save").status_code == 302
    assert Contract.objects.get().open_licence == licence


def test_an_exclusive_licence_is_possible_again_once_the_open_licence_is_withdrawn(client, owner, unit, enterprise, achievement):
    licence = record(owner, achievement)
    client.force_login(owner)
    withdrawn = client.post(
        reverse("contracts:open_licence_withdraw", args=[licence.pk]),
        {"withdrawn_on": today().isoformat(), "reason": "撤回公告 KF2026-0101-C"},
    )
    assert withdrawn.status_code == 302
    licence.refresh_from_db()
    assert licence.withdrawn_on == today() and not licence.in_force_on(today())
    assert draft(owner, unit, enterprise, achievement, exclusivity="exclusive").exclusivity == "exclusive"


def test_an_enterprise_records_its_take_up_on_the_page_and_none_after_the_period(
    client, owner, unit, enterprise, outsider, achievement
):
    from usefirst.catalog.tests.factories import make_published_achievement

    published = make_published_achievement(unit, owner, make_user(unit.reviewing_department), title="已发布的芯片成果")
    licence = record(owner, published, valid_until=today() + dt.timedelta(days=30))
    client.force_login(outsider)  # an administrator of the enterprise
    url = reverse("contracts:open_licence_detail", args=[licence.pk])
    response = client.post(url, {"licensee_credit_code": enterprise.credit_code, "extra_terms": "已于今日书面通知并支付首年费用"})
    take_up = Contract.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("contracts:detail", args=[take_up.pk])
    assert take_up.kind == ContractKind.OPEN_LICENCE_RECORD and take_up.open_licence == licence
    assert take_up.licensee == enterprise and take_up.exclusivity == "non_exclusive"
    assert "KF2026-0101" in services.contract_text(take_up)
    assert take_up.number in client.get(url).content.decode()
    OpenLicence.objects.filter(pk=licence.pk).update(valid_until=today(), announced_on=today() - dt.timedelta(days=10))
    with pytest.raises(DomainError) as exc:
        import time_machine

        with time_machine.travel(dt.datetime.combine(today() + dt.timedelta(days=1), dt.time(4, 0), tzinfo=dt.UTC)):
            services.open_licence_take_up(actor=outsider, record=OpenLicence.objects.get(), licensee_id=enterprise.pk)
    assert exc.value.code == "open_licence_not_in_force"
    assert Contract.objects.count() == 1


def test_the_api_records_lists_and_takes_up_an_open_licence(client, owner, unit, enterprise, achievement, outsider):
    client.force_login(owner)
    created = client.post(
        "/api/v1/open-licences",
        {"achievement_id": achievement.pk, "announcement_number": "KF2026-0200", "announced_on": str(today()),
         "fee_terms": "按销售额 3%", "valid_until": str(today() + dt.timedelta(days=100))},
        content_type="application/json",
    )  # fmt: skip
    assert created.status_code == 201
    body = created.json()
    assert body["in_force"] and body["valid_until"] == str(today() + dt.timedelta(days=100)) and body["take_up_count"] == 0
    listing = client.get(f"/api/v1/open-licences?achievement_id={achievement.pk}").json()
    assert [r["announcement_number"] for r in listing] == ["KF2026-0200"]
    take_up = client.post(
        f"/api/v1/open-licences/{body['id']}/take-ups", {"licensee_id": enterprise.pk}, content_type="application/json"
    )
    assert take_up.status_code == 201 and take_up.json()["open_licence_id"] == body["id"]
    assert client.get(f"/api/v1/open-licences/{body['id']}").json()["take_up_count"] == 1
    bad = client.post(
        "/api/v1/open-licences",
        {"achievement_id": achievement.pk, "announcement_number": "KF2026-0201", "announced_on": str(today()),
         "fee_terms": "x", "valid_until": str(today() - dt.timedelta(days=1))},
        content_type="application/json",
    )  # fmt: skip
    assert bad.status_code == 400 and bad.json()["code"] == "dates_out_of_order"
    stranger = make_user(make_org("enterprise", name="无关企业"), role="admin")
    client.force_login(stranger)
    assert client.get(f"/api/v1/open-licences/{body['id']}").status_code == 404
