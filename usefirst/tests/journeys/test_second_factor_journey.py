"""The second factor as government staff meet it on the demo (docs/security.md, "Second factor"):
a city department's administrator without an authenticator signs in with the password and is
held at the enrolment page whatever page they open; a wrong first code is refused in Chinese; the
key read off the page confirms it and ten recovery codes are shown once; the workspace opens.
Signed out and in again, the password alone no longer signs in: the code step asks, and a
recovery code signs in once, never twice. All of it on a 375 px phone, without sideways scroll.

Demo rows: 佛山市科学技术局's administrator (admin-city-440600@), whom no other journey uses.
"""

from __future__ import annotations

import base64
import re

from django_otp.oath import TOTP

from usefirst.core.layout_check import BROWSER_MARKS
from usefirst.demo.logins import DEMO_PASSWORD

from .conftest import shot

pytestmark = BROWSER_MARKS

EMAIL = "admin-city-440600@usefirst.example"


def _password_step(page, demo_url):
    page.goto(demo_url + "/accounts/login/")
    page.fill("input[name=username]", EMAIL)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.locator("form:has(input[name=password]) button[type=submit]").click()
    page.wait_for_load_state("load")


def _submit_code(page, code):
    page.fill("input[name=code]", code)
    page.locator("form:has(input[name=code]) button[type=submit]").first.click()
    page.wait_for_load_state("load")


def _no_sideways_scroll(page):
    assert not page.evaluate("document.documentElement.scrollWidth > window.innerWidth"), page.url


def test_a_city_administrator_enrols_and_then_signs_in_with_a_code_and_a_recovery_code_once(phone_page, demo_url):
    page = phone_page
    _password_step(page, demo_url)
    page.goto(demo_url + "/contracts/")
    assert page.url.endswith("/accounts/second-factor/")
    main = page.locator("main").inner_text()
    assert "须启用双因素认证" in main and "未启用" in main
    assert page.locator("main img[alt]").count() >= 1  # the QR code
    _no_sideways_scroll(page)
    shot(page, "second-factor-enrol-375")

    key_text = re.search(r"\b([A-Z2-7]{4}(?: [A-Z2-7]{4}){7})\b", main)
    assert key_text, main[:400]
    key = base64.b32decode(key_text.group(1).replace(" ", ""))

    _submit_code(page, "000000")
    assert "验证码不正确" in page.locator("main").inner_text()
    page.wait_for_timeout(2_500)  # the throttle's wait after a wrong code
    _submit_code(page, f"{TOTP(key).token():06d}")
    shown = page.locator("main").inner_text()
    assert "双因素认证已启用" in shown
    recovery = re.findall(r"\b[a-z2-7]{4}-[a-z2-7]{4}\b", shown)
    assert len(recovery) == 10
    _no_sideways_scroll(page)
    shot(page, "second-factor-recovery-codes-375")

    page.goto(demo_url + "/accounts/workspace/")
    assert page.url.endswith("/accounts/workspace/")

    page.context.clear_cookies()
    _password_step(page, demo_url)
    assert "/accounts/login/second-factor/" in page.url
    page.goto(demo_url + "/accounts/workspace/")
    assert "/accounts/login/" in page.url  # the password alone is not a session
    _password_step(page, demo_url)
    _submit_code(page, recovery[0])
    assert page.url.endswith("/accounts/workspace/") or "/accounts/login/" not in page.url

    page.context.clear_cookies()
    _password_step(page, demo_url)
    _submit_code(page, recovery[0])
    assert "/accounts/login/second-factor/" in page.url
    assert "不正确" in page.locator("main").inner_text()
