"""Journey: risk sharing in the use-first deal (issue 14's "Done when"), page by page on the demo
(usefirst/demo/risk.py and usefirst/demo/performance.py), as each party meets it:

1. the insurer sees its published product;
2. the licensor unit reads a quote on a demo contract, with its premium subsidy;
3. the guarantor sees an application waiting for its decision;
4. the insurer's issued policy, paid and in force;
5. the overdue installment's automatic claim, offered by the platform;
6. the guarantee called, paid and the guarantor's recourse recorded;
7. the payment-mode simulator's comparison for one deal;
8. the enterprise's performance record, read by the insurer it consented to and refused to the
   guarantor whose consent it revoked;
9. the risk dashboards of the insurer, the guarantor and the province, at 1,366 and 375 px.

It only reads: nothing here changes the demo for the other journeys."""

from __future__ import annotations

import re

from usefirst.core.layout_check import BROWSER_MARKS

from .conftest import DESKTOP, PHONE, login, shot

pytestmark = BROWSER_MARKS

INSURER = "insurer@usefirst.example"
GUARANTOR = "guarantor@usefirst.example"
UNIT = "university-admin@usefirst.example"
PROVINCE = "province-reviewer@usefirst.example"
BOND = "“先用后转”许可费履约保证保险"
GUARANTEE = "“先用后转”许可费履约担保"
BOND_POLICY = "PICC-LY-2026-0015"
GUARANTEE_POLICY = "DB-2026-0008"


def _as(browser, demo_url: str, email: str, viewport: dict[str, int] = DESKTOP):
    page = browser.new_context(viewport=viewport, locale="zh-CN", accept_downloads=True).new_page()
    page.context.set_default_timeout(30_000)
    login(page, demo_url, email)
    return page


def _fits(page, width: int) -> None:
    scroll = page.evaluate("document.documentElement.scrollWidth")
    assert scroll <= width + 1, f"{page.url} is {scroll} px wide at {width} px"


