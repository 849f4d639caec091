import pytest
from django.urls import reverse

from usefirst.catalog.choices import RestrictionReason
from usefirst.catalog.models import Achievement, TechField
from usefirst.catalog.tests.factories import make_achievement, make_published_achievement
from usefirst.core.selectors import platform_figures

pytestmark = pytest.mark.django_db


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
    assert client.get(reverse("matching:search"), {"q": "锂电池"}).status_code == 200
