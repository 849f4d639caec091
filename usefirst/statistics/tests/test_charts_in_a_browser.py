"""The charts draw in a real browser under the site's Content-Security-Policy: ECharts from the
site's own static files, the data from the JSON block, no policy violation."""

from __future__ import annotations

from decimal import Decimal

import pytest

from usefirst.core.layout_check import BROWSER_MARKS, CHROMIUM, CHROMIUM_ARGS
from usefirst.core.testing import make_user
from usefirst.statistics import rollup

from .builders import deal, enterprises, units


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@BROWSER_MARKS[0]
@BROWSER_MARKS[1]
def test_the_public_statistics_draw_their_charts_without_a_policy_violation(live_server):
    from playwright.sync_api import sync_playwright

    clerk = make_user()
    for unit, firm in zip(units(3), enterprises(3), strict=True):
        deal(unit, firm, user=clerk, received=Decimal("1000.00"))
    rollup.refresh()
    violations: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.on("console", lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text else None)
        page.goto(f"{live_server.url}/statistics/")
        page.wait_for_selector("[data-chart] canvas", timeout=20000)
        drawn = page.locator("[data-chart] canvas").count()
        browser.close()
    assert drawn >= 1
    assert violations == []
