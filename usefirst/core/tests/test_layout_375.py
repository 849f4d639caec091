"""At 375 px (a small phone) no page scrolls sideways: each key page is loaded in headless
Debian Chromium through Django's live server, measured, and screenshotted.

Playwright drives the system's /usr/bin/chromium; it never downloads a browser of its own.
"""

import os
import shutil
from pathlib import Path

import pytest

from usefirst.core.testing import make_user

CHROMIUM = "/usr/bin/chromium"
WIDTH = 375
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

PUBLIC_PAGES = ["/", "/achievements/", "/demands/", "/accounts/login/", "/accounts/register/"]
SIGNED_IN_PAGES = [
    "/accounts/workspace/",
    "/notifications/",
    "/notifications/preferences/",
    "/policy/parameters/",
]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium is not installed (scripts/system-packages.sh)"),
]


def _detail_pages(owner, reviewer, enterprise_user):
    """Detail pages of one published achievement and one published demand, where the catalog has them."""
    try:
        from usefirst.catalog.tests.factories import make_published_achievement, make_published_demand
    except ImportError:  # the catalog's builders are not there yet
        return [], []
    from usefirst.accounts import roles

    unit = roles.active_memberships(owner).first().organisation
    enterprise = roles.active_memberships(enterprise_user).first().organisation
    city_reviewer = make_user(enterprise.reviewing_department)
    achievement = make_published_achievement(unit, owner, reviewer)
    demand = make_published_demand(enterprise, enterprise_user, city_reviewer)
    public = [f"/achievements/{achievement.pk}/", f"/demands/{demand.pk}/"]
    for_reviewers = [f"/achievements/{achievement.pk}/history/", "/review/achievements/"]
    return public, for_reviewers


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_no_key_page_scrolls_sideways_at_375_px(
    live_server, client, tmp_path, monkeypatch, provincial_admin, provincial_reviewer, owner, outsider
):
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the database calls made here
    # (fixtures, live-server teardown) are synchronous and safe.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    details, reviewer_pages = _detail_pages(owner, provincial_reviewer, outsider)
    public = PUBLIC_PAGES + details
    signed_in = SIGNED_IN_PAGES + reviewer_pages
    client.force_login(provincial_admin)
    session_id = client.cookies["sessionid"].value

    shots = tmp_path / "screenshots"
    shots.mkdir()
    profile = tmp_path / "chromium-profile"
    too_wide: dict[str, int] = {}
    failures: dict[str, int] = {}
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(profile),
            executable_path=CHROMIUM,
            headless=True,
            args=CHROMIUM_ARGS,
            viewport={"width": WIDTH, "height": 800},
            locale="zh-CN",
        )
        try:
            page = context.new_page()
            for with_session, paths in ((False, public), (True, signed_in)):
                if with_session:
                    context.add_cookies([{"name": "sessionid", "value": session_id, "url": live_server.url}])
                for path in paths:
                    response = page.goto(live_server.url + path, wait_until="load")
                    status = response.status if response else 0
                    if status != 200:
                        failures[path] = status
                    width = page.evaluate("document.documentElement.scrollWidth")
                    name = ("in-" if with_session else "") + (path.strip("/").replace("/", "_") or "home")
                    page.screenshot(path=str(shots / f"{name}.png"), full_page=True)
                    if width > WIDTH:
                        too_wide[path] = width
        finally:
            context.close()
    kept = os.environ.get("USEFIRST_SCREENSHOT_DIR")
    if kept:  # keep the screenshots for a person to look at
        shutil.copytree(shots, kept, dirs_exist_ok=True)
    assert not failures, f"pages that did not load: {failures}"
    assert not too_wide, f"pages wider than {WIDTH} px (scrollWidth): {too_wide}; screenshots in {shots}"
    assert len(list(shots.glob("*.png"))) == len(public) + len(signed_in)
