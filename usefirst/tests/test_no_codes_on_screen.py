"""No internal code reaches a person: on the real demo data, every demo role (and the public)
reads only Chinese words where the platform stores codes.

A Django test client signed in as each demo login crawls, breadth first, every same-site page
its home page and workspace link to (GET; at most three pages of one URL pattern; not signing
out, not downloads), and fails on what a person should never read: snake_case or English state
and event codes, ``draft -> signed`` arrows, template syntax, Django's English widget words and
stack traces (usefirst/tests/screen_text.py). Every list page with filters is also asked for a
filter value that does not exist (``?status=bogus_value``) and must answer a Chinese page.

The demo is loaded once for the module (the same loader `make run` uses), inside a transaction
rolled back at the end. The pages checked per role are printed (``-s``) and recorded as test
properties.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import urlencode

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client, override_settings

from usefirst.accounts.models import User
from usefirst.demo.logins import DEMO_LOGINS

from .screen_text import crawl, leaks, visible_text

BOGUS = "bogus_value"


# ---------------------------------------------------------------- the checker itself


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("状态：awaiting_next_step", "下划线代码"),
        ("状态：drafted", "状态或事件代码"),
        ("状态变化：signed → free_use", "英文箭头"),
        ("draft → recommended", "英文箭头"),
        ("许可方：{{ licensor_name }}", "模板语法"),
        ("{% if licensor_code %}", "模板语法"),
        ("Select an option", "英文控件文字"),
        ("---------", "英文控件文字"),
        ("冲正：False", "英文控件文字"),
        ("负责人：None", "英文控件文字"),
        ("Traceback (most recent call last):", "错误堆栈"),
    ],
)
def test_the_checker_catches_what_a_person_should_not_read(text: str, kind: str) -> None:
    assert kind in {leak.kind for leak in leaks(text)}


def test_the_checker_lets_chinese_text_emails_and_numbers_through() -> None:
    text = "合同 XYHZ20260000002 · 免费使用期内 · 草拟 → 签署中\nprovince-admin@usefirst.example\nTRL 6 · PDF · 2026-02-01"
    assert leaks(text) == []


def test_visible_text_skips_scripts_but_reads_titles_and_submit_captions() -> None:
    html = '<p title="提示">正文</p><script>var draft_mode = 1;</script><input type="submit" value="提交">'
    assert visible_text(html).split("\n") == ["提示", "正文", "提交"]


# ---------------------------------------------------------------- the demo, crawled


@pytest.fixture(scope="module")
def demo(django_db_setup: None, django_db_blocker: pytest.FixtureRequest) -> Iterator[None]:
    with django_db_blocker.unblock():  # type: ignore[attr-defined]
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            with override_settings(DEMO_MODE=True):
                call_command("load_demo", verbosity=0)
            yield
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


ROLES = [("anonymous", "")] + [(d.email.split("@")[0], d.email) for d in DEMO_LOGINS]


@pytest.mark.slow
@pytest.mark.django_db
@pytest.mark.parametrize(("role", "email"), ROLES, ids=[r for r, _ in ROLES])
def test_every_page_a_role_reaches_reads_without_codes(demo: None, role: str, email: str, record_property) -> None:
    client = Client()
    starts = ["/"]
    if email:
        client.force_login(User.objects.get(email=email))
        starts = ["/accounts/workspace/", "/"]
    result = crawl(client, starts)
    bogus: list[str] = []
    for path, selects in result.list_pages.items():
        for query in [{name: BOGUS} for name in selects] + [{"status": BOGUS, "state": "xyz_state"}]:
            url = f"{path}?{urlencode(query)}"
            response = client.get(url, follow=True)
            text = visible_text(response.content.decode())
            if response.status_code >= 500 or not re.search(r"[\u4e00-\u9fff]", text):
                bogus.append(f"{response.status_code} {url}")
            # The page may quote what was typed (“取值无效：bogus_value”); nothing else may leak.
            bogus += [f"{url}: {leak}" for leak in leaks(text.replace(BOGUS, "").replace("xyz_state", ""))]
    patterns = len(set(result.pages.values()))
    print(f"\n{role}: {len(result.pages)} pages checked, {patterns} URL patterns, {len(result.list_pages)} filtered lists")
    record_property("pages_checked", len(result.pages))
    record_property("url_patterns", patterns)
    assert len(result.pages) >= (10 if not email else 20), f"{role}: the crawl read only {sorted(result.pages)}"
    assert not result.failures, f"{role}:\n" + "\n".join(result.failures[:60])
    assert not bogus, f"{role}, unknown filter values:\n" + "\n".join(bogus[:60])
