"""Throttles of sign-in, password reset and registration: five typos cost their typist ten minutes
from that address only; wider limits per address and per account; a reset mail cannot be sent to
one address fifteen times a minute; registrations are limited per address."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from usefirst.core.testing import make_user

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"
START = dt.datetime(2026, 6, 1, 1, 0, tzinfo=dt.UTC)


def login(client, email, password, address="203.0.113.1"):
    return client.post(reverse("accounts:login"), {"username": email, "password": password}, REMOTE_ADDR=address)


def test_five_typos_lock_the_account_from_that_address_for_ten_minutes_only(client, owner):
    with time_machine.travel(START, tick=False) as clock:
        for _ in range(5):
            login(client, owner.email, "typo")
        assert login(client, owner.email, PASSWORD).status_code == 429
        assert login(client, owner.email, PASSWORD, address="198.51.100.2").status_code == 302  # elsewhere: open
        clock.shift(dt.timedelta(minutes=11))
        assert login(client, owner.email, PASSWORD).status_code == 302


def test_one_address_failing_for_many_accounts_is_stopped(client, owner, settings):
    settings.LOGIN_FAILURES_PER_ADDRESS = "6/15m"
    with time_machine.travel(START, tick=False):
        for i in range(6):
            login(client, f"guess{i}@example.com", "guess")
        response = login(client, owner.email, PASSWORD)
        assert response.status_code == 429 and int(response["Retry-After"]) > 0
        assert "暂时无法登录" in response.content.decode()
        assert login(client, owner.email, PASSWORD, address="198.51.100.2").status_code == 302


def test_many_addresses_failing_for_one_account_are_stopped(client, owner, settings):
    settings.LOGIN_FAILURES_PER_ACCOUNT = "8/h"
    with time_machine.travel(START, tick=False):
        for i in range(8):  # two failures from each of four addresses: below the per-address lockout
            login(client, owner.email, "guess", address=f"192.0.2.{i // 2}")
        assert login(client, owner.email, PASSWORD, address="192.0.2.99").status_code == 429


def test_fifteen_reset_requests_for_one_address_in_a_minute_send_three_mails(client, owner):
    with time_machine.travel(START, tick=False):
        for i in range(15):
            response = client.post(reverse("accounts:password_reset"), {"email": owner.email}, REMOTE_ADDR=f"192.0.2.{i}")
            assert response.status_code == 302  # the same answer each time: nothing is told
    assert len(mail.outbox) == 3


def test_one_client_asking_too_many_resets_is_refused_with_429(client, settings, db):
    settings.PASSWORD_RESET_PER_CLIENT = "4/h"
    with time_machine.travel(START, tick=False):
        for i in range(4):
            assert client.post(reverse("accounts:password_reset"), {"email": f"p{i}@example.com"}).status_code == 302
        response = client.post(reverse("accounts:password_reset"), {"email": "p9@example.com"})
    assert response.status_code == 429 and response["Retry-After"]
    assert "重置密码的请求过于频繁" in response.content.decode()


def test_registrations_are_limited_per_address(client, settings, db):
    settings.REGISTRATION_PER_CLIENT = "2/h"
    with time_machine.travel(START, tick=False):
        for _ in range(2):
            assert client.post(reverse("accounts:register"), {"name": ""}).status_code == 400
        response = client.post(reverse("accounts:register"), {"name": ""})
    assert response.status_code == 429 and "注册申请提交过于频繁" in response.content.decode()


def test_a_locked_account_elsewhere_still_gets_its_reset_mail(client):
    user = make_user(email="typist@example.com")
    for _ in range(5):
        login(client, user.email, "typo")
    client.post(reverse("accounts:password_reset"), {"email": user.email})
    assert len(mail.outbox) == 1


def test_issuing_an_api_token_obeys_the_same_sign_in_limits(client, owner, settings):
    settings.LOGIN_FAILURES_PER_ACCOUNT = "3/h"
    with time_machine.travel(START, tick=False):
        for i in range(3):
            login(client, owner.email, "guess", address=f"192.0.2.{i}")
        response = client.post(
            "/api/v1/tokens", {"email": owner.email, "password": PASSWORD, "name": "脚本"}, content_type="application/json"
        )
    assert response.status_code == 429 and response.json()["code"] == "rate_limited"
