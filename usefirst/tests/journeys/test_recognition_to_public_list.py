"""Journey: an achievement whose use-first receipts reached the threshold goes from the unit's
to-do list through recommendation, provincial selection, public notice and an answered objection
to the public list of recognised projects, on the demo's one eligible
achievement (no other journey touches recognition)."""

from __future__ import annotations

import re

from usefirst.core.layout_check import BROWSER_MARKS

from .conftest import DESKTOP, login, shot

pytestmark = BROWSER_MARKS

TITLE = "不同温度下水流对铜绿微囊藻生长的影响模拟"  # the demo's achievement at the "eligible" stage


def _as(browser, demo_url, email, viewport=DESKTOP):
    page = browser.new_context(viewport=viewport, locale="zh-CN", accept_downloads=True).new_page()
    login(page, demo_url, email)
    return page


def test_an_eligible_achievement_is_recognised_and_listed_in_public(demo_url, page, phone_page, browser, demo_time_passes):
    # The university finds the eligible achievement among its to-dos and drafts the application.
    login(page, demo_url, "university-admin@usefirst.example")
    page.goto(demo_url + "/accounts/workspace/")
    todo = page.locator(".todo", has_text="可申请认定的成果")
    assert todo.locator(".todo-count").inner_text() == "1"
    todo.locator("a").click()
    shot(page, "recognition-eligible-unit-1366")
    page.locator("#eligible").get_by_role("link", name=TITLE).click()
    assert "实际到账" in page.inner_text("main") and "门槛" in page.inner_text("main")
    page.get_by_role("button", name="起草认定申请").click()
    page.wait_for_load_state("load")
    assert "认定申请已起草" in page.inner_text("main")
    application_url = re.sub(r"^https?://[^/]+", "", page.url)
    assert re.fullmatch(r"/recognition/applications/\d+/", application_url), application_url
    pk = application_url.strip("/").rsplit("/", 1)[-1]
    # Once applied for, it is no longer offered as eligible.
    page.goto(demo_url + "/recognition/applications/")
    assert page.locator("#eligible").count() == 0

    # Its superior department (the education department) reviews and recommends it.
    department = _as(browser, demo_url, "education-reviewer@usefirst.example")
    try:
        department.goto(demo_url + application_url)
        assert "状态：草稿" in department.inner_text("main")
        department.fill("#opinion", "经审核，同意推荐")
        department.get_by_role("button", name="审核并推荐").click()
        department.wait_for_load_state("load")
        assert "已推荐" in department.inner_text("main")
        assert "状态：已推荐，待省级审核" in department.inner_text("main")
    finally:
        department.context.close()

    # The provincial reviewer selects it from the queue of recommended applications: public notice.
    province = _as(browser, demo_url, "province-reviewer@usefirst.example")
    try:
        province.goto(demo_url + "/accounts/workspace/")
        province.locator(".todo", has_text="待省级审核的认定申请").locator("a").click()
        province.get_by_role("link", name=TITLE).first.click()
        # Without confirming the key-technology category it cannot go to notice.
        province.get_by_role("button", name="择优入选，进入公示").click()
        province.wait_for_load_state("load")
        assert "未确认为科研攻关类项目" in province.inner_text("main")
        assert "状态：已推荐，待省级审核" in province.inner_text("main")
        province.check("input[name=key_technology]")
        province.fill("#s-opinion", "择优入选")
        province.get_by_role("button", name="择优入选，进入公示").click()
        province.wait_for_load_state("load")
        assert "状态：公示中" in province.inner_text("main")
        assert province.get_by_role("button", name="认定", exact=True).count() == 0  # not before the notice ends
        shot(province, "recognition-in-notice-province-1366")

        # An enterprise objects during the notice; the reviewer answers it (not upheld).
        enterprise = _as(browser, demo_url, "enterprise-admin@usefirst.example")
        try:
            enterprise.goto(demo_url + "/recognition/notices/")
            card = enterprise.locator("main section.card", has_text=TITLE)
            card.locator("input[name=contact_name]").fill("曾振宁")
            card.locator("textarea[name=text]").fill("请核实实际到账金额。")
            card.get_by_role("button", name="提出异议").click()
            enterprise.wait_for_load_state("load")
        finally:
            enterprise.context.close()
        province.reload()
        assert "请核实实际到账金额" in province.inner_text("main")
        province.locator("textarea[name=answer]").fill("经核实，到账凭证与付款方确认一致。")
        province.get_by_role("button", name="答复").click()
        province.wait_for_load_state("load")

        # The notice period runs out (seven days pass), then the reviewer recognises the project.
        demo_time_passes(
            "from usefirst.recognition.demo import move_notice_into_the_past\n"
            "from usefirst.recognition.models import RecognitionApplication\n"
            f"move_notice_into_the_past(RecognitionApplication.objects.get(pk={pk}))"
        )
        province.goto(demo_url + application_url)
        province.check("input[name=checked]")
        province.get_by_role("button", name="认定", exact=True).click()
        province.wait_for_load_state("load")
        text = province.inner_text("main")
        assert "状态：已认定" in text
        number = re.search(r"认定编号 (GDXY-\d{4}-\d{4})", text)
        assert number, text[:600]
    finally:
        province.context.close()

    # The public (not signed in) finds it on the list of recognised projects, with its PDF notice.
    phone_page.goto(demo_url + "/recognition/")
    row = phone_page.locator("main tr", has_text=TITLE)
    assert number.group(1) in row.inner_text()
    shot(phone_page, "recognition-public-list-375")
    pdf = phone_page.request.get(demo_url + row.get_by_role("link", name="PDF").get_attribute("href"))
    assert pdf.ok and pdf.body().startswith(b"%PDF")
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 375 + 1
