"""Journey: the public searches the demo catalogue, and an enterprise's demand gets
recommendations once the worker has embedded the demo."""

from __future__ import annotations

import re
import time

from usefirst.core.layout_check import BROWSER_MARKS

from .conftest import login, shot

pytestmark = BROWSER_MARKS

WORKER_WAIT = (
    900  # seconds: the worker embeds ~3,000 demo documents (slower beside the other journeys), then recommends, demands first
)


def _count(text: str) -> int:
    found = re.search(r"共 ([\d,]+) 条", text)
    assert found, text[:500]
    return int(found.group(1).replace(",", ""))


def test_the_public_finds_the_rice_achievements_of_the_demo(demo_url, page):
    page.goto(demo_url + "/search/?q=水稻")
    main = page.inner_text("main")
    shot(page, "search-rice-1366")
    assert _count(main) >= 10
    titles = page.locator("main .card-list h3").all_inner_texts()
    assert titles and all("水稻" in t or "稻" in t for t in titles[:5]), titles[:5]
    page.goto(demo_url + "/achievements/?q=水稻")
    assert _count(page.inner_text("main")) >= 10


def test_a_keyword_listing_pages_through_one_ranked_list(demo_url, phone_page):
    # The ranked matches are kept five minutes and each page cuts its own rows from them: the pages
    # never repeat nor skip an item, and asking again gives the same first page.
    page = phone_page
    page.goto(demo_url + "/achievements/?q=水稻&page_size=5")
    total = _count(page.inner_text("main"))
    first = page.locator("main .card-list h3").all_inner_texts()
    assert len(first) == 5 < total, (len(first), total)
    shot(page, "listing-rice-375")
    page.get_by_role("link", name="下一页").first.click()
    assert "page=2" in page.url
    second = page.locator("main .card-list h3").all_inner_texts()
    assert second and not set(first) & set(second)
    assert _count(page.inner_text("main")) == total
    page.get_by_role("link", name="上一页").first.click()
    assert page.locator("main .card-list h3").all_inner_texts() == first
    assert page.evaluate("document.documentElement.scrollWidth") <= 375


def test_a_common_words_listing_answered_by_the_search_engine_reads_like_any_other(demo_url, phone_page):
    # 算法 is in a few hundred of the demo's achievements: the demo's search engine
    # (matching/engine.py) answers each page, the count and the facets without listing every
    # match; a person sees one ranked list, paged, at 375 px.
    page = phone_page
    page.goto(demo_url + "/achievements/?q=算法&page_size=5")
    main = page.inner_text("main")
    total = _count(main)
    assert total >= 100, total
    assert "先使用后付费：" in page.inner_text("main .facets")
    first = page.locator("main .card-list h3").all_inner_texts()
    assert len(first) == 5
    shot(page, "listing-algorithm-375")
    page.get_by_role("link", name="下一页").first.click()
    second = page.locator("main .card-list h3").all_inner_texts()
    assert len(second) == 5 and not set(first) & set(second)
    assert _count(page.inner_text("main")) == total
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.goto(demo_url + f"/achievements/?q=算法&page_size=5&page={-(-total // 5) + 1}")
    assert "页码超出范围" in page.inner_text("body")


def test_each_listing_card_says_what_its_achievements_page_says_at_375(demo_url, phone_page):
    # The listing reads its page as cards (catalog/cards.py), not whole achievements: a card's
    # unit, field, TRL and modes are the ones its achievement's own page shows.
    page = phone_page
    page.goto(demo_url + "/achievements/?q=水稻&page_size=3")
    cards = page.locator("main .card-list .card")
    assert cards.count() == 3
    for i in range(3):
        card = cards.nth(i)
        title = card.locator("h3").inner_text()
        unit, field, trl, _city = (part.strip() for part in card.locator(".meta").inner_text().split("·"))
        assert " / " in field, field  # the top field, then its sub-field
        tags = card.locator(".tag").all_inner_texts()
        modes = [t for t in tags if t in ("先使用后付费", "先使用后合作", "专利开放许可")]
        card.locator("h3 a").click()
        assert page.locator("h1").inner_text() == title
        meta = page.locator("main .meta").first.inner_text()
        assert unit in meta and field in meta and f"技术成熟度 {trl}" in meta, (meta, unit, field, trl)
        shown = page.locator("main .plain-list").first.all_inner_texts()[0].split("\n")
        assert modes == [m for m in shown if m != "未选择"], (modes, shown)
        if i == 0:
            shot(page, "listing-card-detail-375")
        page.go_back()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375


