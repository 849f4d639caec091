"""The second factor's one way in (accounts/second_factor.py): a right code verifies once."""

from __future__ import annotations

from typing import Any

import pytest

from usefirst.accounts import second_factor

pytestmark = pytest.mark.django_db


def test_a_person_without_an_authenticator_is_not_enrolled_and_no_code_verifies(outsider: Any) -> None:
    assert not second_factor.is_enrolled(outsider)
    assert not second_factor.verify_code(outsider, "123456")


def test_the_current_code_verifies_once_and_is_refused_when_replayed(outsider: Any) -> None:
    key = second_factor.enrol_confirmed(outsider)
    code = second_factor.current_code(key)
    assert second_factor.is_enrolled(outsider)
    assert second_factor.verify_code(outsider, code)
    assert second_factor.verify_code(outsider, second_factor.current_code(key, steps_ahead=1))
    assert not second_factor.verify_code(outsider, code)


def test_after_a_wrong_code_the_next_try_waits(outsider: Any) -> None:
    """django-otp's throttle: each failure doubles the wait before the next code is looked at."""
    key = second_factor.enrol_confirmed(outsider)
    right = second_factor.current_code(key)
    assert not second_factor.verify_code(outsider, f"{(int(right) + 1) % 1_000_000:06d}")
    assert not second_factor.verify_code(outsider, right)


def test_a_malformed_code_is_refused_and_spaces_are_ignored(outsider: Any) -> None:
    key = second_factor.enrol_confirmed(outsider)
    right = second_factor.current_code(key)
    assert not second_factor.verify_code(outsider, "12345")
    assert not second_factor.verify_code(outsider, "")
    assert second_factor.verify_code(outsider, f"{right[:3]} {right[3:]}")
