"""Login through the identity-provider seam, lockout after repeated failures, password change and reset."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.urls import reverse

from usefirst.accounts.identity import IdentityProviderBackend
from usefirst.core.testing import make_user

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"


def login(client, email, password):
    return client.post(reverse("accounts:login"), {"username": email, "password": password})


def test_the_login_page_speaks_chinese_and_labels_its_inputs(client):
    html = client.get(reverse("accounts:login")).content.decode()
    assert "电子邮箱" in html and "密码" in html
    assert 'for="id_username"' in html and 'for="id_password"' in html


def test_a_member_logs_in_and_lands_on_the_workspace(client, owner):
    response = login(client, owner.email.upper(), PASSWORD)
    assert response.status_code == 302 and response.url == reverse("accounts:workspace")
    assert client.session["_auth_user_id"] == str(owner.pk)


def test_a_wrong_password_is_refused_in_chinese(client, owner):
    response = login(client, owner.email, "wrong-password")
    assert response.status_code == 200
    assert "电子邮箱或密码不正确" in response.content.decode()
    assert "_auth_user_id" not in client.session


class RecordingProvider:
    """Stands in for the host platform's single sign-on."""

    calls: list[str] = []
    user = None

    def authenticate(self, request, *, username, password):
        self.calls.append(username)
        return self.user


def test_login_asks_the_configured_identity_provider(owner, settings, rf):
    settings.IDENTITY_PROVIDER = f"{__name__}.RecordingProvider"
    RecordingProvider.user = owner
    assert IdentityProviderBackend().authenticate(rf.get("/"), username="sso-user", password="x") == owner
    assert RecordingProvider.calls == ["sso-user"]


def test_an_unverified_administrator_cannot_log_in(client):
    user = make_user(email="pending@example.com", is_active=False)
    response = login(client, user.email, PASSWORD)
    assert "_auth_user_id" not in client.session
    assert response.status_code == 200


def test_the_sixth_attempt_is_refused_even_with_the_right_password(client, owner):
    for _ in range(5):
        login(client, owner.email, "wrong-password")
    response = login(client, owner.email, PASSWORD)
    assert response.status_code == 429
    assert "暂时无法登录" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_successful_login_before_the_limit_clears_the_failures(client, owner):
    for _ in range(4):
        login(client, owner.email, "wrong-password")
    assert login(client, owner.email, PASSWORD).status_code == 302


def test_password_change_uses_djangos_validators_in_chinese(client, owner):
    client.force_login(owner)
    url = reverse("accounts:password_change")
    response = client.post(url, {"old_password": PASSWORD, "new_password1": "12345678", "new_password2": "12345678"})
    assert "密码只包含数字" in response.content.decode()
    response = client.post(
        url, {"old_password": PASSWORD, "new_password1": "Another-Long-Secret-9", "new_password2": "Another-Long-Secret-9"}
    )
    assert response.status_code == 302
    owner.refresh_from_db()
    assert owner.check_password("Another-Long-Secret-9")


def test_password_reset_mails_a_link_that_sets_a_new_password(client, owner):
    response = client.post(reverse("accounts:password_reset"), {"email": owner.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1 and "重置密码" in mail.outbox[0].subject
    link = re.search(r"https?://[^/\s]+(/accounts/password/reset/\S+/)", mail.outbox[0].body).group(1)
    response = client.get(link, follow=True)
    assert "设置新密码" in response.content.decode()
    form_url = response.redirect_chain[-1][0]
    response = client.post(form_url, {"new_password1": "Brand-New-Secret-77", "new_password2": "Brand-New-Secret-77"})
    assert response.status_code == 302
    owner.refresh_from_db()
    assert owner.check_password("Brand-New-Secret-77")


def test_password_reset_for_an_unknown_address_sends_nothing_and_says_nothing(client, db):
    response = client.post(reverse("accounts:password_reset"), {"email": "nobody@example.com"})
    assert response.status_code == 302 and mail.outbox == []


def test_logout_is_a_post(client, owner):
    client.force_login(owner)
    client.post(reverse("accounts:logout"))
    assert "_auth_user_id" not in client.session
