"""The second factor (docs/security.md): time-based one-time passwords (TOTP, RFC 6238, 30 s,
6 digits) held as django-otp devices. This module is the one way the rest of the platform asks
about it: whether a person has a confirmed device, and whether a code they typed is right now.

A code verifies once: django-otp keeps the last time step a device accepted, so the same code
(or an older one) is refused the second time — a signature's will-confirmation cannot be replayed.

Who must have one (`is_required`): staff of the provincial, city and sector departments and the
platform administrators (三员分立); with settings.USEFIRST_SECOND_FACTOR_REQUIRED on, such a
person signed in without one is sent to the enrolment page (`EnrolmentRequiredMiddleware`).
Recovery codes are django-otp static tokens: ten, each good once, for a lost phone.
"""

from __future__ import annotations

import base64
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

KEY_BYTES = 20  # 160 bits, as RFC 4226 recommends
DEVICE_NAME = "身份验证器"
RECOVERY_DEVICE_NAME = "恢复码"
RECOVERY_CODE_COUNT = 10

UserLike = AbstractBaseUser | AnonymousUser


def _devices(user: UserLike) -> list[TOTPDevice]:
    if not getattr(user, "pk", None):
        return []
    return list(TOTPDevice.objects.filter(user_id=user.pk, confirmed=True))


def is_enrolled(user: UserLike) -> bool:
    """Whether the person has a confirmed authenticator."""
    return bool(getattr(user, "pk", None)) and TOTPDevice.objects.filter(user_id=user.pk, confirmed=True).exists()


def _six_digits(code: str) -> str:
    """The digits typed, when they are six ("" otherwise): spaces and dashes are ignored."""
    token = "".join(ch for ch in (code or "") if ch.isdigit())
    return token if len(token) == 6 else ""


def verify_code(user: UserLike, code: str) -> bool:
    """Whether `code` is the person's current one-time password. Consumes it: the same code is
    refused when offered again."""
    token = _six_digits(code)
    return bool(token) and any(device.verify_token(token) for device in _devices(user))


def enrol_confirmed(user: AbstractBaseUser, *, key_hex: str | None = None) -> str:
    """Gives the person a confirmed authenticator with `key_hex` (a fresh random key when None)
    and returns the key in hex. For the demo's and the tests' people, whose key is known; people
    enrol through the enrolment page, which confirms the device with a first code."""
    key = key_hex or secrets.token_hex(KEY_BYTES)
    TOTPDevice.objects.create(user=user, name=DEVICE_NAME, key=key, confirmed=True)
    return key


def current_code(key_hex: str, *, steps_ahead: int = 0) -> str:
    """The code an authenticator holding `key_hex` shows now (tests and the demo's helpers);
    `steps_ahead=1` gives the next 30-second step's, which a device also accepts (one step of
    clock drift), for a second confirmation within the same half minute."""
    totp = TOTP(bytes.fromhex(key_hex), step=30, t0=0, digits=6, drift=steps_ahead)
    return f"{totp.token():06d}"


# --- who must have one, and the state of a person's factor ---------------------------------


def is_required(user: UserLike) -> bool:
    """Whether the person's post requires the second factor: a platform administrator (三员分立)
    or an active member of a provincial, city or sector department or of an audit office (all
    government staff who read across organisations)."""
    from .models import DEPARTMENT_KINDS, Membership, OrganisationKind

    pk = getattr(user, "pk", None)
    if not pk:
        return False
    if getattr(user, "platform_role", ""):
        return True
    kinds = [*DEPARTMENT_KINDS, OrganisationKind.AUDIT_OFFICE]
    return Membership.objects.filter(user_id=int(pk), is_active=True, organisation__kind__in=kinds).exists()


def enforced() -> bool:
    """Whether people whose post requires it are held at the enrolment page until they enrol."""
    return bool(getattr(settings, "USEFIRST_SECOND_FACTOR_REQUIRED", True))


def must_enrol(user: UserLike) -> bool:
    return enforced() and is_required(user) and not is_enrolled(user)


@dataclass(frozen=True)
class Status:
    enrolled: bool
    since: datetime | None
    recovery_codes_left: int
    required: bool


