from __future__ import annotations

import pytest

from usefirst.catalog import selectors as catalog_selectors
from usefirst.catalog.services.achievements import achievement_take_down, achievement_withdraw
from usefirst.catalog.services.demands import demand_close
from usefirst.catalog.tests.factories import make_achievement, make_published_achievement, make_published_demand
from usefirst.matching.models import ItemKind, SearchDocument
from usefirst.matching.search import keyword_object_ids, search

pytestmark = pytest.mark.django_db

TITLES = [
    "高效钙钛矿太阳能电池制备技术",
    "锂离子电池正极材料回收工艺",
    "陶瓷窑炉余热回收发电系统",
    "基于机器视觉的纺织品瑕疵检测",
    "海水淡化反渗透膜抗污染改性",
    "中药材重金属快速检测试剂盒",
    "工业机器人关节减速器精密加工",
    "城市污水处理厂污泥资源化利用",
    "新能源汽车电池热管理系统",
    "农田土壤重金属污染修复技术",
    "5G通信基站天线阵列设计",
    "石墨烯导热薄膜规模化制备",
]

# (traditional, simplified) query pairs: the same words in both scripts.
PAIRS = [
    ("太陽能電池", "太阳能电池"),
    ("鋰離子電池", "锂离子电池"),
    ("陶瓷窯爐", "陶瓷窑炉"),
    ("餘熱回收", "余热回收"),
    ("機器視覺", "机器视觉"),
    ("紡織品檢測", "纺织品检测"),
    ("海水淡化", "海水淡化"),
    ("反滲透膜", "反渗透膜"),
    ("中藥材", "中药材"),
    ("重金屬檢測", "重金属检测"),
    ("工業機器人", "工业机器人"),
    ("減速器", "减速器"),
    ("污水處理", "污水处理"),
    ("污泥資源化", "污泥资源化"),
    ("新能源汽車", "新能源汽车"),
    ("熱管理系統", "热管理系统"),
    ("土壤重金屬", "土壤重金属"),
    ("通信基站", "通信基站"),
    ("天線陣列", "天线阵列"),
    ("導熱薄膜", "导热薄膜"),
]


@pytest.fixture
def published(unit, owner, reviewer):
    return [
        make_published_achievement(unit, owner, reviewer, title=title, summary=f"{title}：面向产业化的成熟方案。", keywords="")
        for title in TITLES
    ]


def _public_ids(user, q):
    filters = catalog_selectors.parse_filters({"q": q})
    return list(catalog_selectors.achievement_list_public(user=user, filters=filters).values_list("pk", flat=True))


def test_a_published_achievement_is_found_by_a_segmented_keyword_in_the_listing(published, outsider):
    ids = _public_ids(outsider, "钙钛矿")
    assert ids == [published[0].pk]


def test_every_term_must_match_unless_that_finds_too_few(published):
    both = keyword_object_ids(ItemKind.ACHIEVEMENT, "电池 回收")
    assert both is not None
    # AND finds only the recycling one; fewer than ten, so the OR hits follow it.
    assert both[0] == published[1].pk
    assert {published[0].pk, published[2].pk, published[8].pk} <= set(both)


def test_an_unknown_word_finds_nothing(published, outsider):
    assert _public_ids(outsider, "不存在的词汇组合喵") == []


@pytest.mark.parametrize(("traditional", "simplified"), PAIRS)
def test_traditional_queries_return_the_same_top_10_as_simplified(published, traditional, simplified):
    simplified_ids = keyword_object_ids(ItemKind.ACHIEVEMENT, simplified)
    assert simplified_ids, simplified
    assert keyword_object_ids(ItemKind.ACHIEVEMENT, traditional)[:10] == simplified_ids[:10]


@pytest.mark.parametrize(
    "q",
    [
        '"',
        "*",
        ":",
        "(",
        ")",
        "AND",
        "OR",
        "NEAR",
        "-",
        '" * : ( ) AND OR NEAR -',
        '电池" OR "x',
        "电池 -回收",
        "NEAR(电池 回收)",
        "！！！",
        "   ",
    ],
)
def test_search_syntax_characters_never_break_a_listing(published, client, q):
    response = client.get("/api/v1/achievements", {"q": q})
    assert response.status_code == 200, response.content
    response = client.get("/api/v1/search", {"q": q})
    assert response.status_code == 200, response.content


