"""The conversion-intent survey: the unit's pre-filled workbook, intents recorded for every row or
none, new open patents becoming drafts counted under the survey, refusals by row."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from usefirst.catalog.tests.factories import make_achievement
from usefirst.core.testing import make_user
from usefirst.sources.models import AchievementSource, ConversionIntent
from usefirst.sources.selectors import source_counts
from usefirst.sources.survey import COLUMNS

from .builders import patent

pytestmark = pytest.mark.django_db


def _book(rows):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(list(COLUMNS))
    for values in rows:
        sheet.append([values.get(COLUMNS[h], "") for h in COLUMNS])
    data = io.BytesIO()
    book.save(data)
    return SimpleUploadedFile("意向.xlsx", data.getvalue())


def test_the_template_lists_the_units_achievements_and_an_upload_records_intents_and_drafts(client, unit, owner):
    from openpyxl import load_workbook

    mine = make_achievement(unit, owner, title="已有成果")
    client.force_login(owner)
    template = client.get("/sources/survey/template.xlsx")
    sheet = load_workbook(io.BytesIO(template.content)).worksheets[0]
    assert [c.value for c in sheet[2]][:2] == [mine.pk, "已有成果"]
    response = client.post(
        "/sources/survey/",
        {
            "file": _book(
                [
                    {
                        "achievement_id": mine.pk,
                        "title": "已有成果",
                        "intent": "先用后转",
                        "terms": "免费试用 12 个月",
                        "price": "50",
                        "consent": "是",
                    },
                    {"title": "一种新型储能材料", "patent": patent(21), "field": "0101", "intent": "开放许可", "consent": "是"},
                    {"title": "暂不转化的专利", "patent": patent(22), "field": "0101", "intent": "暂不转化", "consent": "否"},
                ]
            )
        },
    )
    assert response.status_code == 302
    assert ConversionIntent.objects.get(achievement=mine).minimum_price == 500000
    draft = AchievementSource.objects.get(kind="survey").achievement
    assert draft.title == "一种新型储能材料" and draft.status == "draft" and draft.offers_open_licence
    assert ConversionIntent.objects.count() == 2
    assert source_counts()["by_source"]["survey"] == 1
    page = client.get("/sources/survey/").content.decode()
    assert "先用后转" in page and "开放许可" in page


def test_a_wrong_row_refuses_the_whole_file_naming_row_and_column(client, unit, owner, other_unit):
    mine = make_achievement(unit, owner, title="本单位成果")
    theirs = make_achievement(other_unit, make_user(other_unit), title="别人的成果")
    client.force_login(owner)
    response = client.post(
        "/sources/survey/",
        {
            "file": _book(
                [
                    {"achievement_id": mine.pk, "title": "本单位成果", "intent": "转让", "consent": "否"},
                    {"achievement_id": theirs.pk, "title": "别人的成果", "intent": "许可", "consent": "是"},
                    {
                        "title": "本单位成果的专利",
                        "patent": mine.ip_items.first().number,
                        "field": "0101",
                        "intent": "许可",
                        "consent": "是",
                    },
                ]
            )
        },
    )
    assert response.status_code == 422
    text = response.content.decode()
    assert "须取得完成人同意" in text and f"编号 {theirs.pk} 不是本单位的成果" in text and "该专利已在平台上" in text
    assert not ConversionIntent.objects.exists()


def test_an_enterprise_may_survey_its_own_but_a_city_department_may_not(client, outsider, city_reviewer):
    client.force_login(outsider)
    assert client.get("/sources/survey/").status_code == 200  # an enterprise may own achievements too
    client.force_login(city_reviewer)
    assert client.get("/sources/survey/").status_code == 403
