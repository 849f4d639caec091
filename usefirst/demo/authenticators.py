"""The demo's and the tests' way to give a signer a one-time code when code (not a person at a
browser) signs: `signing_code(user)` makes an authenticator for that one signature, sets the
person's own authenticators aside while it is used (so they are not charged with a failed try,
which would make them wait), and removes it afterwards. A code still counts once and is checked
by `usefirst.accounts.second_factor` like any other; only the device is made for the occasion.

`give_authenticator(email)` enrols a demo person with a fresh key and prints it (the browser
journeys compute the codes a phone would show from it)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.contrib.auth.base_user import AbstractBaseUser
from django_otp.plugins.otp_totp.models import TOTPDevice

from usefirst.accounts import second_factor


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


def give_authenticator(email: str) -> str:
    """Enrols the demo person `email` with a fresh key; prints and returns the key (hex)."""
    from usefirst.accounts.models import User

    key = second_factor.enrol_confirmed(User.objects.get(email=email))
    print(key)
    return key
