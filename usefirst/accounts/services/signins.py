"""Sign-ins, sign-outs and password changes in the audit log, and what a password change ends.

Django's authentication signals carry every sign-in, failure and sign-out, whichever view or
backend caused it; they are connected in `AccountsConfig.ready`. A changed password (the change
page, a reset link, `manage.py changepassword`) reaches `password_changed` through Django's own
hook for it (AUTH_PASSWORD_VALIDATORS, `RevokeCredentialsOnPasswordChange`): every API token of
the user is revoked, and Django's session hash already ends every other signed-in session.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from usefirst.api.models import ApiToken
from usefirst.core import sessions
from usefirst.core.audit import audit
from usefirst.core.models import AuditOutcome

from .. import throttles
from ..models import User


def on_signed_in(sender: Any, request: HttpRequest | None, user: User, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session"):
        sessions.mark_signed_in(request)
    audit(actor=user, action="auth.login")


def on_sign_in_failed(sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any) -> None:
    username = str(credentials.get("username") or credentials.get("email") or "")[:254]
    throttles.sign_in_failed(request, username)
    audit(actor=None, action="auth.login", outcome=AuditOutcome.REFUSED, username=username.strip().lower())


def on_signed_out(sender: Any, request: HttpRequest | None, user: User | None, **kwargs: Any) -> None:
    if user is not None:
        audit(actor=user, action="auth.logout")


def api_tokens_revoke_all(*, user: User, reason: str) -> int:
    """Revoke every live API token of `user`; the number revoked."""
    with transaction.atomic():
        live = list(ApiToken.objects.select_for_update().filter(user=user, revoked_at__isnull=True).order_by("pk"))
        now = timezone.now()
        for token in live:
            token.revoked_at = now
            token.save(update_fields=["revoked_at"])
        if live:
            audit(actor=user, action="api_token.revoke_all", reason=reason, tokens=[t.pk for t in live])
    return len(live)


def password_changed(*, user: User) -> None:
    if user.pk is None:
        return
    audit(actor=user, action="auth.password_changed")
    api_tokens_revoke_all(user=user, reason="password_changed")


class RevokeCredentialsOnPasswordChange:
    """Not a rule on the password: Django calls `password_changed` of every configured validator
    once a new password is saved, whichever way it was set; this one ends the credentials the old
    password stood behind."""

    def validate(self, password: str, user: Any = None) -> None:
        return None

    def password_changed(self, password: str, user: Any = None) -> None:
        if isinstance(user, User):
            password_changed(user=user)

    def get_help_text(self) -> str:
        return ""
