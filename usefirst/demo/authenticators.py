"""The demo's authenticators: `give_authenticator(email)` enrols a demo person with a fresh key
and prints it (the browser journeys compute the codes a phone would show from it). Code that signs
on a person's behalf uses `usefirst.accounts.scripted_signing.signing_code`."""

from __future__ import annotations

from usefirst.accounts import second_factor
from usefirst.accounts.scripted_signing import signing_code

__all__ = ["give_authenticator", "signing_code"]


def give_authenticator(email: str) -> str:
    """Enrols the demo person `email` with a fresh key; prints and returns the key (hex)."""
    from usefirst.accounts.models import User

    key = second_factor.enrol_confirmed(User.objects.get(email=email))
    print(key)
    return key
