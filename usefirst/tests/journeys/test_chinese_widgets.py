"""In a browser set to English, the achievement form's date and file fields still speak Chinese:
the calendar names its months 一月…十二月 and its weekdays 周一…, a date is picked into 年-月-日,
the file picker is a 选择文件 button beside 未选择文件 and then the chosen name, and the form
saves. At 1,366 and 375 px."""

from __future__ import annotations

import re

import pytest

from usefirst.core.layout_check import BROWSER_MARKS

from .conftest import login, shot

pytestmark = BROWSER_MARKS

UNIVERSITY_ADMIN = "university-admin@usefirst.example"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
ENGLISH = ("Choose File", "No file chosen", "mm/dd/yyyy", "January", "Mon", "Sun", "Select an option")


@pytest.mark.parametrize("width", [1366, 375])
def test_an_english_browser_picks_a_date_and_a_file_in_chinese_and_saves(demo_url, browser, width):
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="en-US")
    try:
        p = context.new_page()
        login(p, demo_url, UNIVERSITY_ADMIN)
        p.goto(demo_url + "/workspace/achievements/new/")
        title = f"一种中文日期与文件选择器验证方法（{width}）"
        p.fill("input[name=title]", title)
        p.fill("textarea[name=summary]", "在英文浏览器中以中文选择日期与文件。")
        field = p.evaluate(
            "[...document.querySelectorAll('select[name=field] option')].find(o => o.value && !o.text.includes('大类')).value"
        )
        p.select_option("select[name=field]", field)
        p.select_option("select[name=trl]", "5")
        p.check("input[name=offers_pay_later]")
        p.select_option("select[name=inv-0-person]", index=1)
        p.fill("input[name=inv-0-share]", "100")
        p.check("input[name=inv-0-is_leader]")
        p.select_option("select[name=ip-0-kind]", "know_how")
        p.fill("input[name=ip-0-title]", "选择器工艺参数")
        p.fill("input[name=plan_project_number]", f"GDKJ-ZH-{width}")  # a dated project needs its number
        p.select_option("select[name=plan_project_category]", "other")

        # The date: a text field for 年-月-日 whose calendar speaks Chinese.
        date = p.locator("input[name=acceptance_date]")
        assert date.get_attribute("type") == "text"
        assert "年-月-日" in (date.get_attribute("placeholder") or "")
        date.click()
        calendar = p.locator(".flatpickr-calendar.open")
        calendar.wait_for()
        months = calendar.locator(".flatpickr-monthDropdown-months option").all_inner_texts()
        assert months[0] == "一月" and months[11] == "十二月", months
        weekdays = calendar.locator(".flatpickr-weekday").all_inner_texts()
        assert weekdays[0].strip() == "周一" and weekdays[6].strip() == "周日", weekdays  # weeks start on Monday
        assert not any(word in calendar.inner_text() for word in ENGLISH)
        assert p.evaluate("document.documentElement.scrollWidth") <= width
        shot(p, f"date-picker-{width}")
        calendar.locator(".flatpickr-day:not(.prevMonthDay):not(.nextMonthDay)").first.click()
        picked = date.input_value()
        assert re.fullmatch(r"\d{4}-\d{2}-01", picked), picked

        # The file: a 选择文件 button, 未选择文件 beside it, then the chosen name.
        picker = p.locator("[data-file-picker]", has=p.locator("input[name=attachments]"))
        button = picker.get_by_text("选择文件", exact=True)
        assert button.is_visible() and picker.get_by_text("未选择文件").is_visible()
        native = picker.locator("input[type=file]").bounding_box()
        assert native is not None and native["width"] <= 1 and native["height"] <= 1  # seen only as the button
        with p.expect_file_chooser() as chooser:
            button.click()
        chooser.value.set_files(files=[{"name": "验收报告.pdf", "mimeType": "application/pdf", "buffer": PDF}])
        assert picker.locator("[data-file-picker-chosen]").inner_text() == "验收报告.pdf"
        assert not any(word in p.inner_text("main") for word in ENGLISH)
        assert p.evaluate("document.documentElement.scrollWidth") <= width
        shot(p, f"file-picker-{width}")

        p.get_by_role("button", name="保存", exact=True).click()
        p.wait_for_load_state("load")
        main = p.inner_text("main")
        assert "成果草稿已保存，附件 1 个已上传" in main, main[:500]
        assert "验收报告.pdf" in main
        assert f"验收日期：{picked}" in main  # the server read the picked 年-月-日
    finally:
        context.close()


def test_an_english_browser_asks_for_a_missing_or_malformed_field_in_chinese(demo_url, browser):
    """A form the page checks before sending (no novalidate) has its bubble in Chinese — "请填写此项",
    the date field's own 年-月-日 hint — never the browser's "Please fill out this field"."""
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="en-US")
    try:
        p = context.new_page()
        p.goto(demo_url + "/")
        messages = p.evaluate(
            """() => {
              const form = document.createElement("form");
              form.innerHTML = '<input name="a" required><input name="d" type="text" pattern="\\\\d{4}-\\\\d{2}-\\\\d{2}"'
                + ' title="请按“年-月-日”填写日期" value="12/01/2026"><input name="e" type="email" value="x">'
                + '<select name="s" required><option value="">请选择</option><option>1</option></select>';
              document.body.appendChild(form);
              const out = [...form.elements].map(el => { el.checkValidity(); return el.validationMessage; });
              form.elements.a.value = "已填写";
              form.elements.a.dispatchEvent(new Event("input", {bubbles: true}));
              out.push(form.elements.a.validationMessage);
              return out;
            }"""
        )
        assert messages == ["请填写此项", "请按“年-月-日”填写日期", "请填写有效的电子邮箱地址", "请选择一项", ""], messages
    finally:
        context.close()
