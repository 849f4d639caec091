"""Bearer-token authentication for the open API.

A token is valid until it expires (settings.API_TOKEN_LIFETIME_DAYS after creation) or is
revoked, and only while its user is active. Anything else is refused with 401 problem+json
(the AuthenticationError handler in errors.py).
"""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from django.utils import timezone
from ninja.errors import AuthenticationError
from ninja.security import HttpBearer

from usefirst.core.actors import Actor, Visitor

from .models import ApiToken

LAST_USED_RESOLUTION = timedelta(minutes=1)


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Actor | None:
        token = (token or "").strip()
        if not token:
            return None
        row = ApiToken.objects.select_related("user").filter(token_hash=ApiToken.hash(token)).first()
        if row is None or not row.is_valid or not row.user.is_active:
            return None
        now = timezone.now()
        # At most one write a minute per token: busy API clients must not queue on SQLite's write lock.
        if row.last_used_at is None or now - row.last_used_at > LAST_USED_RESOLUTION:
            ApiToken.objects.filter(pk=row.pk).update(last_used_at=now)
        request.user = row.user
        request.api_token = row  # type: ignore[attr-defined]  # for rate limits and audit downstream
        return row.user


def optional_user(request: HttpRequest) -> Visitor:
    """Anonymous clients may read published items: no token is fine, but a token that is
    presented must be valid. An expired or revoked token is refused (401), not silently
    downgraded to anonymous, so that a client learns at once that it must renew it."""
    header = request.headers.get("Authorization", "")
    if header.lower().startswith("bearer "):
        user = TokenAuth().authenticate(request, header[7:].strip())
        if user is None:
            raise AuthenticationError()
        return user
    if getattr(request, "user", None) is not None and request.user.is_authenticated:
        return request.user
    return AnonymousUser()
