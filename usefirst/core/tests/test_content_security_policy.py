"""Content-Security-Policy: every page sends it, scripts and styles come only from the site's own
files, and no template holds an inline script, an on…= handler or a style attribute (which the
policy would block). The API docs page (Swagger UI) works under it, checked in a real browser."""

import re
from pathlib import Path

import pytest
from django.conf import settings

from usefirst.core.layout_check import BROWSER_MARKS, CHROMIUM, CHROMIUM_ARGS

ROOT = Path(settings.BASE_DIR) / "usefirst"
PAGES = [
    "/",
    "/achievements/",
    "/demands/",
    "/accounts/login/",
    "/accounts/register/",
    "/accounts/password/reset/",
    "/no-such-page/",
]

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.IGNORECASE)
HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.IGNORECASE)
STYLE_ATTR = re.compile(r"<[^>]+\sstyle\s*=", re.IGNORECASE)


def directives(header):
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


@pytest.mark.django_db
@pytest.mark.parametrize("path", PAGES)
def test_every_page_sends_a_policy_without_inline_script_or_style(client, path):
    policy = directives(client.get(path)["Content-Security-Policy"])
    assert policy["script-src"] == ["'self'"] and policy["style-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"] and policy["frame-ancestors"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"] and policy["form-action"] == ["'self'"]


@pytest.mark.django_db
def test_signed_in_pages_and_the_api_send_it_too(client, owner):
    client.force_login(owner)
    for path in ("/accounts/workspace/", "/notifications/", "/api/v1/me"):
        assert "script-src 'self'" in client.get(path)["Content-Security-Policy"], path


def test_no_template_holds_an_inline_script_a_handler_or_a_style_attribute():
    offenders = []
    for template in sorted(ROOT.rglob("templates/**/*.html")):
        text = template.read_text(encoding="utf-8")
        for name, pattern in (("inline <script>", INLINE_SCRIPT), ("on…= handler", HANDLER), ("style=", STYLE_ATTR)):
            for match in pattern.finditer(text):
                line = text.count("\n", 0, match.start()) + 1
                offenders.append(f"{template.relative_to(ROOT)}:{line}: {name}")
    assert not offenders, "\n".join(offenders)


@pytest.mark.django_db
def test_the_api_docs_page_runs_only_the_sites_own_scripts(client):
    response = client.get("/api/v1/docs")
    policy = directives(response["Content-Security-Policy"])
    assert policy["script-src"] == ["'self'"] and "'unsafe-eval'" not in policy.get("script-src", [])
    assert not INLINE_SCRIPT.search(response.content.decode())


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@BROWSER_MARKS[0]
@BROWSER_MARKS[1]
def test_the_api_docs_page_renders_in_a_browser_without_a_policy_violation(live_server):
    from playwright.sync_api import sync_playwright

    violations = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.on("console", lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text else None)
        page.goto(f"{live_server.url}/api/v1/docs")
        page.wait_for_selector(".opblock", timeout=20000)  # Swagger UI drew the operations
        operations = page.locator(".opblock").count()
        browser.close()
    assert operations > 10
    assert violations == []
