"""The public achievement listing reads its rows as cards (catalog/cards.py): the card's columns
in one query, never whole achievements. A visitor sees on the listing page and in the API's items
exactly what the achievement itself says, whichever way the page was found — browsed, searched by
the database, or answered by the search engine — and again when the page comes from the cache."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection
from django.test.utils import CaptureQueriesContext

from usefirst.catalog import selectors
from usefirst.catalog.api import _achievement_summary
from usefirst.catalog.cards import card_values, cards
from usefirst.catalog.choices import RestrictionReason
from usefirst.catalog.models import Achievement, Demand, TechField
from usefirst.contracts.models import Contract
from usefirst.core.pagination import DEFAULT_PAGE_SIZE, PageOf
from usefirst.core.permissions import Action, public, restrict
from usefirst.matching import engine
from usefirst.matching.models import ItemKind

from .factories import make_achievement, make_published_achievement, make_published_demand, sub_field

pytestmark = pytest.mark.django_db

WAYS = {"browse": {}, "database": {"q": "钙钛矿"}, "engine": {"q": "钙钛矿"}}


@pytest.fixture
def published(unit: Any, owner: Any, reviewer: Any) -> list[Achievement]:
    sub = make_published_achievement(
        unit,
        owner,
        reviewer,
        title="钙钛矿叠层太阳能电池",
        summary="钙钛矿与晶硅叠层，效率提升。",
        keywords="钙钛矿，叠层",
        field_id=sub_field("0604").pk,
        offers_pay_later=False,
        offers_cooperate_later=True,
        offers_open_licence=True,
        trl=7,
    )
    top = make_published_achievement(unit, owner, reviewer, title="钙钛矿薄膜制备", summary="钙钛矿薄膜。", trl=4)
    # A row filed under a top field (older data may be): the card shows it as the achievement does.
    Achievement.objects.filter(pk=top.pk).update(field=TechField.objects.get(code="06"))
    return [Achievement.objects.select_related("owner", "field", "field__parent").get(pk=a.pk) for a in (sub, top)]


def _engine(settings: Any, tmp_path: Any) -> None:
    settings.SEARCH_ENGINE = "tantivy"
    settings.SEARCH_ENGINE_PATH = tmp_path / "engine"
    engine.forget_engines()
    engine.rebuild(ItemKind.ACHIEVEMENT)


@pytest.mark.parametrize("way", WAYS)
def test_a_listing_card_says_what_the_achievement_says(client, published, way, settings, tmp_path):
    if way == "engine":
        _engine(settings, tmp_path)
    cache.clear()
    try:
        first = client.get("/api/v1/achievements", WAYS[way]).json()
        again = client.get("/api/v1/achievements", WAYS[way]).json()  # the page kept in the cache
        page = client.get("/achievements/", WAYS[way])
    finally:
        engine.forget_engines()
    expected = {a.pk: client.get(f"/api/v1/achievements/{a.pk}").json() for a in published}
    assert first == again and {i["id"] for i in first["items"]} == set(expected)
    for item in first["items"]:
        whole = expected[item["id"]]
        assert item == {k: whole[k] for k in item}  # every value of the item is the detail's
    assert first["items"] == [_as_json(a) for a in sorted(published, key=lambda a: _position(first, a))]
    html = page.content.decode()
    assert "新能源与节能 / " in html and "先使用后合作" in html and "专利开放许可" in html and "TRL 7" in html
    assert "先使用后付费" in html  # the other achievement's mode (the factory's default)


def _position(listed: dict[str, Any], a: Achievement) -> int:
    return [i["id"] for i in listed["items"]].index(a.pk)


def _as_json(a: Achievement) -> dict[str, Any]:
    return json.loads(json.dumps(_achievement_summary(a), cls=DjangoJSONEncoder))


def test_a_keyword_page_reads_its_rows_in_one_query_of_the_card_columns(client, published):
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/api/v1/achievements", {"q": "钙钛矿"}).json()["count"] == 2
    rows = [q["sql"] for q in captured.captured_queries if '"catalog_achievement"."title"' in q["sql"]]
    assert len(rows) == 1
    assert "problem_solved" not in rows[0] and "credit_code" not in rows[0]  # not the whole achievement and unit


def test_the_public_items_are_what_a_visitor_who_is_no_one_sees(unit, owner, reviewer, enterprise, outsider, city_reviewer):
    make_published_achievement(unit, owner, reviewer, title="公开成果")
    make_achievement(unit, owner, title="草稿成果")
    make_achievement(unit, owner, title="限制成果", restriction=RestrictionReason.NATIONAL_SECURITY)
    make_published_demand(enterprise, outsider, city_reviewer, title="公开需求")
    for model in (Achievement, Demand):
        anyone = set(restrict(model.objects.all(), AnonymousUser(), Action.VIEW))
        assert set(public(model.objects.all())) == anyone and anyone
    assert {a.title for a in public(Achievement.objects.all())} == {"公开成果"}
    with pytest.raises(LookupError):  # a contract has no public items
        public(Contract.objects.all())


@pytest.mark.parametrize("way", ["database", "engine"])
def test_a_page_kept_by_the_previous_release_is_not_read_during_an_upgrade(client, published, way, settings, tmp_path):
    """The previous release kept a keyword page's rows as cards under keys without the rows' form;
    a node of this release, sharing its cache during a rolling upgrade, answers as if nothing were
    kept (and the previous release, reading its own keys, finds none of this one's rows)."""
    if way == "engine":
        _engine(settings, tmp_path)
    cache.clear()
    try:
        fresh = client.get("/api/v1/achievements", WAYS[way]).json()
        cache.clear()
        filters = selectors.parse_filters(WAYS[way])
        earlier = f"{selectors.public_listing_key('achievement', filters)}:ids:{filters.sort}:1:{DEFAULT_PAGE_SIZE}"
        kept = cards(card_values(Achievement.objects.filter(pk__in=[a.pk for a in published])))
        cache.set(earlier, kept)
        cache.set(f"{earlier}:engine", PageOf(kept, len(kept), 1, DEFAULT_PAGE_SIZE, 1))
        during = client.get("/api/v1/achievements", WAYS[way])
    finally:
        engine.forget_engines()
    assert during.status_code == 200 and during.json() == fresh
    assert cache.get(earlier) == kept  # what the previous release kept is still its own
