import datetime as dt

import pytest
import time_machine
from django.core.cache import cache
from django.urls import reverse

from usefirst.catalog.choices import RestrictionReason
from usefirst.catalog.models import Achievement, TechField
from usefirst.catalog.selectors import platform_figures
from usefirst.catalog.tests.factories import make_achievement, make_published_achievement
from usefirst.core.selectors import HOME_CACHE_KEY, HOME_CACHE_SECONDS, home_page

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_home():
    cache.delete(HOME_CACHE_KEY)
    yield
    cache.delete(HOME_CACHE_KEY)


def test_the_home_page_counts_only_public_achievements(client, unit, owner, provincial_reviewer):
    make_published_achievement(unit, owner, provincial_reviewer)
    make_achievement(unit, owner)  # a draft
    restricted = make_achievement(unit, owner)
    Achievement.objects.filter(pk=restricted.pk).update(restriction=RestrictionReason.DEFENCE)
    figures = platform_figures()
    assert figures["achievements"] == 1
    response = client.get("/")
    assert "已发布成果" in response.content.decode()


def test_the_field_distribution_counts_sub_fields_under_their_top_field(unit, owner, provincial_reviewer):
    top = TechField.objects.get(code="01")
    make_published_achievement(unit, owner, provincial_reviewer, field_id=top.pk)
    make_published_achievement(unit, owner, provincial_reviewer, field_id=TechField.objects.get(code="0101").pk)
    rows = {row["top_field"]: row["n"] for row in platform_figures()["by_field"]}
    assert rows == {top.name: 2}


def test_the_home_search_box_opens_the_search_over_achievements_and_demands(client):
    page = client.get(reverse("home")).content.decode()
    assert f'action="{reverse("matching:search")}"' in page
    assert 'name="kind"' in page
    assert client.get(reverse("matching:search"), {"q": "锂电池"}).status_code == 200


def test_the_home_page_lists_the_latest_published_achievement_and_not_a_draft(client, unit, owner, provincial_reviewer):
    published = make_published_achievement(unit, owner, provincial_reviewer)
    draft = make_achievement(unit, owner)
    page = client.get("/").content.decode()
    assert reverse("catalog:achievement_detail", args=[published.pk]) in page
    assert reverse("catalog:achievement_detail", args=[draft.pk]) not in page


def test_an_empty_platform_says_what_will_appear_and_how(client):
    page = client.get("/").content.decode()
    assert "暂无公开的科技成果" in page
    assert "目前没有公示中的认定项目" in page
    assert "暂无征集中的技术需求" in page


def test_the_figures_are_read_once_and_kept_for_five_minutes(unit, owner, provincial_reviewer, django_assert_num_queries):
    start = dt.datetime(2026, 6, 1, 2, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False):
        first = home_page()
        assert [f.value for f in first.figures if f.label == "已发布成果"] == [0]
        make_published_achievement(unit, owner, provincial_reviewer)
        with django_assert_num_queries(0):
            again = home_page()
        assert [f.value for f in again.figures if f.label == "已发布成果"] == [0]
        assert again.read_at == start
    with time_machine.travel(start + dt.timedelta(seconds=HOME_CACHE_SECONDS + 1), tick=False):
        later = home_page()
    assert [f.value for f in later.figures if f.label == "已发布成果"] == [1]


def test_the_page_says_when_its_figures_were_read(client):
    with time_machine.travel(dt.datetime(2026, 6, 1, 2, 30, tzinfo=dt.UTC), tick=False):
        page = client.get("/").content.decode()
    assert "数据统计于 2026-06-01 10:30，每 5 分钟更新" in page


def test_the_public_gets_an_entry_for_each_role_and_a_signed_in_person_their_workspace(client, owner):
    page = client.get("/").content.decode()
    for role in ("社会公众", "成果单位", "企业", "技术转移服务机构", "审核与管理部门"):
        assert f"<h3>{role}</h3>" in page
    client.force_login(owner)
    page = client.get("/").content.decode()
    assert "办事入口" not in page
    assert f'href="{reverse("accounts:workspace")}"' in page


def test_the_site_icon_is_linked_from_the_page_and_favicon_ico_leads_to_it(client):
    page = client.get("/").content.decode()
    assert 'rel="icon"' in page and "img/favicon.svg" in page
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith("img/favicon.svg")
    assert client.get(response["Location"]).status_code == 200
