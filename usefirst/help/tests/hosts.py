"""Finding references to other hosts in pages, templates, stylesheets and scripts.

A reference is an absolute URL (`http://host…`, `https://host…`) or a protocol-relative one
(`//host…` after a quote, a bracket or `=`). The site itself is no other host. What remains
allowed is listed here with its reason: identifiers that look like URLs but are never fetched.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from django.conf import settings

_HOST = r"[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+"
URL = re.compile(rf"""(?:\bhttps?:|(?<=["'(=])\s*)//(?P<host>{_HOST})(?::\d+)?[^\s"'<>)]*""", re.IGNORECASE)

# Hosts whose URLs are names, not addresses: a browser never requests them.
NAMESPACES: dict[str, str] = {
    "www.w3.org": "XML namespaces (SVG, XLink, XHTML, MathML) name a vocabulary in the markup; no browser fetches them",
}


def own_hosts() -> set[str]:
    """The site's own names: the test server, the allowed hosts and the public address of e-mails."""
    hosts = {"testserver", "localhost", "127.0.0.1", *settings.ALLOWED_HOSTS}
    if site := urlsplit(settings.SITE_URL).hostname:
        hosts.add(site)
    return {h.lower() for h in hosts if h and h != "*"}


def other_host_references(text: str) -> list[str]:
    """Every URL in `text` that names a host other than the site and is not an allowed namespace."""
    own = own_hosts()
    return [m.group(0) for m in URL.finditer(text) if (host := m.group("host").lower()) not in own and host not in NAMESPACES]


# In third-party scripts and stylesheets only what a browser would load matters: a URL given to
# src, href, url(), @import, fetch or a setting ending in Url/Uri. Comments and error texts that
# merely mention a project's home page are not requests.
LOADED = re.compile(
    r"""(?:(?:src|href|action|srcset|url|uri|import|fetch|importScripts)\s*[=(:,]\s*(?:[^"'`;,)]{0,40}\?\s*)?"""
    r"""|@import\s+|url\(\s*)["'`]?\s*((?:https?:)?//[^\s"'`)<>]+)""",
    re.IGNORECASE,
)


def loaded_other_hosts(text: str) -> list[str]:
    """The URLs of other hosts a third-party script or stylesheet hands to something that loads them."""
    own = own_hosts()
    found = []
    for m in LOADED.finditer(text):
        host = (urlsplit(m.group(1) if m.group(1).startswith("http") else "http:" + m.group(1)).hostname or "").lower()
        if host and host not in own and host not in NAMESPACES:
            found.append(m.group(1))
    return found
