"""At 375 px none of the import and plan project pages scrolls sideways (headless Debian
Chromium, as in usefirst/core/tests/test_layout_375.py); wide tables scroll inside their box."""

from pathlib import Path

import pytest
from django.test import Client

from usefirst.core.excel import ImportRowsInvalid
from usefirst.plan_projects.models import ImportBatch
from usefirst.plan_projects.services import plan_projects_import

from .builders import plan_project_file, plan_project_row

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
def test_no_import_page_scrolls_sideways_at_375_px(live_server, tmp_path, monkeypatch, provincial_reviewer, owner):
    from playwright.sync_api import sync_playwright

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    long_title = "一种用于高通量测序数据的超长名称分析方法及其在精准医疗中的应用研究" * 3
    plan_projects_import(
        actor=provincial_reviewer,
        file=plan_project_file([plan_project_row(f"2021B01010100{i:02d}", title=long_title) for i in range(25)]),
    )
    with pytest.raises(ImportRowsInvalid):
        plan_projects_import(
            actor=provincial_reviewer, file=plan_project_file([plan_project_row("X1", category="不存在的类别" * 5)])
        )
    refused = ImportBatch.objects.filter(outcome="refused").get()

    sessions = {}
    for user in (provincial_reviewer, owner):
        own_client = Client()
        own_client.force_login(user)
        sessions[user.pk] = own_client.cookies["sessionid"].value
    pages = {
        provincial_reviewer.pk: [
            "/plan-projects/",
            "/plan-projects/?category=key_technology&page=2",
            "/plan-projects/import/",
            "/plan-projects/batches/",
            f"/plan-projects/batches/{refused.pk}/",
        ],
        owner.pk: ["/imports/achievements/", "/plan-projects/batches/"],
    }
    too_wide, failures = {}, {}
    with sync_playwright() as playwright:
        for user_id, paths in pages.items():
            context = playwright.chromium.launch_persistent_context(
                str(tmp_path / f"profile-{user_id}"),
                executable_path=CHROMIUM,
                headless=True,
                args=CHROMIUM_ARGS,
                viewport={"width": WIDTH, "height": 800},
                locale="zh-CN",
            )
            try:
                context.add_cookies([{"name": "sessionid", "value": sessions[user_id], "url": live_server.url}])
                page = context.new_page()
                for path in paths:
                    response = page.goto(live_server.url + path, wait_until="load")
                    if not response or response.status != 200 or "/accounts/login/" in page.url:
                        failures[path] = response.status if response else 0
                    width = page.evaluate("document.documentElement.scrollWidth")
                    name = path.strip("/").replace("/", "_").replace("?", "_").replace("&", "_")
                    page.screenshot(path=str(tmp_path / f"{user_id}-{name}.png"))
                    if width > WIDTH:
                        too_wide[path] = width
            finally:
                context.close()
    assert not failures, failures
    assert not too_wide, f"pages wider than {WIDTH} px: {too_wide}"
