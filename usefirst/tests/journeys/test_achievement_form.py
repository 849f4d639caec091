"""A university registers an achievement: it adds inventor and IP rows with the buttons, removes
one, reads the TRL and mode help, attaches a PDF, and saves; on a phone a mistake in the third
inventor row is named in the summary at the top. At 1,366 and 375 px."""

from __future__ import annotations

from typing import TYPE_CHECKING

from usefirst.core.layout_check import BROWSER_MARKS

from .conftest import login, shot

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = BROWSER_MARKS

UNIVERSITY_ADMIN = "university-admin@usefirst.example"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _open_form(p: Page, demo_url: str) -> None:
    login(p, demo_url, UNIVERSITY_ADMIN)
    p.goto(demo_url + "/workspace/achievements/new/")
    assert p.locator("h1").inner_text() == "登记成果"


def _fill_the_achievement(p: Page, title: str) -> None:
    p.fill("input[name=title]", title)
    p.fill("textarea[name=summary]", "以低温烧结制备高活性催化剂的方法。")
    field = p.evaluate(
        "[...document.querySelectorAll('select[name=field] option')].find(o => o.value && !o.text.includes('大类')).value"
    )
    p.select_option("select[name=field]", field)
    p.select_option("select[name=trl]", "5")
    p.check("input[name=offers_pay_later]")


def _legends(p: Page, prefix: str) -> list[str]:
    return [t.strip() for t in p.locator(f"#{prefix}-rows [data-formset-row]:visible > legend").all_inner_texts()]


def _choose_inventor(p: Page, row: int, option: int, share: str) -> None:
    p.select_option(f"select[name=inv-{row}-person]", index=option)
    p.fill(f"input[name=inv-{row}-share]", share)


def test_rows_are_added_and_removed_with_the_buttons_and_saved_with_an_attachment(demo_url, page):
    _open_form(page, demo_url)
    # The script replaced the 删除 boxes with buttons and hid the note for pages without script.
    assert not page.locator("input[name=inv-0-DELETE]").is_visible()
    assert not page.locator("[data-formset-fallback]").first.is_visible()
    assert "1 级：基本原理被发现和报告" in page.locator("select[name=trl]").inner_text()
    assert "里程碑支付" in page.inner_text("main")
    _fill_the_achievement(page, "一种低温烧结高活性催化剂（表单旅程）")

    page.get_by_role("button", name="添加一位完成人").click()
    assert _legends(page, "inv") == ["第 1 位完成人", "第 2 位完成人", "第 3 位完成人"]
    assert page.evaluate("document.activeElement.name") == "inv-2-person"
    for row, share in enumerate(("50.00", "30.00", "20.00")):
        _choose_inventor(page, row, row + 1, share)
    page.check("input[name=inv-0-is_leader]")

    page.get_by_role("button", name="添加一项知识产权").click()
    for row, (kind, number, title) in enumerate(
        (
            ("invention_patent", "202310123456.6", "催化剂制备方法"),
            ("know_how", "", "将被删除的一项"),
            ("software_copyright", "2023SR0456789", "烧结控制软件"),
        )
    ):
        page.select_option(f"select[name=ip-{row}-kind]", kind)
        page.fill(f"input[name=ip-{row}-number]", number)
        page.fill(f"input[name=ip-{row}-title]", title)
    page.get_by_role("button", name="删除第 2 项知识产权").click()
    assert _legends(page, "ip") == ["第 1 项知识产权", "第 2 项知识产权"]
    assert page.locator("input[name=ip-1-DELETE]").is_checked()

    page.set_input_files("input[name=attachments]", files=[{"name": "说明书.pdf", "mimeType": "application/pdf", "buffer": PDF}])
    shot(page, "achievement-form-rows-1366")
    page.get_by_role("button", name="保存", exact=True).click()
    page.wait_for_load_state("load")
    main = page.inner_text("main")
    assert "成果草稿已保存，附件 1 个已上传" in main, main[:500]
    assert "将被删除的一项" not in main and "烧结控制软件" in main
    assert "说明书.pdf" in main
    shot(page, "achievement-form-saved-1366")


def test_on_a_phone_a_mistake_in_the_third_row_is_named_at_the_top(demo_url, phone_page):
    p = phone_page
    _open_form(p, demo_url)
    _fill_the_achievement(p, "一种低温烧结高活性催化剂（手机）")
    p.get_by_role("button", name="添加一位完成人").click()
    _choose_inventor(p, 0, 1, "50")
    _choose_inventor(p, 1, 2, "30")
    p.fill("input[name=inv-2-share]", "20")  # no person chosen in the third row
    p.select_option("select[name=ip-0-kind]", "know_how")
    p.fill("input[name=ip-0-title]", "烧结工艺参数")
    width = p.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"the form scrolls sideways at 375 px ({width} px)"
    shot(p, "achievement-form-rows-375")
    p.get_by_role("button", name="保存", exact=True).click()
    p.wait_for_load_state("load")
    summary = p.locator("#error-summary")
    assert "第 3 位完成人：请选择完成人姓名" in summary.inner_text()
    assert p.evaluate("document.activeElement.id") == "error-summary"
    # The rows came back as typed, three of them, with their buttons.
    assert _legends(p, "inv") == ["第 1 位完成人", "第 2 位完成人", "第 3 位完成人"]
    assert p.locator("input[name=inv-2-share]").input_value() == "20"
    width = p.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"the form with errors scrolls sideways at 375 px ({width} px)"
    shot(p, "achievement-form-error-375")


def test_without_script_the_form_offers_spare_rows_and_delete_boxes(demo_url, browser):
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN", java_script_enabled=False)
    try:
        p = context.new_page()
        _open_form(p, demo_url)
        assert _legends(p, "inv") == ["第 1 位完成人", "第 2 位完成人"]
        assert p.locator("input[name=inv-1-DELETE]").is_visible()
        assert p.locator("[data-formset-fallback]").first.is_visible()
        assert p.get_by_role("button", name="添加一位完成人").count() == 0
        shot(p, "achievement-form-no-script-1366")
    finally:
        context.close()