def test_the_search_page_ranks_two_words_with_the_search_engine_at_375(demo_url, phone_page):
    # Keywords only (semantic=0): the demo's search engine ranks the items holding both words
    # (matching.search.engine_rank); each result says both words matched, pages don't overlap.
    page = phone_page
    page.goto(demo_url + "/search/?semantic=0&page_size=10&q=算法 图像")
    total = _count(page.inner_text("main"))
    assert total > 10, total
    why = page.locator("main .card-list .matching-why").all_inner_texts()
    assert len(why) == 10 and all("算法" in w and "图像" in w for w in why), why
    first = page.locator("main .card-list h3").all_inner_texts()
    shot(page, "search-two-words-375")
    page.get_by_role("link", name="下一页").first.click()
    assert _count(page.inner_text("main")) == total
    second = page.locator("main .card-list h3").all_inner_texts()
    assert second and not set(first) & set(second)
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.goto(demo_url + f"/search/?semantic=0&page_size=10&q=算法 图像&page={-(-total // 10) + 1}")
    assert "页码超出范围" in page.inner_text("body")


def test_a_search_without_words_lists_what_it_counts(demo_url, page):
    page.goto(demo_url + "/search/")
    main = page.inner_text("main")
    assert "暂无科技成果" not in main
    assert page.locator("main .card-list li.card").count() > 0
    # Every published achievement: the demo's 2,807 and any another journey has published since,
    # as many as the catalogue's own listing counts.
    searched = _count(main)
    page.goto(demo_url + "/achievements/")
    assert searched == _count(page.inner_text("main")) >= 2807


def test_an_enterprise_problem_description_finds_its_subject_in_recognisable_words(demo_url, page):
    problem = (
        "我公司是一家位于韶关市的小型企业，主要从事高性能复合材料的研发与生产。目前在锂电池正极材料方面"
        "存在技术瓶颈，需要提高循环寿命和降低成本的相关技术，希望与高校合作，可采用先使用后付费方式。"
    )
    page.goto(demo_url + "/search/?q=" + problem)
    shot(page, "search-problem-1366")
    terms = page.locator("main p.meta", has_text="检索词").inner_text()
    assert "锂电池" in terms and "正极" in terms
    for generic in ("位于", "从事", "小型企业", "我公司", "需要", "希望"):
        assert generic not in terms, f"{generic} shown as a search term: {terms}"
    reasons = " ".join(page.locator("main .card-list .matching-why").all_inner_texts())
    assert "锂电池" in reasons


def test_an_enterprise_demand_gets_recommendations_with_reasons_a_person_reads(demo_url, page):
    login(page, demo_url, "enterprise-admin@usefirst.example")
    page.goto(demo_url + "/workspace/demands/")
    page.locator("main tr", has_text="已发布").first.locator("a").first.click()
    demand_url = page.url
    deadline = time.monotonic() + WORKER_WAIT
    while "推荐的科技成果" not in page.inner_text("main"):
        assert time.monotonic() < deadline, "no recommendations for the demo demand after the worker's wait"
        time.sleep(5)
        page.goto(demand_url)
    shot(page, "demand-recommendations-1366")
    reasons = page.locator("main .matching-recs .matching-why").all_inner_texts()
    assert reasons and all(r.startswith("推荐理由") for r in reasons)
    # The pieces of a matched word (等离子体 → 离子, 子体) are not offered as reasons of their own.
    for reason in reasons:
        words = re.search(r"共同关键词 ([^（；]*)", reason)
        if words:
            shown = words.group(1).split("、")
            assert not [w for w in shown if any(w != o and w in o for o in shown)], reason
