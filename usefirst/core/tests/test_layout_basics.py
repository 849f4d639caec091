"""Page basics checked without a browser: the language, labelled form fields, local assets."""

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings

TEMPLATE_ROOTS = [Path(settings.BASE_DIR) / "usefirst"]


class _Form(HTMLParser):
    """Collects form controls and what labels them."""

    def __init__(self):
        super().__init__()
        self.controls: list[dict[str, str]] = []
        self.label_for: set[str] = set()
        self.open_labels = 0
        self.html_lang = ""

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        if tag == "html":
            self.html_lang = a.get("lang", "")
        if tag == "label":
            self.open_labels += 1
            if a.get("for"):
                self.label_for.add(a["for"])
        if tag in ("input", "select", "textarea") and a.get("type") not in ("hidden", "submit", "button", "reset", "image"):
            self.controls.append({**a, "_wrapped": "1" if self.open_labels else ""})

    def handle_endtag(self, tag):
        if tag == "label":
            self.open_labels -= 1


def unlabelled(html: str) -> list[str]:
    parser = _Form()
    parser.feed(html)
    return [
        c.get("name", "?")
        for c in parser.controls
        if not (c["_wrapped"] or c.get("id") in parser.label_for or c.get("aria-label") or c.get("aria-labelledby"))
    ]


@pytest.mark.django_db
def test_pages_declare_simplified_chinese(client):
    parser = _Form()
    parser.feed(client.get("/").content.decode())
    assert parser.html_lang == "zh-CN"


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/accounts/login/", "/accounts/register/", "/"])
def test_every_form_field_has_a_label(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert unlabelled(response.content.decode()) == []


@pytest.mark.django_db
def test_signed_in_forms_have_labels_too(client, provincial_admin):
    client.force_login(provincial_admin)
    for path in ("/policy/parameters/", "/notifications/preferences/"):
        assert unlabelled(client.get(path).content.decode()) == [], path


_REMOTE = re.compile(
    r"""(?:src|href|action|srcset)\s*=\s*["']\s*(?:https?:)?//|url\(\s*["']?\s*(?:https?:)?//|@import\s+["']?(?:https?:)?//""",
    re.I,
)


def test_templates_and_stylesheets_load_nothing_from_other_hosts():
    offenders = []
    for root in TEMPLATE_ROOTS:
        for path in (
            list(root.rglob("templates/**/*.html")) + list(root.rglob("static/**/*.css")) + list(root.rglob("static/**/*.js"))
        ):
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if _REMOTE.search(line):
                    offenders.append(f"{path.relative_to(settings.BASE_DIR)}:{number}: {line.strip()[:120]}")
    assert offenders == []


def test_the_remote_asset_check_catches_a_cdn_link():
    assert _REMOTE.search('<script src="https://cdn.example.com/x.js"></script>')
    assert _REMOTE.search("<link href='//fonts.example.com/a.css'>")
    assert _REMOTE.search("background: url(https://x.example.com/a.png)")
    assert not _REMOTE.search('<link rel="stylesheet" href="/static/css/site.css">')


@pytest.mark.django_db
def test_the_stylesheet_is_served_locally(client):
    response = client.get("/")
    css = re.search(r'href="(/static/[^"]+\.css)"', response.content.decode())
    assert css, "base.html links a local stylesheet"
    served = client.get(css.group(1))
    assert served.status_code == 200
