"""Session lifetimes and what a new password ends: signed out after 30 minutes idle or 12 hours
after signing in, and every API token revoked when the password is changed or reset."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.urls import reverse

from usefirst.api.models import ApiToken
from usefirst.core.models import AuditEntry

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"
NEW_PASSWORD = "Another-Long-Secret-9"
START = dt.datetime(2026, 6, 1, 1, 0, tzinfo=dt.UTC)
WORKSPACE = "/accounts/workspace/"


def sign_in(client, user):
    response = client.post(reverse("accounts:login"), {"username": user.email, "password": PASSWORD})
    assert response.status_code == 302


def is_signed_in(client):
    return client.get(WORKSPACE).status_code == 200


def test_a_session_idle_for_30_minutes_is_signed_out_and_told_why(client, owner, settings):
    assert settings.SESSION_IDLE_TIMEOUT == 30 * 60
    with time_machine.travel(START, tick=False) as clock:
        sign_in(client, owner)
        clock.shift(dt.timedelta(minutes=29))
        assert is_signed_in(client)
        clock.shift(dt.timedelta(minutes=29))  # 29 minutes after the last request: still in
        assert is_signed_in(client)
        clock.shift(dt.timedelta(minutes=30))
        response = client.get(WORKSPACE, follow=True)
        assert response.redirect_chain[-1][0].startswith(reverse("accounts:login"))
        assert "30 分钟未操作" in response.content.decode()
    assert AuditEntry.objects.filter(action="auth.logout", actor=owner).exists()


def test_a_busy_session_still_ends_12_hours_after_signing_in(client, owner, settings):
    assert settings.SESSION_ABSOLUTE_TIMEOUT == 12 * 3600
    with time_machine.travel(START, tick=False) as clock:
        sign_in(client, owner)
        for _ in range(11 * 3):  # a request every 20 minutes for 11 hours
            clock.shift(dt.timedelta(minutes=20))
            assert is_signed_in(client)
        clock.shift(dt.timedelta(hours=1))
        response = client.get(WORKSPACE, follow=True)
        assert "登录已超过 12 小时" in response.content.decode()
        assert not is_signed_in(client)


def test_the_timeouts_are_settings(client, owner, settings):
    settings.SESSION_IDLE_TIMEOUT = 5 * 60
    with time_machine.travel(START, tick=False) as clock:
        sign_in(client, owner)
        clock.shift(dt.timedelta(minutes=6))
        assert not is_signed_in(client)


def live_token(user):
    from usefirst.accounts.services.tokens import token_create

    return token_create(user=user, name="脚本")[1]


def api_me(raw):
    return Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code


def test_changing_the_password_revokes_every_api_token_and_ends_other_sessions(client, owner):
    raw = live_token(owner)
    other_browser = Client()
    sign_in(other_browser, owner)
    assert api_me(raw) == 200
    sign_in(client, owner)
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert api_me(raw) == 401
    assert not ApiToken.objects.filter(user=owner, revoked_at__isnull=True).exists()
    assert is_signed_in(client) and not is_signed_in(other_browser)
    assert AuditEntry.objects.filter(action="api_token.revoke_all", actor=owner).exists()


def test_resetting_the_password_revokes_every_api_token(client, owner):
    raw = live_token(owner)
    client.post(reverse("accounts:password_reset"), {"email": owner.email})
    link = re.search(r"https?://[^/\s]+(/accounts/password/reset/\S+/)", mail.outbox[0].body).group(1)
    form_url = client.get(link, follow=True).redirect_chain[-1][0]
    response = client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 302
    assert api_me(raw) == 401


def test_a_token_issued_after_the_change_works(client, owner):
    live_token(owner)
    owner.set_password(NEW_PASSWORD)
    owner.save()
    assert api_me(live_token(owner)) == 200
