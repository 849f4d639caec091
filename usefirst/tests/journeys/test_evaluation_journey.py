"""Journeys of issue 15 (evaluation and supervision) on the demo, page by page:

1. From a scheme to a published excellent list: this year's unit evaluation (成果单位量化评价) is in
   publicity (公示) with one objection. The 专业机构 reads the scheme (its indicators, weights
   summing to 100%), opens the objected result and answers the objection; the publicity period
   runs out; the province publishes it; the public finds the year's excellent units on the
   excellent list, on a phone.
2. From a deviation to a closed rectification case (整改): the province finds a deviation at a
   university and opens a case (已发现问题), notifies it with a deadline (已通知整改), the university
   submits its plan (整改方案待核验) and the province verifies and closes it (已核验销号).

No other journey touches this year's unit evaluation; the case is this journey's own."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

from usefirst.core.layout_check import BROWSER_MARKS

from .conftest import DESKTOP, PHONE, login, shot

pytestmark = BROWSER_MARKS

UNIVERSITY = "岭南理工大学"  # university-admin's; it objected to its result in the demo


def _today() -> dt.date:
    return dt.datetime.now(ZoneInfo("Asia/Shanghai")).date()


def _as(browser, demo_url, email, viewport=DESKTOP):
    page = browser.new_context(viewport=viewport, locale="zh-CN", accept_downloads=True).new_page()
    page.context.set_default_timeout(30_000)
    login(page, demo_url, email)
    return page


def _path(url: str) -> str:
    return re.sub(r"^https?://[^/]+", "", url)


def test_a_unit_evaluation_in_publicity_is_published_to_the_excellent_list(demo_url, page, phone_page, browser, demo_time_passes):
    year = _today().year
    name = f"{year}年度成果单位量化评价"

    # The 专业机构 opens the scheme from the list of evaluations.
    login(page, demo_url, "institution@usefirst.example")
    page.goto(demo_url + "/evaluation/")
    page.get_by_role("link", name=name, exact=True).first.click()
    page.wait_for_load_state("load")
    evaluation_url = _path(page.url)
    assert re.fullmatch(r"/evaluation/\d+/", evaluation_url), evaluation_url
    main = page.inner_text("main")
    assert "公示中" in main and "权重合计" in main and "100%" in main
    assert page.get_by_role("button", name="发布", exact=True).count() == 0  # not during publicity
    shot(page, "evaluation-scheme-in-publicity-1366")

    # The objected result: the 专业机构 answers the university's objection.
    page.locator("main table").get_by_role("link", name=UNIVERSITY).first.click()
    page.wait_for_load_state("load")
    assert "实际到账金额" in page.inner_text("main")  # the objection's text
    page.locator("textarea[name=answer]").first.fill("经核实，该许可合同的到账已计入“实际到账金额”，得分无误。")
    page.get_by_role("button", name="答复", exact=True).first.click()
    page.wait_for_load_state("load")
    assert "专业机构答复" in page.inner_text("main")

    # The publicity period runs out.
    demo_time_passes(
        "from usefirst.evaluation.demo import move_publicity_into_the_past\n"
        "from usefirst.evaluation.models import Evaluation\n"
        f"move_publicity_into_the_past(Evaluation.objects.get(pk={evaluation_url.strip('/').rsplit('/', 1)[-1]}))"
    )

    # The province publishes it from the evaluation's page.
    province = _as(browser, demo_url, "province-reviewer@usefirst.example")
    try:
        province.goto(demo_url + evaluation_url)
        province.get_by_role("button", name="发布", exact=True).click()
        province.wait_for_load_state("load")
        meta = province.locator("main p.meta").first.inner_text()
        assert "已发布" in meta and "发布于" in meta, meta
        shot(province, "evaluation-published-province-1366")
    finally:
        province.context.close()

    # The public finds this year's excellent units, with the scheme and its version, on a phone.
    phone_page.goto(demo_url + "/evaluation/excellent/")
    section = phone_page.locator("main section", has_text=f"{year} 年度优秀成果单位名单")
    assert section.count() == 1
    text = section.inner_text()
    assert f"评价方案：{name}（第 1 版）" in text
    assert section.locator("tbody tr").count() >= 1 and "本年度无优秀" not in text
    shot(phone_page, "evaluation-excellent-list-375")
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"] + 1


def test_a_deviation_found_at_a_university_goes_to_a_closed_rectification_case(demo_url, page, phone_page, browser):
    # The province records the deviation it found: 已发现问题.
    login(page, demo_url, "province-reviewer@usefirst.example")
    page.goto(demo_url + "/reporting/cases/")
    page.get_by_role("link", name="立案整改", exact=True).click()
    page.wait_for_load_state("load")
    unit = page.locator("select[name=unit] option", has_text=UNIVERSITY).first.get_attribute("value")
    page.select_option("select[name=unit]", unit)
    page.fill("input[name=title]", "成果转化收益分配台账缺失（旅程测试）")
    page.fill("textarea[name=finding]", "抽查发现 2 项许可合同的收益分配未建立台账，与年度报告填报情况不符。")
    page.select_option("select[name=severity]", "general")
    page.get_by_role("button", name="立案", exact=True).click()
    page.wait_for_load_state("load")
    case_url = _path(page.url)
    assert re.fullmatch(r"/reporting/cases/\d+/", case_url), page.inner_text("main")[:400]
    assert "已发现问题" in page.inner_text("main")

    # It notifies the university with the deadline of the plan: 已通知整改.
    due = _today() + dt.timedelta(days=15)
    page.fill("#notify-due", due.isoformat())
    page.get_by_role("button", name="通知单位整改").click()
    page.wait_for_load_state("load")
    assert "已通知整改" in page.inner_text("main") and due.isoformat() in page.inner_text("main")

    # The university submits its plan, on a phone: 整改方案待核验.
    login(phone_page, demo_url, "university-admin@usefirst.example")
    phone_page.goto(demo_url + case_url)
    phone_page.fill("#plan-text", "一个月内补建收益分配台账，由科技处负责，每季度自查并报主管部门。")
    phone_page.get_by_role("button", name="提交整改方案").click()
    phone_page.wait_for_load_state("load")
    assert "整改方案待核验" in phone_page.inner_text("main")
    shot(phone_page, "rectification-plan-submitted-375")
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"] + 1

    # The province verifies the plan and closes the case: 已核验销号, every step in its history.
    page.goto(demo_url + case_url)
    page.fill("#close-text", "已查验补建的台账和自查制度，整改到位。")
    page.get_by_role("button", name="核验通过，销号").click()
    page.wait_for_load_state("load")
    main = page.inner_text("main")
    assert "已核验销号" in main
    for step in ("发现问题并立案", "通知整改", "提交整改方案", "核验销号"):
        assert step in main, step
    shot(page, "rectification-closed-province-1366")
