"""At 375 px none of the finance pages scrolls sideways (headless Debian Chromium, as in
usefirst/core/tests/test_layout_375.py): the contract's money page with its plan, receipts and
reversal, the forms, a distribution, the inventor's own distributions and the fund ledger.
Wide tables scroll inside their box, not the page."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client

from usefirst.catalog.models import AchievementInventor
from usefirst.core.testing import make_user
from usefirst.finance.demo import seed_contract_finance
from usefirst.finance.models import Distribution, Receipt, ScheduleLine

CHROMIUM = "/usr/bin/chromium"
WIDTH = 375
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-sync"]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium is not installed (scripts/system-packages.sh)"),
]


def session_of(user):
    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_no_finance_page_scrolls_sideways_at_375_px(live_server, monkeypatch, contract, owner, licensee_user, unit):
    from playwright.sync_api import sync_playwright

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    seed_contract_finance(contract=contract, unit_user=owner, licensee_user=licensee_user)
    inventor = AchievementInventor.objects.filter(achievement__contract_links__contract=contract).first().person
    inventor_user = make_user(unit)
    inventor.user = inventor_user
    inventor.save(update_fields=["user"])
    receipt = Receipt.objects.filter(contract=contract, reverses__isnull=True).first()
    royalty = ScheduleLine.objects.filter(plan__contract=contract, report_due__isnull=False).first()
    distribution = Distribution.objects.get(contract=contract)
    owner_session, licensee_session, inventor_session = session_of(owner), session_of(licensee_user), session_of(inventor_user)
    visits = [
        (owner_session, f"/finance/contracts/{contract.pk}/"),
        (owner_session, f"/finance/contracts/{contract.pk}/plan/"),
        (owner_session, f"/finance/contracts/{contract.pk}/receipts/new/"),
        (owner_session, f"/finance/contracts/{contract.pk}/distributions/new/"),
        (owner_session, f"/finance/distributions/{distribution.pk}/"),
        (owner_session, "/finance/fund/"),
        (licensee_session, f"/finance/contracts/{contract.pk}/"),
        (licensee_session, f"/finance/lines/{royalty.pk}/royalty-report/"),
        (inventor_session, "/finance/mine/"),
    ]
    assert receipt is not None
    too_wide: dict[str, int] = {}
    failures: dict[str, int] = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        try:
            for session, path in visits:
                context = browser.new_context(viewport={"width": WIDTH, "height": 800}, locale="zh-CN")
                context.add_cookies([{"name": "sessionid", "value": session, "url": live_server.url}])
                page = context.new_page()
                response = page.goto(live_server.url + path, wait_until="load")
                if response is None or response.status != 200 or "/accounts/login/" in page.url:
                    failures[path] = response.status if response else 0
                width = page.evaluate("document.documentElement.scrollWidth")
                if width > WIDTH:
                    too_wide[path] = width
                context.close()
        finally:
            browser.close()
    assert not failures, failures
    assert not too_wide, f"pages wider than {WIDTH} px: {too_wide}"
