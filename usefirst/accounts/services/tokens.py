"""API bearer tokens: created with the identity provider's answer, shown once, expiring, revocable."""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from usefirst.api.models import ApiToken
from usefirst.core.audit import audit
from usefirst.core.errors import DomainError, NotFound

from ..models import User

TOKEN_PREFIX = "uf_"


def token_create(*, user: User, name: str = "") -> tuple[ApiToken, str]:
    """The new token row and the raw token, which is never stored and cannot be shown again."""
    name = (name or "").strip() or "接口令牌"
    if len(name) > 64:
        raise DomainError("令牌名称过长（不超过64个字符）", code="validation_failed", field_errors={"name": ["内容过长"]})
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user,
            name=name,
            token_hash=ApiToken.hash(raw),
            prefix=raw[:8],
            expires_at=timezone.now() + timedelta(days=int(settings.API_TOKEN_LIFETIME_DAYS)),
        )
        audit(actor=user, action="api_token.create", obj=token, name=name)
    return token, raw


def tokens_of(user: User) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user).order_by("-created_at", "-pk")


def token_revoke(*, actor: User, token_id: int) -> ApiToken:
    with transaction.atomic():
        token = ApiToken.objects.select_for_update().filter(pk=token_id, user=actor).first()
        if token is None:
            raise NotFound("未找到该令牌", code="not_found")
        if token.revoked_at is None:
            token.revoked_at = timezone.now()
            token.save(update_fields=["revoked_at"])
            audit(actor=actor, action="api_token.revoke", obj=token)
    return token
