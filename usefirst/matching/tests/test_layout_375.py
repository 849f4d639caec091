"""At 375 px the search page does not scroll sideways (headless Debian Chromium, as in
usefirst/core/tests/test_layout_375.py): long titles, snippets, facets and the empty state wrap."""

from __future__ import annotations

import pytest

from usefirst.catalog.tests.factories import make_published_achievement
from usefirst.core.layout_check import BROWSER_MARKS, WIDTH, pages_wider_than

pytestmark = BROWSER_MARKS


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_search_page_does_not_scroll_sideways_at_375_px(live_server, monkeypatch, unit, owner, provincial_reviewer):
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
    failures, too_wide = pages_wider_than(live_server.url, [(None, path) for path in paths])
    assert not failures, failures
    assert not too_wide, f"pages wider than {WIDTH} px: {too_wide}"
