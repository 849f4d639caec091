"""At 375 px none of the recognition pages scrolls sideways (headless Debian Chromium, as in
usefirst/core/tests/test_layout_375.py); wide tables scroll inside their box."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from django.test import Client

from usefirst.recognition import services, sources

from .builders import in_notice_ended, make_achievement, make_person

CHROMIUM = "/usr/bin/chromium"
WIDTH = 375
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-sync"]
LONG = "长标题没有空格可以断行" * 8

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium is not installed (scripts/system-packages.sh)"),
]


def session_of(user):
    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


def too_wide_pages(live_server, tmp_path, visits):
    """{path: scrollWidth} of the pages wider than the viewport, and {path: status} of the
    pages that did not open; `visits` is a list of (session cookie, path)."""
    from playwright.sync_api import sync_playwright

    too_wide: dict[str, int] = {}
    failures: dict[str, int] = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        try:
            for session, path in visits:
                context = browser.new_context(viewport={"width": WIDTH, "height": 800}, locale="zh-CN")
                if session:
                    context.add_cookies([{"name": "sessionid", "value": session, "url": live_server.url}])
                page = context.new_page()
                response = page.goto(live_server.url + path, wait_until="load")
                if response is None or response.status != 200 or "/accounts/login/" in page.url:
                    failures[path] = response.status if response else 0
                width = page.evaluate("document.documentElement.scrollWidth")
                if width > WIDTH:
                    too_wide[path] = width
                context.close()
        finally:
            browser.close()
    return too_wide, failures


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_no_recognition_page_scrolls_sideways_at_375_px(
    live_server, tmp_path, monkeypatch, unit_with_superior, owner, reviewer, outsider
):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    monkeypatch.setattr(
        sources, "received_for_achievement", lambda achievement, **kw: sources.Received(amount=Decimal("123456789.99"))
    )
    unit = unit_with_superior
    unit.name = "广东省某某某某某某某某某某某某某某某某某某研究院有限责任公司"
    unit.save()

    def to_notice(achievement):
        application = services.application_create(actor=owner, achievement=achievement, statement="说明" * 300)
        services.application_recommend(actor=owner, application=application, opinion="推荐意见" * 200)
        return services.application_select(actor=reviewer, application=application, key_technology_confirmed=True)

    draft_achievement = make_achievement(unit, title=LONG + "甲")
    in_notice = to_notice(make_achievement(unit, title=LONG + "乙"))
    services.objection_submit(actor=outsider, application=in_notice, contact_name="张三" * 10, text="异议内容" * 300)
    recognition = services.application_recognise(
        actor=reviewer, application=in_notice_ended(to_notice(make_achievement(unit, title=LONG + "丙")))
    )
    recommended = make_achievement(unit, title=LONG + "丁")
    application = services.application_create(actor=owner, achievement=recommended)
    services.application_recommend(actor=owner, application=application, opinion="同意")
    record = services.misconduct_record(
        actor=reviewer,
        person=make_person("欧阳某某某某某某"),
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2030, 12, 31),
        reason="失信行为及依据" * 200,
        referral="移交机关名称很长" * 10,
    )
    reviewer_session, owner_session = session_of(reviewer), session_of(owner)
    visits = [
        (None, "/recognition/"),
        (None, "/recognition/notices/"),
        (None, "/recognition/statistics/?year=2026"),
        (owner_session, "/recognition/notices/"),
        (owner_session, f"/recognition/apply/{draft_achievement.pk}/"),
        (owner_session, "/recognition/applications/"),
        (owner_session, "/recognition/misconduct/"),
        (reviewer_session, "/recognition/applications/?year=2026"),
        (reviewer_session, f"/recognition/applications/{in_notice.pk}/"),
        (reviewer_session, f"/recognition/applications/{recognition.application_id}/"),
        (reviewer_session, f"/recognition/applications/{application.pk}/"),
        (reviewer_session, "/recognition/quota/"),
        (reviewer_session, "/recognition/misconduct/"),
        (reviewer_session, f"/recognition/misconduct/{record.pk}/"),
        (reviewer_session, f"/achievements/{recommended.pk}/"),  # with the misconduct notice
    ]
    too_wide, failures = too_wide_pages(live_server, tmp_path, visits)
    assert not failures, failures
    assert not too_wide, f"pages wider than {WIDTH} px: {too_wide}"
