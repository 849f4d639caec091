"""The demo site answers as a newcomer meets it: the public pages open, and every demo login
signs in and lands on its workspace, at 1,366 and 375 px."""

from __future__ import annotations

import pytest

from usefirst.core.layout_check import BROWSER_MARKS
from usefirst.demo.logins import DEMO_LOGINS

from .conftest import login, shot

pytestmark = BROWSER_MARKS


def test_the_public_opens_the_home_page_and_the_catalogue(demo_url, page, phone_page):
    page.goto(demo_url + "/")
    assert page.title()
    shot(page, "public-home-1366")
    phone_page.goto(demo_url + "/")
    assert "最新科技成果" in phone_page.inner_text("main")
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= phone_page.viewport_size["width"], f"the home page at 375 px scrolls sideways ({width} px)"
    shot(phone_page, "public-home-375")
    page.goto(demo_url + "/achievements/")
    assert "2807" in page.inner_text("main").replace(",", "")
    shot(page, "public-achievements-1366")


@pytest.mark.parametrize("demo_login", DEMO_LOGINS, ids=[d.email.split("@")[0] for d in DEMO_LOGINS])
def test_every_demo_login_signs_in_and_lands_on_its_workspace(demo_url, page, phone_page, demo_login):
    for viewport, p in (("1366", page), ("375", phone_page)):
        login(p, demo_url, demo_login.email)
        assert p.url.rstrip("/").endswith("/accounts/workspace"), p.url
        assert "工作台" in p.inner_text("main")
        width = p.evaluate("document.documentElement.scrollWidth")
        assert width <= p.viewport_size["width"], f"{demo_login.email} at {viewport} px scrolls sideways ({width} px)"
        shot(p, f"workspace-{demo_login.email.split('@')[0]}-{viewport}")
