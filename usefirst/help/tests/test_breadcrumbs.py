"""The 当前位置 trail: drawn by base.html for every inner page from the page's URL and its title,
so no template writes its own; accessible (a labelled nav, the current page marked), and never
leading a person to a page that would refuse them."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.template import Context, Template
from django.test import Client, RequestFactory
from django.urls import get_resolver, resolve, reverse

from usefirst.accounts.models import Organisation, User
from usefirst.help.navigation import PAGE_SECTIONS, SECTIONS, section_url

CRUMBS = re.compile(r'<nav class="breadcrumbs[^"]*" aria-label="当前位置">(.*?)</nav>', re.S)


def trail_of(html: str) -> list[str]:
    """The trail as read aloud: each crumb's text, the current page marked with a star."""
    found = CRUMBS.search(html)
    assert found, "no 当前位置 trail"
    items = re.findall(r"<li>(.*?)</li>", found.group(1), re.S)
    return [re.sub(r"<[^>]+>", "", i) + ("*" if 'aria-current="page"' in i else "") for i in items]


def _names() -> set[str]:
    """Every namespace and namespace:url_name of the site's URLs."""
    names: set[str] = set()

    def walk(resolver: object, namespace: str) -> None:
        for pattern in getattr(resolver, "url_patterns", []):
            if hasattr(pattern, "url_patterns"):
                ns = pattern.namespace or namespace
                names.add(ns or "")
                walk(pattern, ns)
            elif pattern.name and namespace:
                names.add(f"{namespace}:{pattern.name}")

    walk(get_resolver(), "")
    return names


def test_every_page_the_section_table_names_exists() -> None:
    names = _names()
    assert not [key for key in PAGE_SECTIONS if key not in names]
    assert not [key for key in PAGE_SECTIONS.values() if key not in SECTIONS]
    for section in SECTIONS.values():
        assert section_url(section).startswith("/")
        assert not section.parent or section.parent in SECTIONS


def test_every_namespace_of_the_portal_belongs_to_a_section() -> None:
    # accounts: the sign-in and registration pages have no section (首页 › 登录); the API and the
    # admin draw no base.html.
    namespaces = {n for n in _names() if n and ":" not in n} - {"accounts", "admin", "api-v1"}
    assert namespaces <= set(PAGE_SECTIONS)


def _render(path: str, body: str, **context: object) -> str:
    request = RequestFactory().get(path)
    request.user = AnonymousUser()
    request.resolver_match = resolve(path)
    return Template('{% extends "base.html" %}' + body).render(Context({"request": request, "user": request.user, **context}))


@pytest.mark.django_db
def test_the_trail_ends_with_the_title_of_the_page_under_its_section() -> None:
    html = _render("/demands/1/", "{% block title %}耐高温 &amp; 耐腐蚀涂层{% endblock %}")
    assert trail_of(html) == ["首页", "技术需求", "耐高温 &amp; 耐腐蚀涂层*"]  # escaped once, not twice
    assert '<a href="/demands/">技术需求</a>' in html


@pytest.mark.django_db
def test_a_page_may_name_itself_more_briefly_in_the_trail_than_in_its_title() -> None:
    html = _render("/help/guide/", "{% block title %}一个很长的标题{% endblock %}{% block crumb %}办事指南{% endblock %}")
    assert trail_of(html) == ["首页", "帮助", "办事指南*"]


@pytest.mark.django_db
def test_a_view_may_put_the_pages_above_it_between_the_section_and_the_page() -> None:
    html = _render(
        "/achievements/1/history/",
        "{% block title %}操作记录{% endblock %}",
        breadcrumb_parents=[("智能灌溉控制系统", "/achievements/1/")],
    )
    assert trail_of(html) == ["首页", "科技成果", "智能灌溉控制系统", "操作记录*"]


@pytest.mark.django_db
def test_a_section_landing_page_is_the_end_of_its_own_trail() -> None:
    assert trail_of(_render("/achievements/", "{% block title %}科技成果{% endblock %}")) == ["首页", "科技成果*"]


@pytest.mark.django_db
def test_the_home_page_has_no_trail(client: Client) -> None:
    assert 'aria-label="当前位置"' not in client.get("/").content.decode()


@pytest.mark.django_db
def test_a_page_outside_every_section_and_a_missing_page_still_show_where_they_are(client: Client) -> None:
    assert trail_of(client.get(reverse("accounts:login")).content.decode()) == ["首页", "登录*"]
    assert trail_of(client.get("/no-such-page/").content.decode()) == ["首页", "页面不存在*"]


@pytest.mark.django_db
def test_a_reviewer_sees_the_review_desk_in_the_trail(client: Client, provincial_reviewer: User, unit: Organisation) -> None:
    client.force_login(provincial_reviewer)
    page = client.get(reverse("accounts_review:organisation", args=[unit.pk])).content.decode()
    assert trail_of(page)[:3] == ["首页", "工作台", "机构注册审核"]


@pytest.mark.django_db
def test_an_organisation_looking_at_its_own_record_is_not_led_to_the_review_desk(
    client: Client, owner: User, unit: Organisation
) -> None:
    client.force_login(owner)
    response = client.get(reverse("accounts_review:organisation", args=[unit.pk]))
    assert response.status_code == 200
    assert trail_of(response.content.decode())[:2] == ["首页", "工作台"]
    assert "机构注册审核" not in trail_of(response.content.decode())


@pytest.mark.django_db
def test_the_trail_is_a_labelled_list_with_the_current_page_marked(client: Client) -> None:
    html = client.get(reverse("help:faq")).content.decode()
    nav = CRUMBS.search(html)
    assert nav and "<ol>" in nav.group(1) and nav.group(1).count('aria-current="page"') == 1
    assert html.index('aria-label="当前位置"') < html.index('<main id="main"')
