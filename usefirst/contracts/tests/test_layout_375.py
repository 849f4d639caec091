"""At 375 px the open-licence pages, the drafting form and a contract stating its grant do not
scroll sideways (headless Debian Chromium, as in usefirst/core/tests/test_layout_375.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client

from usefirst.contracts import services
from usefirst.contracts.models import InventorGrant, Mode
from usefirst.core.dates import today

from .conftest import draft

CHROMIUM = "/usr/bin/chromium"
WIDTH = 375
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium is not installed (scripts/system-packages.sh)"),
]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_open_licence_and_drafting_pages_do_not_scroll_sideways_at_375_px(
    live_server, tmp_path, monkeypatch, owner, unit, enterprise, achievement
):
    from playwright.sync_api import sync_playwright

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    record = services.open_licence_record(
        actor=owner,
        achievement=achievement,
        announcement_number="KF2026" + "0" * 40,
        announced_on=today(),
        fee_terms="许可使用费按年度销售额的百分之三计算且每年不少于人民币二万元整" * 6,
    )
    contract = draft(owner, unit, enterprise, achievement, mode=Mode.COOPERATE_LATER, inventor_grant=InventorGrant.OWNERSHIP)
    client = Client()
    client.force_login(owner)
    session = client.cookies["sessionid"].value
    paths = [
        f"/contracts/achievements/{achievement.pk}/open-licences/",
        f"/contracts/open-licences/{record.pk}/",
        "/contracts/new/",
        f"/contracts/{contract.pk}/",
        f"/achievements/{achievement.pk}/",
    ]
    too_wide: dict[str, int] = {}
    failures: dict[str, int] = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        try:
            context = browser.new_context(viewport={"width": WIDTH, "height": 800}, locale="zh-CN")
            context.add_cookies([{"name": "sessionid", "value": session, "url": live_server.url}])
            page = context.new_page()
            for path in paths:
                response = page.goto(live_server.url + path, wait_until="load")
                if response is None or response.status != 200:
                    failures[path] = response.status if response else 0
                width = page.evaluate("document.documentElement.scrollWidth")
                if width > WIDTH:
                    too_wide[path] = width
            context.close()
        finally:
            browser.close()
    assert not failures, failures
    assert not too_wide, f"wider than {WIDTH} px: {too_wide}"
