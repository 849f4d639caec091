"""The demo's pages as its people meet them: a small demo is loaded once for the module, and for the
public and several roles a crawler starts where they start (the home page, the workspace) and
follows each same-site link (GET), breadth first, a few pages of each shape. Every inner page it
reads shows the 当前位置 trail, no link refuses the person who follows it, and no page refers to
another host.
"""

from __future__ import annotations

import io
import re
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from html import unescape
from urllib.parse import urljoin, urlsplit

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client, override_settings

from usefirst.accounts.models import User

from .hosts import other_host_references

pytestmark = pytest.mark.django_db

PAGES_PER_ROLE = 45
PER_SHAPE = 1
# Not pages: signing out ends the crawl, files are downloads, the API and the admin have their own tests.
SKIPPED = re.compile(r"^/(accounts/logout/|api/|admin/|static/)|\.(pdf|xlsx|csv|zip|png|jpg)$|/download/|/file/|/slip/")
HREF = re.compile(r"<a\s[^>]*href=\"([^\"#]+)\"", re.IGNORECASE)
TRAIL = re.compile(
    r'<nav class="breadcrumbs[^"]*" aria-label="当前位置">\s*<ol><li><a href="/">首页</a></li>.*?aria-current="page">[^<]+<', re.S
)

# (who, the demo login's e-mail or "" for the public, where they start)
ROLES = [
    ("公众", "", "/"),
    ("高校管理员", "university-admin@usefirst.example", "/accounts/workspace/"),
    ("高校工作人员", "university-staff@usefirst.example", "/accounts/workspace/"),
    ("企业管理员", "enterprise-admin@usefirst.example", "/accounts/workspace/"),
    ("技术转移转化服务机构", "agency@usefirst.example", "/accounts/workspace/"),
    ("保险机构", "insurer@usefirst.example", "/accounts/workspace/"),
    ("地市部门审核员", "city-reviewer@usefirst.example", "/accounts/workspace/"),
    ("省级管理员", "province-admin@usefirst.example", "/accounts/workspace/"),
]


@dataclass
class Crawl:
    pages: dict[str, str] = field(default_factory=dict)  # path → HTML of each page read
    failures: list[str] = field(default_factory=list)


def _shape(path: str) -> str:
    return re.sub(r"\d+", "N", path)


def crawl(client: Client, start: str) -> Crawl:
    result = Crawl()
    seen, shapes = {start}, {_shape(start): 1}
    queue: deque[tuple[str, str]] = deque([(start, "(start)")])
    while queue and len(result.pages) < PAGES_PER_ROLE:
        path, source = queue.popleft()
        response = client.get(path, follow=True)
        if response.status_code >= 400:
            result.failures.append(f"{response.status_code} {path} ← {source}")
            continue
        if "text/html" not in response.get("content-type", ""):
            continue
        html = response.content.decode()
        result.pages[path] = html
        for href in HREF.findall(html):
            target = urlsplit(urljoin("http://testserver" + path, unescape(href)))
            if target.scheme not in ("http", "https") or target.netloc != "testserver":
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
    return result


@pytest.fixture(scope="module")
def crawls(django_db_setup: None, django_db_blocker: pytest.FixtureRequest) -> Iterator[dict[str, Crawl]]:
    """A small demo load and one crawl per role, in a transaction rolled back at the end."""
    with django_db_blocker.unblock():  # type: ignore[attr-defined]
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            with override_settings(DEMO_MODE=True):
                call_command("load_demo", "--limit", "40", "--demand-limit", "10", stdout=io.StringIO())
            found: dict[str, Crawl] = {}
            for who, email, start in ROLES:
                client = Client()
                if email:
                    client.force_login(User.objects.get(email=email))
                found[who] = crawl(client, start)
            yield found
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.mark.parametrize("who", [r[0] for r in ROLES])
def test_every_inner_page_of_the_demo_shows_where_it_is(crawls: dict[str, Crawl], who: str) -> None:
    crawl = crawls[who]
    assert len(crawl.pages) > 5, crawl.failures
    inner = {path: html for path, html in crawl.pages.items() if path != "/"}
    without = [path for path, html in inner.items() if not TRAIL.search(html)]
    assert not without, f"{who}: pages without a 当前位置 trail:\n" + "\n".join(without)


@pytest.mark.parametrize("who", [r[0] for r in ROLES])
def test_no_link_the_demo_pages_offer_is_refused(crawls: dict[str, Crawl], who: str) -> None:
    """The trails and the site map lead each role only to pages it may open."""
    assert not crawls[who].failures, f"{who}:\n" + "\n".join(crawls[who].failures)


def test_the_home_page_has_no_trail(crawls: dict[str, Crawl]) -> None:
    assert 'aria-label="当前位置"' not in crawls["公众"].pages["/"]


@pytest.mark.parametrize("who", [r[0] for r in ROLES])
def test_no_page_of_the_demo_refers_to_another_host(crawls: dict[str, Crawl], who: str) -> None:
    found = [f"{path}: {ref}" for path, html in crawls[who].pages.items() for ref in other_host_references(html)]
    assert not found, f"{who}:\n" + "\n".join(found)
