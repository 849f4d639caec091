"""A one-time code for code that signs on a person's behalf — the demo loader, the benches and the
tests (never a page or a service): `signing_code(user)` makes an authenticator for that one
signature, sets the person's own authenticators aside while it is used (so they are not charged
with a failed try, which would make them wait), and removes it afterwards. The code still counts
once and is checked by `usefirst.accounts.second_factor` like any other; only the device is made
for the occasion. Here, in accounts, so that every layer's scripts may use it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.contrib.auth.base_user import AbstractBaseUser
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import second_factor


@contextmanager
def signing_code(user: AbstractBaseUser) -> Iterator[str]:
    """A current code of an authenticator made for this one signature."""
    own = list(TOTPDevice.objects.filter(user_id=user.pk, confirmed=True).values_list("pk", flat=True))
    TOTPDevice.objects.filter(pk__in=own).update(confirmed=False)
    key = second_factor.enrol_confirmed(user)
    try:
        yield second_factor.current_code(key)
    finally:
        TOTPDevice.objects.filter(user_id=user.pk, key=key).delete()
        TOTPDevice.objects.filter(pk__in=own).update(confirmed=True)
