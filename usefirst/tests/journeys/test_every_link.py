"""Every demo role reaches every page its own pages show: signed in through the login page, a
crawler starts on the workspace and follows each same-site link (GET), breadth first, and no
page answers 4xx or 5xx. Links of one shape (/achievements/12/ and /achievements/34/) are
followed twice at most, so the crawl is broad rather than deep."""

from __future__ import annotations

import re
from collections import deque
from html import unescape
from urllib.parse import urljoin, urlsplit

import pytest

from usefirst.core.layout_check import BROWSER_MARKS
from usefirst.demo.logins import DEMO_LOGINS

from .conftest import login

pytestmark = BROWSER_MARKS

PAGES_PER_ROLE = 160
PER_SHAPE = 2
# Not pages: signing out ends the crawl, files are downloads, the API and the admin have their own tests.
SKIPPED = re.compile(r"^/(accounts/logout/|api/|admin/|static/)|\.(pdf|xlsx|csv|zip|png|jpg)$|/download/|/file/")
HREF = re.compile(r"<a\s[^>]*href=\"([^\"#]+)\"", re.IGNORECASE)


def _shape(path: str) -> str:
    return re.sub(r"\d+", "N", path)


def crawl(request_context, demo_url: str, start: str, pages: list[str] | None = None) -> tuple[list[str], int]:
    """Breadth-first from `start`; returns the failures ('status path ← the page that linked it') and the pages read.
    The paths of the HTML pages that opened are added to `pages` when it is given."""
    seen: set[str] = {start}
    shapes: dict[str, int] = {}
    queue: deque[tuple[str, str]] = deque([(start, "(start)")])
    failures: list[str] = []
    read = 0
    while queue and read < PAGES_PER_ROLE:
        path, source = queue.popleft()
        response = request_context.get(demo_url + path, max_redirects=5)
        read += 1
        if response.status >= 400:
            failures.append(f"{response.status} {path} ← {source}")
            continue
        if "text/html" not in response.headers.get("content-type", ""):
            continue
        if pages is not None:
            pages.append(path)
        for href in HREF.findall(response.text()):
            target = urlsplit(urljoin(demo_url + path, unescape(href)))
            if target.scheme not in ("http", "https"):  # javascript:history.back(), mailto:
                continue
            if target.netloc and target.netloc != urlsplit(demo_url).netloc:
                continue
            link = target.path + (f"?{target.query}" if target.query else "")
            if link in seen or SKIPPED.search(target.path):
                continue
            seen.add(link)
            shape = _shape(target.path)
            if shapes.get(shape, 0) >= PER_SHAPE:
                continue
            shapes[shape] = shapes.get(shape, 0) + 1
            queue.append((link, path))
    return failures, read


def test_the_public_reaches_every_page_the_home_page_shows(demo_url, page):
    failures, read = crawl(page.context.request, demo_url, "/")
    assert read > 10
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("demo_login", DEMO_LOGINS, ids=[d.email.split("@")[0] for d in DEMO_LOGINS])
def test_every_role_reaches_every_page_its_workspace_shows(demo_url, page, demo_login):
    login(page, demo_url, demo_login.email)
    failures, read = crawl(page.context.request, demo_url, "/accounts/workspace/")
    assert read > 5
    assert not failures, f"{demo_login.role}（{demo_login.email}）:\n" + "\n".join(failures)
