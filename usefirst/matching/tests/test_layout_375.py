"""At 375 px the search page does not scroll sideways (headless Debian Chromium, as in
usefirst/core/tests/test_layout_375.py): long titles, snippets, facets and the empty state wrap."""

from __future__ import annotations

from pathlib import Path

import pytest

from usefirst.catalog.tests.factories import make_published_achievement

CHROMIUM = "/usr/bin/chromium"
WIDTH = 375
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium is not installed (scripts/system-packages.sh)"),
]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_search_page_does_not_scroll_sideways_at_375_px(live_server, monkeypatch, unit, owner, provincial_reviewer):
    from playwright.sync_api import sync_playwright

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    long_title = "一种基于多尺度特征融合与注意力机制的钙钛矿叠层太阳能电池缺陷在线检测方法及其装置系统"
    make_published_achievement(unit, owner, provincial_reviewer, title=long_title, summary="钙钛矿" * 80 + "x" * 120)
    make_published_achievement(unit, owner, provincial_reviewer, title="钙钛矿薄膜制备", summary="连续涂布工艺。")
    paths = [
        "/search/?q=钙钛矿&semantic=0",
        "/search/?q=钙钛矿+不存在的词&semantic=0",
        "/search/?q=没有结果的长长长长长长长长长长长长长长长长长长长长检索词&semantic=0",
        "/search/?kind=demand&q=钙钛矿&semantic=0",
        "/search/?q=" + "x" * 600 + "&semantic=0",
    ]
    too_wide, failures = {}, {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": WIDTH, "height": 800}, locale="zh-CN")
            for path in paths:
                response = page.goto(live_server.url + path, wait_until="load")
                if not response or response.status != 200:
                    failures[path] = response.status if response else 0
                width = page.evaluate("document.documentElement.scrollWidth")
                if width > WIDTH:
                    too_wide[path] = width
        finally:
            browser.close()
    assert not failures, failures
    assert not too_wide, f"pages wider than {WIDTH} px: {too_wide}"
