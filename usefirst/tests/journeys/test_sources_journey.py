"""Journeys of issue 16's "Done when", on the demo:

1. the provincial reviewer's sweeper dry run for the next 90 days, and an achievement the sweep
   included (its page says 自动纳入);
2. an event from publication to check-in: the incubator drafts an event, adds an item and
   publishes it; an enterprise signs up and gets its entry code; the incubator checks it in once
   (a second time is refused); the incubator's held roadshow shows the contract credited to it;
3. the published typical case on the home page and found by the case search;
4. the audit office (审计部门（只读）) exports a 安心屋 dossier that the offline verifier
   (python -m usefirst.safehouse.verify) accepts; the same dossier with one file altered is
   refused, naming the entry.

Demo rows: the incubator (incubator@) and 佛山 enterprise admin-ent07@, which no other journey
signs up; the other steps only read.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import subprocess
import sys
import zipfile

from django.conf import settings

from usefirst.core.dates import today
from usefirst.core.layout_check import BROWSER_MARKS

from .conftest import login, shot

pytestmark = BROWSER_MARKS


def _as(browser, demo_url, email):
    page = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN", accept_downloads=True).new_page()
    page.context.set_default_timeout(30_000)
    login(page, demo_url, email)
    return page


def _go(page, url: str) -> str:
    page.goto(url)
    page.wait_for_load_state("load")
    return page.inner_text("main")


def test_the_sweepers_dry_run_for_the_next_90_days_and_an_included_achievement(demo_url, page, browser):
    login(page, demo_url, "province-reviewer@usefirst.example")
    text = _go(page, demo_url + "/inclusion/?verdict=due_soon")
    for number in ("GDKJ2023-0101", "GDKJ2023-0102", "GDKJ2023-0103"):  # due in 12, 45 and 80 days
        assert number in text, text[:600]
    assert "GDKJ2024-0301" not in text  # 400 days away: beyond the 90-day horizon
    shot(page, "sources-dry-run-1366")
    text = _go(page, demo_url + "/inclusion/?verdict=included")
    assert "GDKJ2023-0090" in text and "已自动纳入" in text, text[:600]
    # The included achievement opens for its unit (the province sees the row, not a dead link).
    unit = _as(browser, demo_url, "university-admin@usefirst.example")
    try:
        _go(unit, demo_url + "/inclusion/?verdict=included")
        unit.get_by_role("link", name="查看成果").first.click()
        unit.wait_for_load_state("load")
        assert "自动纳入" in unit.inner_text("main")
    finally:
        unit.context.close()


def test_an_event_from_publication_to_check_in_and_a_contract_credited_to_an_event(demo_url, page, browser):
    # The incubator drafts an event, adds a published achievement and publishes it.
    login(page, demo_url, "incubator@usefirst.example")
    _go(page, demo_url + "/achievements/")
    href = page.locator("main .card h3 a").first.get_attribute("href") or ""
    number = re.search(r"/(\d+)/", href)
    assert number, href
    _go(page, demo_url + "/events/new/")
    day = today() + dt.timedelta(days=20)
    page.fill("#id_title", "成果转化旅程测试路演")
    page.select_option("#id_kind", "roadshow")
    page.fill("#id_place", "东莞市松山湖孵化器一楼路演厅")
    page.fill("#id_starts_on", day.isoformat())
    page.fill("#id_capacity", "30")
    page.locator("form.catalog-form button[type=submit]").click()
    page.wait_for_load_state("load")
    assert "/manage/" in page.url, page.inner_text("main")[:600]
    manage_url = page.url
    page.fill("#item-number", number.group(1))
    page.get_by_role("button", name="添加展示项目").click()
    page.wait_for_load_state("load")
    page.get_by_role("button", name="发布到活动日历").click()
    page.wait_for_load_state("load")
    assert "已发布" in page.inner_text("main"), page.inner_text("main")[:600]
    event_id = re.search(r"/events/(\d+)/", manage_url)
    assert event_id, manage_url

    # An enterprise signs up and is shown its entry code.
    attendee = _as(browser, demo_url, "admin-ent07@usefirst.example")
    try:
        _go(attendee, f"{demo_url}/events/{event_id.group(1)}/")
        attendee.get_by_role("button", name="报名参加").click()
        attendee.wait_for_load_state("load")
        text = attendee.inner_text("main")
        assert "报名成功" in text, text[:600]
        token = attendee.locator("p.token code").inner_text().strip()
    finally:
        attendee.context.close()

    # The incubator checks it in once; the same code is refused the second time.
    _go(page, f"{demo_url}/events/{event_id.group(1)}/checkin/")
    page.fill("#checkin-token", token)
    page.get_by_role("button", name="确认签到").click()
    page.wait_for_load_state("load")
    assert "签到成功" in page.inner_text("main"), page.inner_text("main")[:600]
    page.fill("#checkin-token", token)
    page.get_by_role("button", name="确认签到").click()
    page.wait_for_load_state("load")
    assert "不能重复签到" in page.inner_text("main")
    shot(page, "sources-event-checkin-1366")

    # The incubator's held roadshow shows the contract credited to it.
    _go(page, demo_url + "/events/mine/")
    page.get_by_role("link", name="智能制造关键技术成果路演暨“先用后转”对接会").click()
    page.wait_for_load_state("load")
    text = page.inner_text("main")
    credited = re.search(r"计入本活动的合同 (\d+) 份", text)
    assert credited and int(credited.group(1)) >= 1, text[-1500:]
    assert "服务专员任职记录" in text


def test_a_published_case_is_on_the_home_page_and_found_by_the_case_search(demo_url, page):
    title = "智能制造成果包“先使用后付费”：免费试用一年后转为正式许可"
    _go(page, demo_url + "/")
    assert title in page.inner_text("main")
    page.get_by_role("link", name="全部典型案例").click()
    page.wait_for_load_state("load")
    page.fill("#f-q", "免费试用")
    page.locator("#f-q").press("Enter")
    page.wait_for_load_state("load")
    assert title in page.inner_text("main")
    page.get_by_role("link", name=title).first.click()
    page.wait_for_load_state("load")
    assert title in page.inner_text("main")


def _verify(path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "usefirst.safehouse.verify", str(path)],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=False,
    )


def test_the_audit_office_exports_a_dossier_the_offline_verifier_accepts_and_a_tampered_copy_is_refused(demo_url, page, tmp_path):
    login(page, demo_url, "audit@usefirst.example")
    text = _go(page, demo_url + "/safehouse/")
    assert "审计部门身份只读查阅" in text
    from usefirst.demo.safehouse import STEPS

    complete = page.locator("main table tbody tr", has_text=f"{len(STEPS)} 条")  # the demo's complete dossier
    complete.locator("a").first.click()
    page.wait_for_load_state("load")
    with page.expect_download() as download:
        page.get_by_role("link", name="导出卷宗（zip，可离线核验）").click()
    exported = tmp_path / "dossier.zip"
    download.value.save_as(exported)

    intact = _verify(exported)
    assert intact.returncode == 0, intact.stdout
    assert "结论：卷宗完整，未被改动。" in intact.stdout

    data = exported.read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        names = source.namelist()
        victim = next(n for n in sorted(names) if n.startswith("files/0002-"))
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as target:
            for name in names:
                target.writestr(name, b"%PDF-1.4\n% altered\n%%EOF\n" if name == victim else source.read(name))
    tampered = tmp_path / "tampered.zip"
    tampered.write_bytes(out.getvalue())
    refused = _verify(tampered)
    assert refused.returncode == 1, refused.stdout
    assert "条目 #2" in refused.stdout and "未通过核验" in refused.stdout
