"""At 375 px the contract list, a signed contract, the drafting page, the standard texts and
the verification page (with the report of a signed PDF) do not scroll sideways (headless Debian
Chromium, as in usefirst/core/tests/test_layout_375.py). The open-licence pages are checked in
test_layout_375.py."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client

from usefirst.contracts import services
from usefirst.contracts.models import ContractTemplate

from .conftest import draft, sign_all

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
def test_no_contract_page_scrolls_sideways_at_375_px(
    live_server, tmp_path, monkeypatch, platform_ca, owner, unit, enterprise, achievement, licensee_signer, provincial_admin
):
    from playwright.sync_api import sync_playwright

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    signed = sign_all(
        draft(owner, unit, enterprise, achievement, scope="在乙方生产线上使用该芯片设计方法制造产品" * 20),
        owner,
        licensee_signer,
    )
    drafted = draft(owner, unit, enterprise, achievement, field_of_use="物联网终端与工业控制设备" * 10)
    pdf = tmp_path / "signed.pdf"
    with services.current_document(signed).file.open("rb") as handle:
        pdf.write_bytes(handle.read())
    template = ContractTemplate.objects.filter(status="published").order_by("pk").first()
    owner_session, admin_session = session_of(owner), session_of(provincial_admin)
    visits = [
        (owner_session, "/contracts/"),
        (owner_session, f"/contracts/{signed.pk}/"),
        (owner_session, f"/contracts/{drafted.pk}/"),
        (owner_session, "/contracts/new/"),
        (owner_session, "/contracts/templates/"),
        (admin_session, "/contracts/templates/"),
        (admin_session, f"/contracts/templates/{template.pk}/"),
        (admin_session, f"/contracts/{signed.pk}/"),
        (None, "/contracts/verify/"),
    ]
    too_wide: dict[str, int] = {}
    failures: dict[str, int] = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        try:

            def visit(session, path):
                context = browser.new_context(viewport={"width": WIDTH, "height": 800}, locale="zh-CN")
                if session:
                    context.add_cookies([{"name": "sessionid", "value": session, "url": live_server.url}])
                page = context.new_page()
                response = page.goto(live_server.url + path, wait_until="load")
                if response is None or response.status != 200 or "/accounts/login/" in page.url:
                    failures[path] = response.status if response else 0
                return context, page

            def measure(label, page):
                width = page.evaluate("document.documentElement.scrollWidth")
                if width > WIDTH:
                    too_wide[label] = width

            for session, path in visits:
                context, page = visit(session, path)
                measure(path, page)
                context.close()
            # the verification report of a signed PDF: hashes and signers
            context, page = visit(None, "/contracts/verify/")
            page.set_input_files("input[type=file]", str(pdf))
            with page.expect_navigation(wait_until="load"):
                page.click("button[type=submit]")
            assert "验证结果" in page.content()
            measure("/contracts/verify/ (report)", page)
            context.close()
        finally:
            browser.close()
    assert not failures, failures
    assert not too_wide, f"pages wider than {WIDTH} px: {too_wide}"
