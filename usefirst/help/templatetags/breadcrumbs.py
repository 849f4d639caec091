"""`{% breadcrumb_trail %}`: the 当前位置 trail base.html draws above every inner page.

The sections come from the page's URL (usefirst/help/navigation.py); the last crumb is the page's
own name: its `{% block crumb %}` when it has one (a shorter name), else its `{% block title %}`.
So no template writes a trail of its own. A view may add crumbs between the section and the page
with `breadcrumb_parents` (a list of (label, url)) in its context.
"""

from __future__ import annotations

from collections.abc import Callable
from html import unescape
from typing import Any
from urllib.parse import urlsplit

from django import template
from django.http import HttpRequest
from django.template.loader_tags import BLOCK_CONTEXT_KEY, BlockContext
from django.utils.html import strip_tags

from usefirst.accounts import workspace
from usefirst.accounts.context_processors import current_membership
from usefirst.help.navigation import OPEN_AUDIENCES, SIGNED_IN_AUDIENCES, Crumb, Section, trail

register = template.Library()


def _block_text(context: template.Context, name: str) -> str:
    """What the most derived template puts in a block, as plain text ('' when none defines it)."""
    blocks = context.render_context.get(BLOCK_CONTEXT_KEY)
    if not isinstance(blocks, BlockContext):
        return ""
    block = blocks.get_block(name)
    if block is None:
        return ""
    return " ".join(unescape(strip_tags(block.render(context))).split())


def _may_open(request: HttpRequest) -> Callable[[Section, str], bool]:
    """Whether the person may open a section's page: the open sections, and for a signed-in person
    the pages their workspace offers them (the workspace's menu shows a page only to those its
    guard lets in), read once and only when a trail needs it."""
    user = getattr(request, "user", None)  # none on a page drawn before authentication (the 400 page)
    offered: set[str] | None = None

    def may_open(section: Section, url: str) -> bool:
        nonlocal offered
        if section.audience in OPEN_AUDIENCES:
            return True
        if user is None or not user.is_authenticated:
            return False
        if section.audience in SIGNED_IN_AUDIENCES:
            return True
        if offered is None:
            menu = workspace.menu(user, current_membership(request))
            offered = {urlsplit(link.url).path for group in menu for link in group.links}
        return url in offered

    return may_open


@register.inclusion_tag("help/_breadcrumbs.html", takes_context=True)
def breadcrumb_trail(context: template.Context) -> dict[str, Any]:
    request = context.get("request")
    if request is None:
        return {"crumbs": []}
    match = getattr(request, "resolver_match", None)
    if match is not None and match.view_name == "home":
        return {"crumbs": []}
    crumbs = trail(match, request.path, _may_open(request))
    crumbs += [Crumb(str(label), str(url)) for label, url in context.get("breadcrumb_parents") or ()]
    current = _block_text(context, "crumb") or _block_text(context, "title")
    return {"crumbs": crumbs, "current": current}
