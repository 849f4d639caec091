"""The second factor (docs/security.md): time-based one-time passwords (TOTP, RFC 6238, 30 s,
6 digits) held as django-otp devices. This module is the one way the rest of the platform asks
about it: whether a person has a confirmed device, and whether a code they typed is right now.

A code verifies once: django-otp keeps the last time step a device accepted, so the same code
(or an older one) is refused the second time — a signature's will-confirmation cannot be replayed.
"""

from __future__ import annotations

import secrets

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

KEY_BYTES = 20  # 160 bits, as RFC 4226 recommends
DEVICE_NAME = "身份验证器"

UserLike = AbstractBaseUser | AnonymousUser


def _devices(user: UserLike) -> list[TOTPDevice]:
    if not getattr(user, "pk", None):
        return []
    return list(TOTPDevice.objects.filter(user_id=user.pk, confirmed=True))


def is_enrolled(user: UserLike) -> bool:
    """Whether the person has a confirmed authenticator."""
    return bool(getattr(user, "pk", None)) and TOTPDevice.objects.filter(user_id=user.pk, confirmed=True).exists()


def verify_code(user: UserLike, code: str) -> bool:
    """Whether `code` is the person's current one-time password. Consumes it: the same code is
    refused when offered again."""
    token = "".join(ch for ch in (code or "") if ch.isdigit())
    if len(token) != 6:
        return False
    return any(device.verify_token(token) for device in _devices(user))


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
