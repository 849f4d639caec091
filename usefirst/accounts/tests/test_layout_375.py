"""At 375 px the accounts pages do not scroll sideways (headless Debian Chromium, live server)."""

from __future__ import annotations

import os
import shutil
from datetime import timedelta
from pathlib import Path

import pytest
from django.test import Client
from django.utils import timezone

from usefirst.accounts.models import Membership, OrganisationKind, OrganisationStatus
from usefirst.accounts.roles import reviewing_department
from usefirst.accounts.services.people import person_register
from usefirst.core.identifiers import IdKind, resident_id_check_char
from usefirst.core.testing import make_org, make_user

CHROMIUM = "/usr/bin/chromium"
WIDTH = 375
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium is not installed (scripts/system-packages.sh)"),
]


def _pages_for(owner, unit, reviewer):
    body = "44010619900101888"
    now = timezone.now()
    person_register(
        actor=owner,
        unit=unit,
        full_name="欧阳长名字测试人员",
        id_kind=IdKind.MAINLAND,
        id_number=body + resident_id_check_char(body),
        phone="13800138000",
        notice_given_at=now - timedelta(minutes=1),
        consent_at=now,
        consent_method="书面同意书",
    )
    make_user(unit, role=Membership.Role.STAFF, email="a-very-long-address-for-layout-checks@example-university.edu.cn")
    agency = make_org(OrganisationKind.AGENCY, name="广东省某某某某技术转移转化服务中心有限公司（长名称测试）")
    agency.status = OrganisationStatus.SUBMITTED
    agency.reviewing_department = reviewing_department(agency)
    agency.save()
    as_owner = [
        "/accounts/workspace/",
        "/accounts/staff/",
        "/accounts/people/",
        "/accounts/people/add/",
        "/accounts/password/change/",
    ]
    as_reviewer = ["/review/organisations/", f"/review/organisations/{agency.pk}/"]
    return as_owner, as_reviewer


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_accounts_pages_do_not_scroll_sideways_at_375_px(live_server, tmp_path, monkeypatch, owner, unit, provincial_reviewer):
    from playwright.sync_api import sync_playwright

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    as_owner, as_reviewer = _pages_for(owner, unit, provincial_reviewer)
    sessions = {}
    for user in (owner, provincial_reviewer):
        own_client = Client()  # one client each: a second login would flush the first session
        own_client.force_login(user)
        sessions[user.pk] = own_client.cookies["sessionid"].value
    shots = tmp_path / "screenshots"
    shots.mkdir()
    too_wide: dict[str, int] = {}
    failures: dict[str, int] = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        try:
            for user, paths in ((owner, as_owner), (provincial_reviewer, as_reviewer)):
                context = browser.new_context(viewport={"width": WIDTH, "height": 800}, locale="zh-CN")
                context.add_cookies([{"name": "sessionid", "value": sessions[user.pk], "url": live_server.url}])
                page = context.new_page()
                for path in paths:
                    response = page.goto(live_server.url + path, wait_until="load")
                    if response is None or response.status != 200 or not page.url.endswith(path):
                        failures[path] = response.status if response else 0
                    page.screenshot(path=str(shots / f"{path.strip('/').replace('/', '_')}.png"), full_page=True)
                    width = page.evaluate("document.documentElement.scrollWidth")
                    if width > WIDTH:
                        too_wide[path] = width
                context.close()
        finally:
            browser.close()
    kept = os.environ.get("USEFIRST_SCREENSHOT_DIR")
    if kept:
        shutil.copytree(shots, kept, dirs_exist_ok=True)
    assert not failures, failures
    assert not too_wide, f"wider than {WIDTH} px: {too_wide}; screenshots in {shots}"
