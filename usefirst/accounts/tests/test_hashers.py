"""Passwords are stored with Argon2id in a deployment, and older hashes still let people in."""

from __future__ import annotations

import pytest
from django.contrib.auth.hashers import check_password, make_password
from django.test import override_settings

from usefirst.settings import base

pytestmark = pytest.mark.django_db


@override_settings(PASSWORD_HASHERS=base.PASSWORD_HASHERS)
def test_a_new_password_is_stored_as_argon2id_with_the_chosen_cost():
    encoded = make_password("Correct-horse-2026")
    assert encoded.startswith("argon2$argon2id$")
    assert "m=47104,t=1,p=1" in encoded
    assert check_password("Correct-horse-2026", encoded)
    assert not check_password("correct-horse-2026", encoded)


@override_settings(PASSWORD_HASHERS=base.PASSWORD_HASHERS)
def test_a_pbkdf2_hash_from_before_still_verifies_and_is_upgraded_at_its_next_check(client):
    from usefirst.accounts.models import User

    old = make_password("Correct-horse-2026", hasher="pbkdf2_sha256")
    user = User.objects.create(email="old-hash@example.cn", full_name="旧密码用户", password=old)
    assert user.check_password("Correct-horse-2026")
    user.refresh_from_db()
    assert user.password.startswith("argon2$argon2id$")
