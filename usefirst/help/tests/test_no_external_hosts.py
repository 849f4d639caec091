"""Nothing the site serves makes a browser reach another host: the platform must work on a
government intranet that reaches no outside host, and it sends its visitors nowhere unasked.

Our own templates, stylesheets and scripts name no other host at all (XML namespaces aside). The
third-party scripts and stylesheets served with them (Django's admin, the API documentation's
Swagger UI and Redoc) are checked for what a browser would load; the few such URLs they hold are
listed below with the reason none is ever requested. The rendered pages of the demo are checked
in test_demo_pages.py.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.utils import get_app_template_dirs
from django.test import Client

from .hosts import loaded_other_hosts, other_host_references

OWN = Path(settings.BASE_DIR) / "usefirst"

# (static path, URL) → why the browser never requests it.
THIRD_PARTY_ALLOWED: dict[tuple[str, str], str] = {
    ("admin/js/vendor/xregexp/xregexp.js", "http://xregexp.com/api/"): "an example inside a doc comment",
    ("admin/js/vendor/xregexp/xregexp.js", "http://www.google.com/"): "an example inside a doc comment",
    ("ninja/redoc.standalone.js", "https://github.com/mermade/oas-kit"): "names the converter in the schema's metadata",
    (
        "ninja/redoc.standalone.js",
        "https://cdn.redoc.ly/redoc/logo-mini.svg",
    ): "Redoc is served by no page (the docs are Swagger UI)",
    ("ninja/redoc.standalone.js", "https://redocly.com/redoc/"): "Redoc is served by no page (the docs are Swagger UI)",
    ("ninja/swagger-ui-bundle.js", "https://validator.swagger.io/validator"): (
        "the validator badge's default; the docs page turns the badge off (validatorUrl: null, tested below)"
    ),
}


VENDOR = OWN / "static" / "vendor"  # libraries we serve but did not write (flatpickr, ECharts): checked as third party


def _own_files(pattern: str) -> list[Path]:
    return sorted(p for p in OWN.rglob(pattern) if ".venv" not in p.parts and not p.is_relative_to(VENDOR))


def test_our_templates_name_no_other_host() -> None:
    found = [
        f"{path.relative_to(settings.BASE_DIR)}:{n}: {ref}"
        for path in _own_files("templates/**/*.html")
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        for ref in other_host_references(line)
    ]
    assert not found, "\n".join(found)


def test_our_stylesheets_and_scripts_name_no_other_host() -> None:
    files = _own_files("static/**/*.css") + _own_files("static/**/*.js")
    assert files
    found = [
        f"{path.relative_to(settings.BASE_DIR)}:{n}: {ref}"
        for path in files
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        for ref in other_host_references(line)
    ]
    assert not found, "\n".join(found)


def _third_party_static() -> list[tuple[str, str]]:
    files = []
    for finder in finders.get_finders():
        for path, storage in finder.list([]):
            full = Path(storage.path(path))
            if path.endswith((".css", ".js")) and (not full.is_relative_to(OWN) or full.is_relative_to(VENDOR)):
                files.append((path, storage.open(path).read().decode("utf-8", "replace")))
    return files


def test_third_party_scripts_and_stylesheets_load_nothing_from_other_hosts() -> None:
    files = _third_party_static()
    assert any(path == "ninja/swagger-ui-bundle.js" for path, _ in files)
    found = sorted(
        f"{path}: {url}" for path, text in files for url in loaded_other_hosts(text) if (path, url) not in THIRD_PARTY_ALLOWED
    )
    assert not found, "\n".join(found)


def test_every_allowed_third_party_url_is_still_there() -> None:
    """A list of exceptions that outlives its reasons hides the next one."""
    texts = dict(_third_party_static())
    stale = [key for key in THIRD_PARTY_ALLOWED if key[1] not in loaded_other_hosts(texts.get(key[0], ""))]
    assert not stale


# Third-party templates that name other hosts → why no page renders them.
TEMPLATES_NEVER_RENDERED: dict[str, str] = {
    "ninja/swagger_cdn.html": "django-ninja's CDN variant, used only when ninja is not an installed app",
    "ninja/redoc_cdn.html": "django-ninja's CDN variant, used only when ninja is not an installed app",
    "otp_totp/admin/config.html": "django-otp's device admin, unregistered from the platform's admin (core/admin.py)",
}


def test_the_templates_of_the_installed_apps_name_no_other_host() -> None:
    """Django's admin, django-ninja's API documentation and the rest: what they render is local too."""
    assert "ninja" in settings.INSTALLED_APPS  # so the local Swagger template is the one rendered
    found = []
    for folder in get_app_template_dirs("templates"):
        for path in Path(folder).rglob("*.html"):
            name = path.relative_to(folder).as_posix()
            if name not in TEMPLATES_NEVER_RENDERED and (refs := other_host_references(path.read_text(encoding="utf-8"))):
                found.append(f"{name}: {refs[:3]}")
    assert not found, "\n".join(found)


def test_the_api_documentation_turns_off_the_outside_validator_badge(client: Client, db: None) -> None:
    page = client.get("/api/v1/docs").content.decode()
    config = json.loads(re.search(r'id="swagger-settings">(.*?)</script>', page, re.S).group(1))  # type: ignore[union-attr]
    assert config["validatorUrl"] is None
    assert "redoc" not in page


def test_the_check_catches_a_cdn_and_lets_a_namespace_and_the_site_itself_pass() -> None:
    assert other_host_references('<script src="https://cdn.example.com/x.js"></script>')
    assert other_host_references("<link href='//fonts.example.com/a.css'>")
    assert other_host_references("background: url(//img.example.com/a.png)")
    assert other_host_references("见 http://www.gd.gov.cn 的通知")
    assert not other_host_references('<svg xmlns="http://www.w3.org/2000/svg"></svg>')
    assert not other_host_references('<a href="http://testserver/help/">帮助</a>')
    assert not other_host_references("// a comment.  url: /static/x.js")
    assert loaded_other_hosts('x.src="https://cdn.example.com/a.js"') == ["https://cdn.example.com/a.js"]
    assert loaded_other_hosts('validatorUrl:void 0===a?"https://v.example.com/v":a') == ["https://v.example.com/v"]
    assert not loaded_other_hosts('throw Error("see https://example.com/docs")')