def test_risk_sharing_from_product_to_recourse_and_the_dashboards(demo_url, page, browser):
    # 1. The insurer sees its product published (after the province's review).
    login(page, demo_url, INSURER)
    page.goto(demo_url + "/accounts/workspace/")
    page.get_by_role("link", name="本机构产品").first.click()
    row = page.locator("main tr", has_text=BOND)
    assert "已发布" in row.inner_text()
    row.get_by_role("link", name=BOND).click()
    assert BOND in page.inner_text("main h1") and "已发布" in page.inner_text("main")
    shot(page, "risk-product-insurer-1366")

    # 4. Its policy on the demo licence: issued, the premium paid, in force.
    page.goto(demo_url + "/risk/policies/")
    page.get_by_role("link", name=BOND_POLICY, exact=True).click()
    main = page.inner_text("main")
    assert "保障中" in main and "已缴" in main and "核保材料（PDF）" in main
    shot(page, "risk-policy-insurer-1366")

    # 5. The first installment is 100 days overdue: the platform opened the claim by itself.
    page.goto(demo_url + "/risk/policies/")
    page.get_by_role("link", name=f"{BOND_POLICY}-C01").click()
    main = page.inner_text("main")
    assert "平台按付款逾期自动发起" in main and "已报案" in main
    shot(page, "risk-automatic-claim-insurer-1366")

    # 8. The enterprise consented to this insurer: its performance record opens, the view noted.
    page.goto(demo_url + "/performance/shared/")
    page.locator("main table a").first.click()
    record_url = page.url
    main = page.inner_text("main")
    assert "履约信用档案" in main and "本次查看已记录" in main
    shot(page, "risk-performance-record-insurer-1366")

    # 2. The licensor unit reads the quotes on that contract, each with its premium subsidy.
    unit = _as(browser, demo_url, UNIT)
    try:
        unit.goto(demo_url + "/risk/policies/")
        unit.get_by_role("link", name=BOND_POLICY, exact=True).click()
        unit.locator("main dl a[href*='/cover/']").click()
        cover_url = unit.url
        contract_pk = re.search(r"/contracts/(\d+)/cover/", cover_url)
        assert contract_pk, cover_url
        unit.get_by_role("link", name="查看报价与保费补贴").click()
        main = unit.inner_text("main")
        assert "适用的产品" in main and "保费补贴" in main and "补贴后实付" in main
        assert unit.locator("main caption", has_text="保费补贴：").count() >= 1
        shot(unit, "risk-quotes-unit-1366")

        # 7. The simulator compares the payment modes for this deal.
        unit.goto(f"{demo_url}/simulator/?contract={contract_pk.group(1)}")
        assert "依据合同" in unit.inner_text("main")
        if not unit.input_value("input[name=price]"):  # a free-use licence states no price yet
            unit.fill("input[name=price]", "300000")
        unit.fill("input[name=revenue_low]", "500000")
        unit.fill("input[name=revenue_expected]", "1000000")
        unit.fill("input[name=revenue_high]", "2000000")
        unit.fill("input[name=royalty_rate]", "5")
        unit.get_by_role("button", name="开始模拟").click()
        unit.wait_for_load_state("load")
        summary = unit.locator("main table", has=unit.locator("th", has_text="未投保预期损失")).inner_text()
        for mode in ("一次性支付", "分期支付", "延期支付", "收益提成"):
            assert mode in summary, summary[:400]
        shot(unit, "risk-simulator-unit-1366")
    finally:
        unit.context.close()

    # 3, 6. The guarantor: an application waiting for its decision; the guarantee it was called
    # on, paid, and its recourse against the enterprise recorded.
    guarantor = _as(browser, demo_url, GUARANTOR)
    try:
        guarantor.goto(demo_url + "/risk/policies/")
        waiting = guarantor.locator("main tr", has_text="已投保待核保")
        assert waiting.count() >= 1
        waiting.first.get_by_role("link").first.click()
        assert "核保决定" in guarantor.inner_text("main") and "出单" in guarantor.inner_text("main")
        shot(guarantor, "risk-application-guarantor-1366")
        guarantor.goto(demo_url + "/risk/policies/")
        guarantor.get_by_role("link", name=f"{GUARANTEE_POLICY}-C01").click()
        main = guarantor.inner_text("main")
        assert "已登记追偿" in main and "赔付（代偿）金额" in main
        assert re.search(r"追偿\s*向 .+ 追偿 [\d,.]+ 元", main), main[:600]
        shot(guarantor, "risk-recourse-guarantor-1366")

        # 8. Its consent was revoked: the same record is refused, in Chinese.
        response = guarantor.goto(record_url)
        assert response is not None and response.status == 403
        assert "无权访问此页面" in guarantor.inner_text("main")
    finally:
        guarantor.context.close()

    # 9. The dashboards, from each workspace, at 1,366 and 375 px.
    page.goto(demo_url + "/accounts/workspace/")
    page.get_by_role("link", name="本机构业务看板").click()
    main = page.inner_text("main")
    assert BOND in main and GUARANTEE not in main  # its own products only
    assert "赔付率" in main and "下载 Excel" in main
    _fits(page, DESKTOP["width"])
    shot(page, "risk-dashboard-insurer-1366")
    for email, workspace_link, own, other in (
        (GUARANTOR, "本机构业务看板", GUARANTEE, BOND),
        (PROVINCE, "全省科技保险与担保看板", BOND, None),
    ):
        desk = _as(browser, demo_url, email)
        try:
            desk.goto(demo_url + "/accounts/workspace/")
            desk.get_by_role("link", name=workspace_link).first.click()
            main = desk.inner_text("main")
            assert own in main and (other is None or other not in main), main[:600]
            if other is None:
                assert GUARANTEE in main  # the province sees every provider's products
            desk.select_option("#f-by", "city")
            desk.get_by_role("button", name="查看").click()
            desk.wait_for_load_state("load")
            assert "（按地市）" in desk.inner_text("main")
            _fits(desk, DESKTOP["width"])
            shot(desk, f"risk-dashboard-{email.split('@')[0]}-1366")
            dashboard_url = desk.url
        finally:
            desk.context.close()
        phone = _as(browser, demo_url, email, PHONE)
        try:
            phone.goto(dashboard_url)
            assert phone.locator("main .chart-block").count() >= 6
            _fits(phone, PHONE["width"])
            shot(phone, f"risk-dashboard-{email.split('@')[0]}-375")
        finally:
            phone.context.close()
    phone = _as(browser, demo_url, INSURER, PHONE)
    try:
        phone.goto(demo_url + "/risk/workspace/dashboard/?by=mode")
        assert "（按模式）" in phone.inner_text("main")
        _fits(phone, PHONE["width"])
        shot(phone, "risk-dashboard-insurer-375")
    finally:
        phone.context.close()
