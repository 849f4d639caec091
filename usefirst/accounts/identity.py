"""The identity-provider seam. Login asks the configured provider who the person is; the local
provider checks the platform's own password store, the host platform's single sign-on will
replace it in production without touching the views."""

from __future__ import annotations

from typing import Any, Protocol

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest
from django.utils.module_loading import import_string

from .models import User


class IdentityProvider(Protocol):
    def authenticate(self, request: HttpRequest | None, *, username: str, password: str) -> User | None: ...


class LocalIdentityProvider:
    """Email + password held by the platform (PBKDF2/Argon per PASSWORD_HASHERS)."""

    def authenticate(self, request: HttpRequest | None, *, username: str, password: str) -> User | None:
        try:
            user = User.objects.get(email__iexact=username.strip())
        except User.DoesNotExist:
            User().set_password(password)  # same work either way: no timing oracle for unknown emails
            return None
        if user.check_password(password) and user.is_active:
            return user
        return None


def identity_provider() -> IdentityProvider:
    provider: IdentityProvider = import_string(settings.IDENTITY_PROVIDER)()
    return provider


class IdentityProviderBackend(ModelBackend):
    def authenticate(
        self, request: HttpRequest | None, username: str | None = None, password: str | None = None, **kwargs: Any
    ) -> User | None:
        if username is None:
            username = kwargs.get("email")
        if not username or password is None:
            return None
        return identity_provider().authenticate(request, username=username, password=password)
