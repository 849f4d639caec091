"""Throttles of the pages anyone can reach without signing in (docs/security.md, "Throttling").

- Sign-in: django-axes locks one account *from one address* for a short cool-off after
  AXES_FAILURE_LIMIT failures (settings), so five typos cost their typist minutes, not the
  account's owner elsewhere half an hour. Beyond that, failures are counted per address (all
  accounts: someone trying many accounts) and per account (all addresses: many machines
  trying one account): LOGIN_FAILURES_PER_ADDRESS, LOGIN_FAILURES_PER_ACCOUNT.
- Password reset: mails per recipient (PASSWORD_RESET_PER_RECIPIENT; past it the page answers
  as usual and sends nothing, so it tells nobody whether the address has an account) and
  requests per client address (PASSWORD_RESET_PER_CLIENT; past it, 429).
- Registration: submissions per client address (REGISTRATION_PER_CLIENT; past it, 429).

Counts are kept by usefirst/core/throttle.py; addresses come from usefirst/core/client.py.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

from usefirst.core import throttle
from usefirst.core.audit import audit
from usefirst.core.client import client_address
from usefirst.core.errors import DomainError
from usefirst.core.models import AuditOutcome


class Throttled(DomainError):
    status = 429
    default_code = "rate_limited"

    def __init__(self, detail: str, *, retry_after: int) -> None:
        super().__init__(detail)
        self.retry_after = retry_after


def _rate(name: str) -> throttle.Rate:
    return throttle.Rate.parse(str(getattr(settings, name)))


def _minutes(seconds: int) -> int:
    return max(1, -(-seconds // 60))


# --- sign-in -----------------------------------------------------------------------------


def sign_in_failed(request: HttpRequest | None, username: str) -> None:
    address = client_address(request) if request is not None else ""
    if address:
        throttle.hit("login-address", address, _rate("LOGIN_FAILURES_PER_ADDRESS"))
    if username:
        throttle.hit("login-account", username.strip().lower(), _rate("LOGIN_FAILURES_PER_ACCOUNT"))


def sign_in_blocked(request: HttpRequest, username: str) -> int:
    """Seconds to wait when too many sign-ins failed from this address or for this account (0: go on)."""
    waits = []
    by_address = throttle.peek("login-address", client_address(request), _rate("LOGIN_FAILURES_PER_ADDRESS"))
    if not by_address.allowed:
        waits.append(by_address.retry_after)
    if username:
        by_account = throttle.peek("login-account", username.strip().lower(), _rate("LOGIN_FAILURES_PER_ACCOUNT"))
        if not by_account.allowed:
            waits.append(by_account.retry_after)
    return max(waits, default=0)


# --- password reset and registration -----------------------------------------------------


def password_reset_requested(request: HttpRequest, email: str) -> bool:
    """Count one reset request: raises Throttled past the client's limit; False when the
    recipient has had enough mails for now (send nothing, answer as usual)."""
    by_client = throttle.hit("reset-client", client_address(request), _rate("PASSWORD_RESET_PER_CLIENT"))
    if not by_client.allowed:
        raise Throttled(
            f"重置密码的请求过于频繁，请 {_minutes(by_client.retry_after)} 分钟后再试。", retry_after=by_client.retry_after
        )
    by_recipient = throttle.hit("reset-recipient", email.strip().lower(), _rate("PASSWORD_RESET_PER_RECIPIENT"))
    if not by_recipient.allowed:
        audit(actor=None, action="auth.password_reset_mail", outcome=AuditOutcome.REFUSED, reason="recipient_limit")
        return False
    return True


def registration_submitted(request: HttpRequest) -> None:
    verdict = throttle.hit("register-client", client_address(request), _rate("REGISTRATION_PER_CLIENT"))
    if not verdict.allowed:
        raise Throttled(f"注册申请提交过于频繁，请 {_minutes(verdict.retry_after)} 分钟后再试。", retry_after=verdict.retry_after)
