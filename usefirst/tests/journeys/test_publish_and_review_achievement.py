"""Journey: a university registers an achievement and submits it; its reviewing department (the
education department) finds it in its queue, is held to the confirmation and to a reason for a
return, approves it; the public then finds it by keyword."""

from __future__ import annotations

import time

from usefirst.core.layout_check import BROWSER_MARKS

from .conftest import DESKTOP, login, shot

pytestmark = BROWSER_MARKS

TITLE = "一种海水淡化反渗透膜抗污染涂层（发布旅程）"


def test_an_achievement_is_registered_submitted_reviewed_and_found_by_the_public(demo_url, page, phone_page, browser):
    # The university registers the achievement with one inventor and submits it for review.
    login(page, demo_url, "university-admin@usefirst.example")
    page.goto(demo_url + "/workspace/achievements/new/")
    page.fill("input[name=title]", TITLE)
    page.fill(
        "textarea[name=summary]", "在反渗透膜表面接枝两性离子聚合物涂层，降低有机物和微生物污染，延长海水淡化膜的清洗周期。"
    )
    field = page.evaluate(
        "[...document.querySelectorAll('select[name=field] option')].find(o => o.value && !o.text.includes('大类')).value"
    )
    page.select_option("select[name=field]", field)
    page.select_option("select[name=trl]", "6")
    page.check("input[name=offers_pay_later]")
    page.select_option("select[name=inv-0-person]", index=1)
    page.fill("input[name=inv-0-share]", "100")
    page.check("input[name=inv-0-is_leader]")
    page.get_by_role("button", name="保存", exact=True).click()
    page.wait_for_load_state("load")
    assert "成果草稿已保存" in page.inner_text("main"), page.inner_text("main")[:500]
    page.get_by_role("button", name="提交审核").click()
    page.wait_for_load_state("load")
    assert "待审核" in page.inner_text("main")

    # The education department finds it in its queue, filtered by a word of the title.
    reviewer = browser.new_context(viewport=DESKTOP, locale="zh-CN").new_page()
    try:
        login(reviewer, demo_url, "education-reviewer@usefirst.example")
        reviewer.goto(demo_url + "/accounts/workspace/")
        reviewer.locator(".todo", has_text="待审核的科技成果").locator("a").click()
        assert "项待审核" in reviewer.inner_text("main")
        reviewer.fill("#f-q", "反渗透膜抗污染")
        reviewer.get_by_role("button", name="筛选").click()
        reviewer.wait_for_load_state("load")
        row = reviewer.locator("main tbody tr", has_text=TITLE)
        assert row.count() == 1 and "0 天" in row.inner_text()
        shot(reviewer, "review-queue-filtered-1366")
        row.get_by_role("link", name="审核").click()
        assert TITLE in reviewer.locator("h1").inner_text()

        # A return without a reason, then an approval without the confirmation: each refused, naming the item.
        reviewer.get_by_role("button", name="退回").click()
        reviewer.wait_for_load_state("load")
        summary = reviewer.locator("#error-summary")
        assert f"成果《{TITLE}》：退回须填写理由" in summary.inner_text()
        reviewer.get_by_role("button", name="通过并发布").click()
        reviewer.wait_for_load_state("load")
        assert "通过前请勾选" in reviewer.locator("#error-summary").inner_text()
        assert "状态" in reviewer.inner_text("main") and "待审核" in reviewer.inner_text("main")
        shot(reviewer, "review-item-refused-1366")
        reviewer.check("#checked")
        reviewer.get_by_role("button", name="通过并发布").click()
        reviewer.wait_for_load_state("load")
        assert f"成果《{TITLE}》已审核通过并发布" in reviewer.inner_text("main")
    finally:
        reviewer.context.close()

    # The public finds it by keyword on a phone (the index is updated by the background worker).
    for _ in range(30):
        phone_page.goto(demo_url + "/achievements/?q=反渗透膜 抗污染")
        if phone_page.get_by_role("link", name=TITLE).count():
            break
        time.sleep(1)
    assert phone_page.get_by_role("link", name=TITLE).count() == 1, phone_page.inner_text("main")[:600]
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 375 + 1
    shot(phone_page, "published-achievement-found-375")
