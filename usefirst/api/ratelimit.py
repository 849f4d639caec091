"""Rate limiting of the open API (HTTP 429 with Retry-After), a fixed window counted exactly.

Anonymous clients are counted per address (settings.API_RATE_LIMIT_ANON), clients with a
valid bearer token per token (settings.API_RATE_LIMIT_TOKEN). A token that is unknown,
expired or revoked is counted as anonymous, so inventing tokens does not buy a fresh quota.
The address is the one `usefirst.core.client.client_address` gives (X-Forwarded-For only from
settings.TRUSTED_PROXIES). The count is the shared throttle's (usefirst/core/throttle.py): one
atomic statement per request, so no more than the limit pass in a window, however many
requests arrive at once.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from usefirst.core import throttle
from usefirst.core.client import client_address
from usefirst.core.throttle import Rate

from .errors import problem
from .models import ApiToken

__all__ = ["Rate", "RateLimitMiddleware", "hit"]

API_PREFIX = "/api/v1/"


def _client_key(request: HttpRequest) -> tuple[str, Rate]:
    header = request.headers.get("Authorization", "")
    if header[:7].lower() == "bearer ":
        token_hash = ApiToken.hash(header[7:].strip())
        valid = ApiToken.objects.filter(token_hash=token_hash, revoked_at__isnull=True, expires_at__gt=timezone.now()).exists()
        if valid:
            return f"token:{token_hash}", Rate.parse(settings.API_RATE_LIMIT_TOKEN)
    return f"anon:{client_address(request) or 'unknown'}", Rate.parse(settings.API_RATE_LIMIT_ANON)


def hit(request: HttpRequest) -> tuple[bool, Rate, int, int]:
    """Count one request. Returns (allowed, rate, remaining, seconds until the window resets)."""
    ident, rate = _client_key(request)
    verdict = throttle.hit("api", ident, rate)
    return verdict.allowed, rate, verdict.remaining, verdict.retry_after


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
    return {1: "秒", 60: "分钟", 3600: "小时", 86400: "天"}.get(seconds, f"{seconds}秒")
