"""Every page of the demo, for the public and for every demo role, passes axe-core's WCAG 2.1 A
and AA rules (and its best practices) with no serious or critical violation.

The pages are the ones the link crawler reaches (test_every_link.py: from the home page for the
public, from the workspace for each signed-in role, links of one shape followed twice at most);
each is opened in Chromium at 1,366 px and checked by axe-core in the page, as it is shown to
that person. Each test prints the pages it checked and the violations by impact, so a run's
output says how much was covered:

    .venv/bin/pytest usefirst/tests/journeys/test_accessibility.py -m browser -p no:randomly -s
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Any

import pytest

from usefirst.core.layout_check import BROWSER_MARKS
from usefirst.demo.logins import DEMO_LOGINS

from .conftest import login
from .test_every_link import crawl

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = BROWSER_MARKS

# WCAG 2.0 and 2.1, levels A and AA, and axe's best practices (landmarks, one h1, heading order).
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]},
    "resultTypes": ["violations"],
}
FAILING = ("serious", "critical")


def _violations(page: Page) -> list[dict[str, Any]]:
    from axe_playwright_python.sync_playwright import Axe

    return list(Axe().run(page, options=AXE_OPTIONS).response["violations"])


def check_pages(page: Page, demo_url: str, who: str, paths: list[str]) -> list[str]:
    """Open each page and run axe on it; returns one line per failing (page, rule)."""
    failures: list[str] = []
    impacts: Counter[str] = Counter()
    for path in paths:
        page.goto(demo_url + path)
        for violation in _violations(page):
            impacts[violation["impact"]] += len(violation["nodes"])
            if violation["impact"] in FAILING:
                targets = ", ".join(" ".join(map(str, node["target"])) for node in violation["nodes"][:3])
                failures.append(
                    f"{path}: {violation['id']} ({violation['impact']}, {len(violation['nodes'])} 处) {violation['help']} — {targets}"
                )
    found = ", ".join(f"{impact} {n}" for impact, n in sorted(impacts.items())) or "none"
    print(f"\naxe {who}: {len(paths)} pages checked; violations by impact: {found}")
    return failures


def test_the_check_catches_a_critical_violation(page):
    """The checker is not vacuous: an image without a text alternative is a critical violation."""
    page.set_content('<!doctype html><html lang="zh-CN"><title>t</title><main><h1>t</h1><img src="x.png"></main></html>')
    assert {(v["id"], v["impact"]) for v in _violations(page)} >= {("image-alt", "critical")}


def test_every_public_page_passes_axe(demo_url, page):
    paths: list[str] = []
    crawl(page.context.request, demo_url, "/", pages=paths)
    assert len(paths) > 10
    failures = check_pages(page, demo_url, "public", paths)
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("demo_login", DEMO_LOGINS, ids=[d.email.split("@")[0] for d in DEMO_LOGINS])
def test_every_page_of_every_role_passes_axe(demo_url, page, demo_login):
    login(page, demo_url, demo_login.email)
    paths: list[str] = []
    crawl(page.context.request, demo_url, "/accounts/workspace/", pages=paths)
    assert len(paths) > 5
    failures = check_pages(page, demo_url, demo_login.email.split("@")[0], paths)
    assert not failures, f"{demo_login.role}（{demo_login.email}）:\n" + "\n".join(failures)
