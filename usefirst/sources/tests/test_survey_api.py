"""The conversion-intent survey in the open API: a unit reads its rows and submits one row under
the workbook's rules; another organisation is refused; an open intent without the inventors'
consent is refused by row (problem+json), nothing recorded."""

from __future__ import annotations

import json

import pytest

from usefirst.catalog.tests.factories import make_achievement
from usefirst.sources.models import AchievementSource, ConversionIntent

from .builders import patent

pytestmark = pytest.mark.django_db
URL = "/api/v1/organisations/{}/conversion-intents"


def _post(client, unit, body):
    return client.post(URL.format(unit.pk), json.dumps(body), content_type="application/json")


def test_a_unit_submits_one_row_and_reads_its_rows(client, unit, owner):
    mine = make_achievement(unit, owner, title="已有成果")
    client.force_login(owner)
    created = _post(
        client,
        unit,
        {
            "achievement_id": mine.pk,
            "intent": "先用后转",
            "minimum_terms": "免费试用",
            "minimum_price_wan": "50",
            "inventors_consent": True,
        },
    )
    assert created.status_code == 201, created.content
    assert created.json()["intent"] == "use_first" and created.json()["minimum_price"] == "500000.00"
    new = _post(
        client,
        unit,
        {"title": "一种新型储能材料", "patent": patent(31), "field": "0101", "intent": "open_licence", "inventors_consent": True},
    )
    assert new.status_code == 201 and new.json()["achievement_status"] == "draft"
    assert AchievementSource.objects.filter(kind="survey").count() == 1
    kept = _post(
        client,
        unit,
        {"title": "暂不转化", "patent": patent(32), "field": "0101", "intent": "暂不转化", "inventors_consent": False},
    )
    assert kept.status_code == 204
    listed = client.get(URL.format(unit.pk)).json()
    assert [r["intent_display"] for r in listed["items"]] == ["先用后转", "开放许可"]
    assert listed["count"] == 2
    second = client.get(URL.format(unit.pk) + "?page=2&page_size=1").json()
    assert [r["intent_display"] for r in second["items"]] == ["开放许可"] and second["num_pages"] == 2


def test_an_open_intent_without_consent_is_refused_by_row_and_nothing_is_recorded(client, unit, owner):
    mine = make_achievement(unit, owner, title="已有成果")
    client.force_login(owner)
    refused = _post(client, unit, {"achievement_id": mine.pk, "intent": "许可", "inventors_consent": False})
    assert refused.status_code == 422 and refused["Content-Type"].startswith("application/problem+json")
    assert refused.json()["code"] == "import_rows_invalid"
    assert "完成人是否同意" in json.dumps(refused.json(), ensure_ascii=False)
    assert not ConversionIntent.objects.exists()


def test_another_organisation_may_neither_read_nor_submit_a_units_survey(client, unit, other_user):
    client.force_login(other_user)
    assert client.get(URL.format(unit.pk)).json()["code"] == "not_survey_unit"
    refused = _post(
        client, unit, {"title": "x", "patent": patent(33), "field": "0101", "intent": "许可", "inventors_consent": True}
    )
    assert refused.status_code == 403 and refused.json()["code"] == "not_survey_unit"
