"""Rate limiting of the open API (HTTP 429), a fixed window counted in Django's cache.

Anonymous clients are counted per address (settings.API_RATE_LIMIT_ANON), clients with a
valid bearer token per token (settings.API_RATE_LIMIT_TOKEN). A token that is unknown,
expired or revoked is counted as anonymous, so inventing tokens does not buy a fresh quota.
The address is REMOTE_ADDR: a deployment behind a reverse proxy must set it from the proxy's
header (e.g. in the WSGI server) rather than trusting a header any client can send.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from .errors import problem
from .models import ApiToken

API_PREFIX = "/api/v1/"
_PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


@dataclass(frozen=True)
class Rate:
    limit: int
    period: int

    @classmethod
    def parse(cls, text: str) -> Rate:
        """'120/m' → 120 requests a minute; units s, m, h, d (or second, minute, hour, day)."""
        count, _, unit = text.strip().partition("/")
        period = _PERIODS.get(unit.strip()[:1].lower())
        if period is None or not count.strip().isdigit() or int(count) < 1:
            raise ValueError(f"invalid API rate {text!r}: expected e.g. '120/m'")
        return cls(int(count), period)


def _client_key(request: HttpRequest) -> tuple[str, Rate]:
    header = request.headers.get("Authorization", "")
    if header[:7].lower() == "bearer ":
        token_hash = ApiToken.hash(header[7:].strip())
        valid = ApiToken.objects.filter(token_hash=token_hash, revoked_at__isnull=True, expires_at__gt=timezone.now()).exists()
        if valid:
            return f"token:{token_hash}", Rate.parse(settings.API_RATE_LIMIT_TOKEN)
    address = request.META.get("REMOTE_ADDR") or "unknown"
    return f"anon:{hashlib.sha256(address.encode()).hexdigest()[:32]}", Rate.parse(settings.API_RATE_LIMIT_ANON)


def hit(request: HttpRequest) -> tuple[bool, Rate, int, int]:
    """Count one request. Returns (allowed, rate, remaining, seconds until the window resets)."""
    ident, rate = _client_key(request)
    now = int(time.time())
    window = now - now % rate.period
    key = f"api-rate:{ident}:{rate.period}:{window}"
    reset_in = window + rate.period - now
    # add() creates the counter only if absent; incr() is atomic on Redis/Memcached and close
    # enough on the database and local-memory caches for a fixed window.
    cache.add(key, 0, timeout=rate.period + 1)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add() and incr()
        cache.set(key, 1, timeout=rate.period + 1)
        count = 1
    return count <= rate.limit, rate, max(rate.limit - count, 0), max(reset_in, 1)


class RateLimitMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith(API_PREFIX):
            return self.get_response(request)
        allowed, rate, remaining, reset_in = hit(request)
        if not allowed:
            response = problem(
                429,
                "rate_limited",
                f"请求过于频繁：每{_period_label(rate.period)}最多 {rate.limit} 次，请 {reset_in} 秒后再试",
            )
            response["Retry-After"] = str(reset_in)
        else:
            response = self.get_response(request)
        response["RateLimit-Limit"] = str(rate.limit)
        response["RateLimit-Remaining"] = str(remaining)
        response["RateLimit-Reset"] = str(reset_in)
        return response


def _period_label(seconds: int) -> str:
    return {1: "秒", 60: "分钟", 3600: "小时", 86400: "天"}[seconds]
