"""At 375 px none of the matchmaking pages scrolls sideways (headless Debian Chromium, as in
usefirst/core/tests/test_layout_375.py); wide tables scroll inside their box."""

from pathlib import Path

import pytest
from django.test import Client

from usefirst.matchmaking import services
from usefirst.matchmaking.choices import DeclineReason

from .factories import intent_on, talking

CHROMIUM = "/usr/bin/chromium"
WIDTH = 375
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-sync",
]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium is not installed (scripts/system-packages.sh)"),
]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_no_matchmaking_page_scrolls_sideways_at_375_px(
    live_server, tmp_path, monkeypatch, achievement, demand, buyer, seller, stranger, agency
):
    from playwright.sync_api import sync_playwright

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    engagement = talking(achievement, buyer, seller)
    services.engagement_propose_facilitator(actor=buyer, engagement=engagement, agency=agency)
    services.engagement_propose_agreement(actor=buyer, engagement=engagement)
    for n in range(3):
        services.message_post(actor=buyer, engagement=engagement, body="很长的留言内容没有空格" * 30 + "x" * 200 + str(n))
    declined = intent_on(achievement, stranger)
    services.engagement_decline(actor=seller, engagement=declined, reason=DeclineReason.OTHER, detail="说明" * 200)

    client = Client()
    client.force_login(seller)
    session = client.cookies["sessionid"].value
    paths = [
        "/matchmaking/",
        "/matchmaking/?status=talking",
        f"/matchmaking/{engagement.pk}/",
        f"/matchmaking/{declined.pk}/",
        "/matchmaking/decline-reasons/",
        f"/matchmaking/new/?demand_id={demand.pk}",
        f"/demands/{demand.pk}/",
    ]
    too_wide, failures = {}, {}
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path / "profile"),
            executable_path=CHROMIUM,
            headless=True,
            args=CHROMIUM_ARGS,
            viewport={"width": WIDTH, "height": 800},
            locale="zh-CN",
        )
        try:
            context.add_cookies([{"name": "sessionid", "value": session, "url": live_server.url}])
            page = context.new_page()
            for path in paths:
                response = page.goto(live_server.url + path, wait_until="load")
                if not response or response.status != 200 or "/accounts/login/" in page.url:
                    failures[path] = response.status if response else 0
                width = page.evaluate("document.documentElement.scrollWidth")
                if width > WIDTH:
                    too_wide[path] = width
        finally:
            context.close()
    assert not failures, failures
    assert not too_wide, f"pages wider than {WIDTH} px: {too_wide}"
