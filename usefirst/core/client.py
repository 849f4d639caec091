"""Where a request comes from: the one answer to "what is the client's address?".

The audit log, the login and password-reset throttles and the API rate limit all ask
`client_address(request)`. The peer address (REMOTE_ADDR) is the answer unless the peer is one
of the reverse proxies named in settings.TRUSTED_PROXIES (addresses or networks, e.g.
``["10.0.0.5", "10.1.0.0/16"]``). Only then is X-Forwarded-For read, from the right: each
proxy appends the address it saw, so the first address from the right that is not a trusted
proxy is the client. A header sent by anybody else is ignored, so a client cannot choose the
address it is counted and audited under.

Code that has no request at hand (a service writing an audit row) reads the address of the
request being served through `current_address()`, which `RequestContextMiddleware` sets; a
scheduled job or a management command has none (an empty string).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest, HttpResponse

type Network = ipaddress.IPv4Network | ipaddress.IPv6Network

_current: ContextVar[str] = ContextVar("usefirst_client_address", default="")


@lru_cache(maxsize=8)
def _networks(proxies: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(p.strip(), strict=False) for p in proxies if p.strip())


def _parse(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def _trusted(address: ipaddress.IPv4Address | ipaddress.IPv6Address, networks: tuple[Network, ...]) -> bool:
    return any(address in network for network in networks)


def client_address(request: HttpRequest) -> str:
    """The client's address, honouring X-Forwarded-For only from settings.TRUSTED_PROXIES."""
    peer = _parse(str(request.META.get("REMOTE_ADDR") or ""))
    if peer is None:
        return ""
    networks = _networks(tuple(getattr(settings, "TRUSTED_PROXIES", ()) or ()))
    if not networks or not _trusted(peer, networks):
        return str(peer)
    forwarded = [_parse(part) for part in str(request.META.get("HTTP_X_FORWARDED_FOR", "")).split(",")]
    for hop in reversed(forwarded):
        if hop is None:
            break  # a malformed entry: nothing left of it can be believed
        if not _trusted(hop, networks):
            return str(hop)
    return str(peer)


def current_address() -> str:
    """The client address of the request being served, or "" outside a request."""
    return _current.get()


@contextmanager
def serving(address: str) -> Iterator[None]:
    """Run code as if serving a request from `address` (the middleware, and tests)."""
    token = _current.set(address)
    try:
        yield
    finally:
        _current.reset(token)


class RequestContextMiddleware:
    """Makes the request's client address known to the code it calls (audit rows)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with serving(client_address(request)):
            return self.get_response(request)
