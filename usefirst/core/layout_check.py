"""What the browser layout tests share: does a page fit a 375 px phone screen?

Each app's tests/test_layout_375.py builds its data, then hands `pages_wider_than` a list of
visits, (session cookie or None, path), and asserts that every page opened and none is wider
than the screen (`document.documentElement.scrollWidth`). Playwright drives Debian's
/usr/bin/chromium through Django's live server; it never downloads a browser of its own, and
the tests are skipped where Chromium is not installed (`BROWSER_MARKS`).
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple
from urllib.parse import unquote, urlsplit

import pytest
from django.test import Client

from .actors import Actor

if TYPE_CHECKING:
    from playwright.sync_api import Page, Request

CHROMIUM = "/usr/bin/chromium"
WIDTH = 375
HEIGHT = 800
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

# pytestmark of every layout test module
BROWSER_MARKS = [
    pytest.mark.browser,
    # One test process runs them all (pytest-xdist's loadgroup): one demo site, one Chromium.
    pytest.mark.xdist_group("browser"),
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium is not installed (scripts/system-packages.sh)"),
]


class Visit(NamedTuple):
    """One page to open: with `session` (a sessionid cookie) or anonymously (None). `then`
    acts on the loaded page before it is measured (fill a form, say) and `label` names the
    result in the report (the path by default)."""

    session: str | None
    path: str
    then: Callable[[Page], object] | None = None
    label: str | None = None


def session_of(user: Actor) -> str:
    """A sessionid cookie value signed in as `user`; one client each, so a second login does
    not flush the first session."""
    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


def _moved(request: Request, landed: str, path: str) -> bool:
    """Whether the browser ended up elsewhere than `path`: redirected (to the login page, say)."""
    return request.redirected_from is not None or unquote(urlsplit(landed).path) != urlsplit(path).path


def pages_wider_than(
    live_server_url: str,
    visits: Iterable[Visit | tuple[str | None, str]],
    *,
    width: int = WIDTH,
    shots: Path | None = None,
) -> tuple[dict[str, int], dict[str, int]]:
    """Open each visit in a fresh browser context `width` px wide (zh-CN) and return
    ({label: status} of the pages that did not open, {label: scrollWidth} of the pages wider
    than `width`). A page did not open when it answered other than 200 or was redirected (to
    the login page, say). With `shots`, a full-page screenshot of each page is written there,
    and copied to $USEFIRST_SCREENSHOT_DIR/<shots' name> when that is set."""
    from playwright.sync_api import sync_playwright

    failures: dict[str, int] = {}
    too_wide: dict[str, int] = {}
    if shots:
        shots.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            for n, visit in enumerate(Visit(*v) for v in visits):
                label = visit.label or visit.path
                context = browser.new_context(viewport={"width": width, "height": HEIGHT}, locale="zh-CN")
                try:
                    if visit.session:
                        context.add_cookies([{"name": "sessionid", "value": visit.session, "url": live_server_url}])
                    page = context.new_page()
                    response = page.goto(live_server_url + visit.path, wait_until="load")
                    if response is None or response.status != 200 or _moved(response.request, page.url, visit.path):
                        failures[label] = response.status if response else 0
                    if visit.then:
                        visit.then(page)
                    if shots:
                        name = re.sub(r"[^\w.-]+", "_", label.strip("/"))[:80] or "home"
                        page.screenshot(path=str(shots / f"{n:02d}-{name}.png"), full_page=True)
                    scroll_width = page.evaluate("document.documentElement.scrollWidth")
                    if scroll_width > width:
                        too_wide[label] = scroll_width
                finally:
                    context.close()
        finally:
            browser.close()
    kept = os.environ.get("USEFIRST_SCREENSHOT_DIR")
    if shots and kept:  # for a person to look at
        shutil.copytree(shots, Path(kept) / shots.name, dirs_exist_ok=True)
    return failures, too_wide
