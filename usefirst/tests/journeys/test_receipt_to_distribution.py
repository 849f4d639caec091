"""Journey: a receipt the unit recorded is confirmed by the paying enterprise, then counts and is
distributed to the inventors, on the demo's main licence."""

from __future__ import annotations

import re

from usefirst.core.layout_check import BROWSER_MARKS

from .conftest import login, shot

pytestmark = BROWSER_MARKS


def _received(text: str) -> str:
    found = re.search(r"累计实际到账：([\d,.]+) 元", text)
    assert found, text[:400]
    return found.group(1)


def test_the_enterprise_confirms_a_receipt_and_the_unit_distributes_it(demo_url, page, browser):
    # The enterprise opens its workspace: one receipt waits for its confirmation.
    login(page, demo_url, "enterprise-admin@usefirst.example")
    page.goto(demo_url + "/accounts/workspace/")
    todo = page.locator(".todo", has_text="待确认的到账")
    assert todo.locator(".todo-count").inner_text() == "1"
    todo.locator("a").click()
    shot(page, "receipts-to-confirm-enterprise-1366")
    card = page.locator("main section.card", has_text="36,000.00 元")
    finance_page = card.locator("dd a").first.get_attribute("href")
    # Confirming without ticking "checked" changes nothing (the browser asks for the tick).
    card.get_by_role("button", name="确认到账").click()
    assert page.locator("main section.card", has_text="36,000.00 元").count() == 1
    card.locator("input[name=checked]").check()
    card.get_by_role("button", name="确认到账").click()
    page.wait_for_load_state("load")
    assert "已确认到账 36,000.00 元" in page.inner_text("main")
    assert "暂无待确认的到账" in page.inner_text("main")

    # The unit sees the receipt confirmed by the payer, and it now counts.
    unit = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN").new_page()
    try:
        login(unit, demo_url, "university-admin@usefirst.example")
        unit.goto(demo_url + finance_page)
        text = unit.inner_text("main")
        assert "已确认（付款方确认）" in text and "待付款方确认" not in text
        assert _received(text) == "3,236,000.00"  # 3,200,000.00 confirmed before, and the 36,000.00 now
        shot(unit, "contract-finance-unit-1366")
        unit.get_by_role("link", name="核算收益分配").click()
        unit.fill("#inventor_pct", "70")
        unit.fill("#unit_pct", "20")
        unit.fill("#fund_pct", "10")
        unit.get_by_role("button", name="试算").click()
        unit.get_by_role("button", name="确认并保存").click()
        unit.wait_for_load_state("load")
        shot(unit, "distribution-unit-1366")
        assert "36000.00" in unit.inner_text("main") or "36,000.00" in unit.inner_text("main")
    finally:
        unit.context.close()
