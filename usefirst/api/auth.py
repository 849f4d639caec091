from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer

from .models import ApiToken


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        row = ApiToken.objects.select_related("user").filter(token_hash=ApiToken.hash(token)).first()
        if row is None or not row.is_valid or not row.user.is_active:
            return None
        ApiToken.objects.filter(pk=row.pk).update(last_used_at=timezone.now())
        request.user = row.user
        return row.user


def optional_user(request: HttpRequest) -> Any:
    """Anonymous clients may read published items: auth that never refuses, but identifies."""
    header = request.headers.get("Authorization", "")
    if header.lower().startswith("bearer "):
        user = TokenAuth().authenticate(request, header[7:].strip())
        if user is not None:
            return user
    if getattr(request, "user", None) is not None and request.user.is_authenticated:
        return request.user
    from django.contrib.auth.models import AnonymousUser

    return AnonymousUser()