def status(user: UserLike) -> Status:
    devices = _devices(user)
    since = min((d.created_at for d in devices if d.created_at), default=None)
    left = StaticToken.objects.filter(device__user_id=user.pk).count() if devices else 0
    return Status(enrolled=bool(devices), since=since, recovery_codes_left=left, required=is_required(user))


def pending_device(user: AbstractBaseUser) -> TOTPDevice:
    """The person's not yet confirmed authenticator (made on first call, kept until confirmed,
    so the QR code does not change when the page is reloaded)."""
    device = TOTPDevice.objects.filter(user_id=user.pk, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, key=secrets.token_hex(KEY_BYTES), confirmed=False)
    return device


def provisioning_uri(device: TOTPDevice) -> str:
    """The otpauth:// address an authenticator app reads from the QR code."""
    return str(device.config_url)


def secret_base32(device: TOTPDevice) -> str:
    """The key as authenticator apps take it by hand: Base32, in groups of four."""
    text = base64.b32encode(bytes(device.bin_key)).decode("ascii").rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def recovery_codes_issue(user: AbstractBaseUser) -> list[str]:
    """Replaces the person's recovery codes with RECOVERY_CODE_COUNT new ones, each good once."""
    device, _ = StaticDevice.objects.get_or_create(user=user, name=RECOVERY_DEVICE_NAME, defaults={"confirmed": True})
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def display_code(code: str) -> str:
    return f"{code[:4]}-{code[4:]}"


# --- checking what was typed -----------------------------------------------------------------


@dataclass(frozen=True)
class Check:
    """The answer to a typed code: `method` is "totp" or "recovery" when it was right; `wait`
    the seconds django-otp's throttle still holds the next try back after earlier failures."""

    method: str = ""
    wait: int = 0

    @property
    def ok(self) -> bool:
        return bool(self.method)


def _wait_seconds(device: TOTPDevice | StaticDevice) -> int:
    allowed, data = device.verify_is_allowed()
    if allowed or not data:
        return 0
    until = data.get("locked_until")
    if until is None:
        return 0
    from django.utils import timezone

    return max(1, int((until - timezone.now()).total_seconds()) + 1)


def _recovery_token(code: str) -> str:
    return "".join(ch for ch in (code or "").lower() if ch.isalnum())


def check_sign_in_code(user: UserLike, code: str) -> Check:
    """A one-time password or, when it is not six digits, a recovery code (spent when right).
    While django-otp's throttle holds the devices back after failures, nothing is checked."""
    compact = "".join(ch for ch in (code or "") if not ch.isspace())
    if len(compact) == 6 and compact.isdigit():
        devices: list[TOTPDevice] | list[StaticDevice] = _devices(user)
        token = compact
        method = "totp"
    else:
        devices = list(StaticDevice.objects.filter(user_id=user.pk, confirmed=True)) if getattr(user, "pk", None) else []
        token = _recovery_token(code)
        method = "recovery"
    if not token or not devices:
        return Check()
    waits = [_wait_seconds(device) for device in devices]
    if all(waits):
        return Check(wait=min(waits))
    if any(device.verify_token(token) for device, wait in zip(devices, waits, strict=True) if not wait):
        return Check(method=method)
    return Check()


def verify_pending(device: TOTPDevice, code: str) -> bool:
    token = _six_digits(code)
    return bool(token) and bool(device.verify_token(token))


# --- the enrolment gate --------------------------------------------------------------------

EXEMPT_PREFIXES = ("/static/", "/media/", "/health/", "/help/", "/metrics", "/favicon.ico")


class EnrolmentRequiredMiddleware:
    """A signed-in person whose post requires the second factor and who has none reaches only
    the enrolment page, sign-out, the help pages, static files and the health checks until they
    enrol; the API answers 403 (problem+json) to their session. After the message middleware."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not self._exempt(request.path) and must_enrol(user):
            if request.path.startswith("/api/"):
                from usefirst.api.errors import problem

                return problem(403, "second_factor_enrolment_required", "您的岗位须启用双因素认证：请先在网页上绑定身份验证器")
            return redirect("accounts:second_factor")
        return self.get_response(request)

    @staticmethod
    def _exempt(path: str) -> bool:
        own = (reverse("accounts:second_factor"), reverse("accounts:logout"), reverse("accounts:login"))
        return path.startswith(own) or path.startswith(EXEMPT_PREFIXES)
