"""The public search page: results with highlights and why, the any-word fallback said aloud,
facets that filter, sorting, pagination, a helpful empty state, and bad input that never errors."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from usefirst.catalog.models import Achievement, TechField
from usefirst.catalog.tests.factories import make_achievement, make_published_achievement, make_published_demand, sub_field

pytestmark = pytest.mark.django_db

FILLERS = [
    "海水淡化反渗透膜抗污染改性",
    "中药材重金属快速检测试剂盒",
    "工业机器人关节减速器精密加工",
    "城市污水处理厂污泥资源化利用",
    "农田土壤重金属污染修复技术",
    "5G通信基站天线阵列设计",
    "石墨烯导热薄膜规模化制备",
    "柑橘黄龙病快速诊断方法",
]
FALLBACK = "未找到同时包含全部关键词的结果，已显示包含任一关键词的结果"


def _page(client, **params) -> str:
    params.setdefault("semantic", "0")  # lexical only: fast, and the model's neighbours do not blur the assertions
    response = client.get("/search/", params)
    assert response.status_code == 200, response.content.decode()[:2000]
    return response.content.decode()


def _titles(html: str) -> list[str]:
    """Result titles in page order, marks removed."""
    found = re.findall(r'<li class="card"><h3><a href="[^"]+">(.*?)</a></h3>', html)
    return [re.sub(r"</?mark>", "", title) for title in found]


@pytest.fixture
def catalog(unit, owner, reviewer):
    def publish(title: str, *, days_ago: int, **overrides):
        item = make_published_achievement(unit, owner, reviewer, title=title, keywords="", **overrides)
        Achievement.objects.filter(pk=item.pk).update(published_at=timezone.now() - dt.timedelta(days=days_ago))
        item.refresh_from_db()
        item.save()  # the index follows the save (published_at feeds the newest-first order)
        return item

    # Unrelated items, so that no query word below counts as common wording (in a quarter of all items).
    for n, title in enumerate(FILLERS):
        publish(title, days_ago=40 + n)
    return {
        "perovskite": publish("高效钙钛矿太阳能电池制备技术", days_ago=30, summary="钙钛矿薄膜与叠层电池组件。", trl=7),
        "recycling": publish("锂离子电池正极材料回收工艺", days_ago=20, summary="退役动力电池的回收利用。", trl=5),
        "kiln": publish(
            "陶瓷窑炉余热回收发电系统",
            days_ago=10,
            summary="窑炉烟气余热发电。",
            field_id=sub_field("0604").pk,
            offers_pay_later=False,
            offers_open_licence=True,
        ),
        "vision": publish("基于机器视觉的纺织品瑕疵检测", days_ago=5, summary="纺织品表面瑕疵的在线检测。"),
    }


def test_the_header_links_to_the_search_page(client):
    assert 'href="/search/"' in client.get("/").content.decode()


def test_matches_are_listed_with_highlighted_titles_and_the_words_they_matched(client, catalog):
    html = _page(client, q="钙钛矿")
    assert _titles(html) == ["高效钙钛矿太阳能电池制备技术"]
    assert "高效<mark>钙钛矿</mark>太阳能电池制备技术" in html
    assert "<mark>钙钛矿</mark>薄膜" in html  # the snippet of the summary, on the original text
    assert "匹配词：钙钛矿" in html
    assert f'href="/achievements/{catalog["perovskite"].pk}/"' in html


def test_a_traditional_character_query_highlights_the_simplified_title(client, catalog):
    html = _page(client, q="鈣鈦礦")
    assert _titles(html) == ["高效钙钛矿太阳能电池制备技术"]
    assert "<mark>钙钛矿</mark>" in html


def test_html_in_a_title_is_shown_as_text_never_run(client, unit, owner, reviewer):
    make_published_achievement(
        unit, owner, reviewer, title="<script>alert(1)</script>柔性传感器", summary="<img src=x onerror=alert(2)>柔性传感器阵列"
    )
    html = _page(client, q="柔性传感器")
    assert "<script>alert(1)" not in html
    assert "<img src=x" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<mark>柔性传感器</mark>" in html or "<mark>柔性</mark>" in html


def test_when_no_item_has_every_word_the_page_says_it_shows_items_with_any(client, catalog):
    html = _page(client, q="钙钛矿 纺织品")
    assert FALLBACK in html
    assert set(_titles(html)) == {"高效钙钛矿太阳能电池制备技术", "基于机器视觉的纺织品瑕疵检测"}
    both = _page(client, q="电池 回收")
    assert FALLBACK not in both
    assert "同时包含全部关键词的结果有 1 条" in both
    assert _titles(both)[0] == "锂离子电池正极材料回收工艺"  # the one with both words ranks first
    single = _page(client, q="窑炉")
    assert FALLBACK not in single and "同时包含全部关键词" not in single


def test_facets_count_the_results_and_link_to_a_filter(client, catalog):
    html = _page(client, q="电池 回收 窑炉")
    kiln_top = TechField.objects.get(code="0604").top
    chip_top = sub_field("0101").top
    assert f"{chip_top.name}</a>（2）" in html
    assert f"{kiln_top.name}</a>（1）" in html
    assert "TRL 7</a>（1）" in html
    assert "专利开放许可</a>（1）" in html
    assert "珠三角</a>（3）" in html
    assert "广州市</a>（3）" in html
    link = re.search(rf'<a href="(\?[^"]*field={kiln_top.code}[^"]*)">{kiln_top.name}</a>', html)
    assert link is not None
    filtered = client.get("/search/" + link.group(1).replace("&amp;", "&")).content.decode()
    assert _titles(filtered) == ["陶瓷窑炉余热回收发电系统"]
    assert "清除筛选" in filtered
    assert "✓ " + kiln_top.name in filtered


def test_a_filter_finds_matches_beyond_the_best_ranked_candidates(client, catalog, monkeypatch):
    # With room for one ranked candidate only, the other matches still count and filter.
    from usefirst.matching import ranking, search

    monkeypatch.setattr(ranking, "CANDIDATES", 1)
    monkeypatch.setattr(search, "CANDIDATES", 1)
    kiln_top = TechField.objects.get(code="0604").top
    html = _page(client, q="电池 回收 窑炉")
    assert len(_titles(html)) == 3
    assert f"{kiln_top.name}</a>（1）" in html
    filtered = _page(client, q="电池 回收 窑炉", field=kiln_top.code)
    assert _titles(filtered) == ["陶瓷窑炉余热回收发电系统"]
    assert "结果与计数限于" not in html


def test_a_query_matching_more_than_the_page_holds_says_the_counts_are_partial(client, catalog, monkeypatch):
    from usefirst.matching import ranking, search

    monkeypatch.setattr(ranking, "CANDIDATES", 1)
    monkeypatch.setattr(search, "CANDIDATES", 1)
    monkeypatch.setattr(search, "LISTING_MATCHES", 2)
    html = _page(client, q="电池 回收 窑炉")
    assert len(_titles(html)) == 2
    assert "结果与计数限于最新的 2 条匹配" in html


def test_results_sort_by_relevance_or_newest(client, catalog):
    relevance = _titles(_page(client, q="电池 回收"))
    newest = _titles(_page(client, q="电池 回收", sort="newest"))
    assert relevance[0] == "锂离子电池正极材料回收工艺"
    assert newest == ["陶瓷窑炉余热回收发电系统", "锂离子电池正极材料回收工艺", "高效钙钛矿太阳能电池制备技术"]
    assert '<option value="newest" selected>' in _page(client, q="电池", sort="newest")


def test_results_are_paginated(client, catalog):
    first = _page(client, q="电池 回收 窑炉 纺织品", page_size="2")
    second = _page(client, q="电池 回收 窑炉 纺织品", page_size="2", page="2")
    assert len(_titles(first)) == 2
    assert len(_titles(second)) == 2
    assert not set(_titles(first)) & set(_titles(second))
    assert "第 1 / 2 页，共 4 条" in first
    assert "page=2" in first
    past = client.get("/search/", {"q": "电池", "page": "9", "semantic": "0"})
    assert past.status_code == 404
    assert "页码超出范围" in past.content.decode()


def test_an_empty_result_suggests_what_to_try_next(client, catalog):
    html = _page(client, q="不存在的词汇组合喵")
    assert _titles(html) == []
    assert "没有找到包含“不存在的词汇组合喵”的科技成果" in html
    assert "kind=demand" in html  # try the demands instead
    filtered = _page(client, q="钙钛矿", city="韶关市")
    assert _titles(filtered) == []
    assert "去掉筛选条件再试" in filtered


def test_demands_are_searched_on_their_own_tab(client, enterprise, outsider, city_reviewer, catalog):
    demand = make_published_demand(enterprise, outsider, city_reviewer, title="寻求陶瓷釉料配方优化")
    html = _page(client, q="釉料", kind="demand")
    assert _titles(html) == ["寻求陶瓷<mark>釉料</mark>配方优化".replace("<mark>", "").replace("</mark>", "")]
    assert f'href="/demands/{demand.pk}/"' in html
    assert "小型</a>（1）" in html  # the enterprise's size, a filter of demands
    assert "粤北</a>（1）" in html
    assert _titles(_page(client, q="釉料")) == []  # not among the achievements


def test_items_an_outsider_may_not_see_never_appear(client, outsider, unit, owner, reviewer, catalog):
    draft = make_achievement(unit, owner, title="钙钛矿未发布草稿")
    restricted = make_achievement(unit, owner, title="钙钛矿涉密成果")
    restricted.restriction = "defence"
    restricted.save()
    client.force_login(outsider)
    html = _page(client, q="钙钛矿")
    assert _titles(html) == ["高效钙钛矿太阳能电池制备技术"]
    assert draft.title not in html and restricted.title not in html


def test_an_invalid_filter_gets_a_chinese_message(client, catalog):
    response = client.get("/search/", {"q": "电池", "city": "火星市", "semantic": "0"})
    assert response.status_code == 400
    assert "筛选条件“地市”的取值无效：火星市" in response.content.decode()


@pytest.mark.parametrize(
    "q",
    [
        "",
        "   ",
        "电池" * 5000,
        "x" * 10_000,
        "#%&！！！……",
        '" * : ( ) AND OR NEAR -',
        '电池" OR "x',
        "NEAR(电池 回收)",
        "电池 -回收 *",
        "5G天线 design 2024年 锂电池3.7V",
        "<script>",
        "\x00\x1f控制字符",
    ],
)
def test_bad_input_never_errors(client, catalog, q):
    html = _page(client, q=q)
    assert "检索成果与需求" in html


def test_a_nul_character_in_a_filter_is_no_server_error(client, catalog):
    response = client.get("/search/", {"q": "电池\x00", "field": "\x00", "city": "广州市\x00", "semantic": "0"})
    assert response.status_code == 200
    assert "锂离子电池正极材料回收工艺" in _titles(response.content.decode())


def test_a_symbol_only_query_lists_everything_and_says_why(client, catalog):
    html = _page(client, q="#%&")
    assert len(_titles(html)) == 12
    assert "关键词中没有可检索的文字或数字" in html


def test_an_enormous_query_is_cut_and_still_finds(client, catalog):
    html = _page(client, q="钙钛矿" + "啊" * 10_000)
    assert "关键词过长" in html
    assert "高效钙钛矿太阳能电池制备技术" in _titles(html)


def test_with_semantic_ranking_nonsense_offers_neighbours_apart_not_as_results(
    client, unit, owner, reviewer, encoder, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        make_published_achievement(unit, owner, reviewer, title="陶瓷窑炉余热回收发电系统", keywords="余热回收")
        make_published_achievement(unit, owner, reviewer, title="低功耗边缘计算芯片", keywords="芯片")
    response = client.get("/search/", {"q": "瓷窑烟气热能再利用喵"})
    assert response.status_code == 200
    html = response.content.decode()
    assert _titles(html) == []
    assert "语义相近的科技成果" in html
    assert "陶瓷窑炉余热回收发电系统" in html
    matched = client.get("/search/", {"q": "余热回收"}).content.decode()
    assert _titles(matched) == ["陶瓷窑炉余热回收发电系统"]
    assert "语义相似度" in matched
