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

Each request also gets a request id (`current_request_id()`): the one a trusted proxy passed in
X-Request-ID when it is well-formed, else a new one. It is sent back in X-Request-ID, written on
every log line (core/logging.py) and carried into the tasks the request enqueues
(core/task_backend.py), so one id follows a user's action from the proxy's log to the worker's.
"""

from __future__ import annotations

import ipaddress
import re
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar, Token
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest, HttpResponse

type Network = ipaddress.IPv4Network | ipaddress.IPv6Network

_current: ContextVar[str] = ContextVar("usefirst_client_address", default="")
_request_id: ContextVar[str] = ContextVar("usefirst_request_id", default="")
# what a proxy's request id may look like (nginx's $request_id is 32 hex digits); anything else is replaced
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


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


def _from_trusted_proxy(request: HttpRequest) -> bool:
    peer = _parse(str(request.META.get("REMOTE_ADDR") or ""))
    networks = _networks(tuple(getattr(settings, "TRUSTED_PROXIES", ()) or ()))
    return peer is not None and bool(networks) and _trusted(peer, networks)


def request_id_for(request: HttpRequest) -> str:
    """The request's id: a trusted proxy's well-formed X-Request-ID, else a new random one."""
    given = str(request.META.get("HTTP_X_REQUEST_ID", ""))
    if given and _REQUEST_ID.match(given) and _from_trusted_proxy(request):
        return given
    return uuid.uuid4().hex


def current_request_id() -> str:
    """The id of the request being served, or of the request that enqueued the running task; "" else."""
    return _request_id.get()


@contextmanager
def carrying(request_id: str) -> Iterator[None]:
    """Run code under a request id (the middleware, the worker running a request's task, tests)."""
    token = _request_id.set(request_id)
    try:
        yield
    finally:
        _request_id.reset(token)


def enter_request_id(request_id: str) -> Token[str]:
    """Make `request_id` current until `leave_request_id` (a task's start and end, in the worker)."""
    return _request_id.set(request_id)


def leave_request_id(token: Token[str]) -> None:
    _request_id.reset(token)


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
    """Makes the request's client address and id known to the code it calls (audit rows, logs,
    tasks), and answers with the id in X-Request-ID."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = request_id_for(request)
        with serving(client_address(request)), carrying(request_id):
            response = self.get_response(request)
        response["X-Request-ID"] = request_id
        return response