def test_empty_enormous_and_symbol_only_queries_give_a_sensible_result(published, client, outsider):
    assert len(_public_ids(outsider, "")) == len(TITLES)
    assert len(_public_ids(outsider, "#%&")) == len(TITLES)  # no word: nothing to filter on
    response = client.get("/api/v1/search", {"q": "电池" * 5000})
    assert response.status_code == 200
    assert response.json()["count"] >= 1
    response = client.get("/api/v1/search", {"q": "5G天线 design 2024"})
    assert response.status_code == 200
    assert response.json()["items"][0]["object_id"] == published[10].pk


def test_the_search_api_highlights_escaped_text_and_counts_facets(unit, owner, reviewer, client):
    make_published_achievement(unit, owner, reviewer, title="<script>x</script>太阳能电池", summary="太阳能<b>电池</b>组件")
    body = client.get("/api/v1/search", {"q": "太阳能电池", "semantic": "0"}).json()
    item = body["items"][0]
    assert "<script>" not in item["title_html"]
    assert "&lt;script&gt;" in item["title_html"]
    assert "<mark>" in item["title_html"]
    assert "<b>" not in item["snippet_html"]
    assert body["facets"]["trl"] == {"6": 1}
    assert body["facets"]["mode"] == {"pay_later": 1}


def test_the_index_follows_publish_withdraw_and_take_down(unit, owner, reviewer, provincial_admin):
    draft = make_achievement(unit, owner, title="柔性电子皮肤传感器")
    assert not SearchDocument.objects.filter(kind=ItemKind.ACHIEVEMENT, object_id=draft.pk).exists()
    first = make_published_achievement(unit, owner, reviewer, title="柔性电子皮肤传感器阵列")
    second = make_published_achievement(unit, owner, reviewer, title="柔性电子织物传感器")
    assert set(keyword_object_ids(ItemKind.ACHIEVEMENT, "柔性 传感器")) == {first.pk, second.pk}
    achievement_withdraw(actor=owner, achievement=first, reason="重新整理")
    assert keyword_object_ids(ItemKind.ACHIEVEMENT, "柔性 传感器") == [second.pk]
    achievement_take_down(actor=reviewer, achievement=second, reason="信息不实")
    assert keyword_object_ids(ItemKind.ACHIEVEMENT, "柔性 传感器") == []
    assert not SearchDocument.objects.filter(kind=ItemKind.ACHIEVEMENT).exists()


def test_a_closed_demand_leaves_the_index(enterprise, outsider, city_reviewer):
    demand = make_published_demand(enterprise, outsider, city_reviewer, title="寻求陶瓷釉料配方优化")
    assert keyword_object_ids(ItemKind.DEMAND, "釉料") == [demand.pk]
    demand_close(actor=outsider, demand=demand, reason="已解决")
    assert keyword_object_ids(ItemKind.DEMAND, "釉料") == []


def test_restricted_items_never_reach_an_outsider(unit, owner, reviewer, outsider, client):
    public = make_published_achievement(unit, owner, reviewer, title="航空发动机叶片涂层")
    restricted = make_achievement(unit, owner, title="航空发动机叶片涂层（限制）")
    restricted.restriction = "defence"
    restricted.save()
    assert not SearchDocument.objects.filter(object_id=restricted.pk, kind=ItemKind.ACHIEVEMENT).exists()
    # Even a stale document would not leak: results are intersected with the public listing.
    SearchDocument.objects.create(
        kind=ItemKind.ACHIEVEMENT, object_id=restricted.pk, title=restricted.title, segmented_title="叶片 涂层"
    )
    assert _public_ids(outsider, "叶片涂层") == [public.pk]
    page = search(user=outsider, kind=ItemKind.ACHIEVEMENT, params={"q": "叶片涂层"}, semantic=False)
    assert [item.object_id for item in page.items] == [public.pk]
    body = client.get("/api/v1/search", {"q": "叶片涂层"}).json()
    assert [item["object_id"] for item in body["items"]] == [public.pk]
