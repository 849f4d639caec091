"""What a person reads on a page, and the internal codes that must never be among it: the
checker behind tests/test_no_codes_on_screen.py, and a crawler that walks a signed-in (or
anonymous) Django test client over the site's links.

Visible text is the page's text outside <script>, <style> and <template>, plus the attributes
a browser shows (title, placeholder, alt, aria-label, the caption of a submit button).
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from django.test import Client
from django.urls import Resolver404, resolve

from usefirst.core import workflow

_SHOWN_ATTRIBUTES = {"title", "placeholder", "alt", "aria-label"}
_HIDDEN_ELEMENTS = {"script", "style", "template"}


class _VisibleText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.links: list[str] = []
        self.selects: list[str] = []  # names of <select>s inside GET forms (page filters)
        self._hidden = 0
        self._in_get_form = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        if tag in _HIDDEN_ELEMENTS:
            self._hidden += 1
        if tag == "a" and values.get("href"):
            self.links.append(values["href"])
        if tag == "form":
            self._in_get_form = values.get("method", "get").lower() == "get"
        if tag == "select" and self._in_get_form and values.get("name"):
            self.selects.append(values["name"])
        for name in _SHOWN_ATTRIBUTES & values.keys():
            self.parts.append(values[name])
        if tag == "input" and values.get("type") in ("submit", "button") and values.get("value"):
            self.parts.append(values["value"])

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN_ELEMENTS and self._hidden:
            self._hidden -= 1
        if tag == "form":
            self._in_get_form = False

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(data)


def read_page(html: str) -> _VisibleText:
    parser = _VisibleText()
    parser.feed(html)
    parser.close()
    return parser


def visible_text(html: str) -> str:
    return "\n".join(part.strip() for part in read_page(html).parts if part.strip())


def _codes() -> set[str]:
    """Every state and event code of the registered workflows."""
    codes: set[str] = set()
    for wf in workflow.registered():
        codes |= {str(v) for v in wf.states.values} | {str(v) for v in wf.event_types.values}
    return codes


_ASCII = r"A-Za-z0-9_"
SNAKE_CASE = re.compile(rf"(?<![{_ASCII}.@/-])[a-z][a-z0-9]*(?:_[a-z0-9]+)+(?![{_ASCII}@/-])")
ASCII_ARROW = re.compile(r"[A-Za-z_]{2,}\s*(?:→|->|=>)\s*[A-Za-z_]{2,}")
TEMPLATE_SYNTAX = re.compile(r"\{\{|\{%|%\}|\}\}")
WIDGET_ENGLISH = re.compile(
    r"Select an option|-{9}|Choose File|No file chosen|Currently:|Change:|Clear"
    rf"|(?<![{_ASCII}])(?:None|True|False)(?![{_ASCII}])"
)
TRACEBACK = re.compile(r"Traceback|File \"/|Exception Value|Internal Server Error")


@dataclass(frozen=True)
class Leak:
    kind: str
    text: str

    def __str__(self) -> str:
        return f"{self.kind}: {self.text!r}"


def leaks(text: str, *, allowed: Iterable[re.Pattern[str]] = ()) -> list[Leak]:
    """The internal codes, template syntax, English widget words and stack traces in a page's
    visible text; a match that one of `allowed` covers is not counted."""
    state_codes = _codes()
    ascii_code = re.compile(
        rf"(?<![{_ASCII}.@/-])(?:{'|'.join(sorted(map(re.escape, state_codes), key=len, reverse=True))})(?![{_ASCII}@/-])"
    )
    found: list[Leak] = []
    for line in text.splitlines():
        if any(pattern.search(line) for pattern in allowed):
            continue
        for kind, pattern in (
            ("下划线代码", SNAKE_CASE),
            ("状态或事件代码", ascii_code),
            ("英文箭头", ASCII_ARROW),
            ("模板语法", TEMPLATE_SYNTAX),
            ("英文控件文字", WIDGET_ENGLISH),
            ("错误堆栈", TRACEBACK),
        ):
            for match in pattern.finditer(line):
                found.append(Leak(kind, line.strip()[:160] if kind != "下划线代码" else match.group(0)))
    return found


# ---------------------------------------------------------------- crawling

SKIPPED = re.compile(
    r"^/(accounts/logout/|api/|admin/|static/|media/)"
    r"|\.(pdf|xlsx|csv|zip|png|jpg|json)$|/(download|file|slip|pdf|attachments)/"
)


def pattern_of(path: str) -> str | None:
    """The URL pattern a path resolves to (its route), or None for no page of the site."""
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return f"{match.namespace}:{match.url_name}" if match.namespace else str(match.url_name)


@dataclass
class Crawl:
    pages: dict[str, str] = field(default_factory=dict)  # path → its URL pattern
    failures: list[str] = field(default_factory=list)
    list_pages: dict[str, list[str]] = field(default_factory=dict)  # pattern → the GET-form selects


def crawl(
    client: Client,
    starts: Iterable[str],
    *,
    per_pattern: int = 3,
    limit: int = 400,
    allowed: Iterable[re.Pattern[str]] = (),
) -> Crawl:
    """Breadth first from `starts` over same-site links (GET), at most `per_pattern` pages of one
    URL pattern; every HTML page read is checked for leaks."""
    result = Crawl()
    allowed = list(allowed)
    queue: deque[tuple[str, str]] = deque((start, "(起点)") for start in starts)
    seen = set(starts)
    per: dict[str, int] = {}
    while queue and len(result.pages) < limit:
        path, source = queue.popleft()
        response = client.get(path, follow=True)
        final = response.redirect_chain[-1][0] if response.redirect_chain else path
        if response.status_code >= 500:
            result.failures.append(f"{response.status_code} {path} ← {source}")
            continue
        if "text/html" not in response.get("Content-Type", ""):
            continue
        result.pages[path] = pattern_of(urlsplit(final).path) or "?"
        page = read_page(response.content.decode())
        text = "\n".join(part.strip() for part in page.parts if part.strip())
        for leak in leaks(text, allowed=allowed):
            result.failures.append(f"{path} ← {source}: {leak}")
        if page.selects and not urlsplit(path).query:
            result.list_pages.setdefault(path, page.selects)
        for href in page.links:
            target = urlsplit(urljoin("http://testserver" + path, href))
            if target.netloc not in ("", "testserver") or target.scheme not in ("http", "https"):
                continue
            link = target.path + (f"?{target.query}" if target.query else "")
            if link in seen or SKIPPED.search(target.path):
                continue
            seen.add(link)
            shape = pattern_of(target.path)
            if shape is None or per.get(shape, 0) >= per_pattern:
                continue
            per[shape] = per.get(shape, 0) + 1
            queue.append((link, path))
    return result
