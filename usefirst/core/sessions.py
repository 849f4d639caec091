"""Session lifetimes (docs/security.md, "Sessions"): a signed-in session ends after
settings.SESSION_IDLE_TIMEOUT seconds without a request, and in any case
settings.SESSION_ABSOLUTE_TIMEOUT seconds after signing in, however busy it is. The person is
signed out (which the audit log records) and told why on the next page.

The last request's time is written at most once a minute (LAST_SEEN_RESOLUTION), so a busy page
does not rewrite its session row on every request.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse

SIGNED_IN_AT = "_usefirst_signed_in_at"
LAST_SEEN = "_usefirst_last_seen"
LAST_SEEN_RESOLUTION = 60


def mark_signed_in(request: HttpRequest) -> None:
    now = int(time.time())
    request.session[SIGNED_IN_AT] = now
    request.session[LAST_SEEN] = now


def expired(request: HttpRequest, now: int) -> str:
    """Why this signed-in session has ended ("" while it has not)."""
    session = request.session
    signed_in = int(session.get(SIGNED_IN_AT, now))
    last_seen = int(session.get(LAST_SEEN, now))
    if now - signed_in >= int(settings.SESSION_ABSOLUTE_TIMEOUT):
        hours = int(settings.SESSION_ABSOLUTE_TIMEOUT) // 3600
        return f"登录已超过 {hours} 小时，为保障账户安全，请重新登录。"
    if now - last_seen >= int(settings.SESSION_IDLE_TIMEOUT):
        minutes = int(settings.SESSION_IDLE_TIMEOUT) // 60
        return f"您已 {minutes} 分钟未操作，为保障账户安全，已自动退出，请重新登录。"
    return ""


class SessionTimeoutMiddleware:
    """After the authentication and message middlewares."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = int(time.time())
            why = expired(request, now)
            if why:
                logout(request)
                messages.info(request, why)
            else:
                session = request.session
                session.setdefault(SIGNED_IN_AT, now)  # a session older than this control starts its clock now
                if now - int(session.get(LAST_SEEN, 0)) >= LAST_SEEN_RESOLUTION:
                    session[LAST_SEEN] = now
        return self.get_response(request)
