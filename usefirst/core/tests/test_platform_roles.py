"""三员分立: the system, security and audit administrators each read only their own tables in the
platform's admin window, and no account holds two roles (docs/security.md)."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.core.management import call_command
from django.db import IntegrityError, transaction

from usefirst.accounts.models import User
from usefirst.core.admin import ReadOnlyModelAdmin
from usefirst.core.models import AuditEntry
from usefirst.core.platform_roles import PlatformRole, role_for_table

pytestmark = pytest.mark.django_db

# One table of each role's, with the role that alone may read it.
TABLES = {
    "/admin/accounts/organisation/": PlatformRole.SYSTEM,
    "/admin/core/dailyjobrun/": PlatformRole.SYSTEM,
    "/admin/accounts/user/": PlatformRole.SECURITY,
    "/admin/api/apitoken/": PlatformRole.SECURITY,
    "/admin/core/auditentry/": PlatformRole.AUDIT,
    "/admin/core/chainheadsignature/": PlatformRole.AUDIT,
}


def administrator(role: str) -> User:
    user = User.objects.create_user(f"{role}@example.com", "correct-horse-battery", full_name="管理员")
    call_command("platform_role", user.email, role)
    return User.objects.get(pk=user.pk)


@pytest.mark.parametrize("role", PlatformRole.values)
@pytest.mark.parametrize(("url", "owner"), TABLES.items())
def test_each_administrator_reads_only_its_own_tables(client, role, url, owner):
    client.force_login(administrator(role))
    assert client.get("/admin/").status_code == 200
    assert client.get(url).status_code == (200 if role == owner else 403), (role, url)


def test_every_table_of_the_admin_belongs_to_exactly_one_role(client):
    users = {role: administrator(role) for role in PlatformRole.values}
    for model, model_admin in admin.site._registry.items():
        url = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
        readers = []
        for role, user in users.items():
            client.force_login(user)
            if client.get(url).status_code == 200:
                readers.append(role)
        # Django's own group admin goes by Django permissions, which no platform role holds.
        expected = [role_for_table(model._meta.label_lower).value] if isinstance(model_admin, ReadOnlyModelAdmin) else []
        assert readers == expected, url


def test_an_account_without_a_role_or_a_bare_superuser_is_kept_out(client, owner):
    owner.is_staff = True
    owner.save()
    client.force_login(owner)
    assert client.get("/admin/").status_code == 302
    root = User.objects.create_user("root@example.com", "correct-horse-battery", full_name="超级用户", is_superuser=True)
    client.force_login(root)
    assert client.get("/admin/").status_code == 302


def test_no_account_holds_two_roles(db):
    user = administrator(PlatformRole.SECURITY)
    call_command("platform_role", user.email, PlatformRole.AUDIT)
    user.refresh_from_db()
    assert user.platform_role == PlatformRole.AUDIT  # the new role replaced the old: one value
    user.is_superuser = True  # a superuser would hold every role's powers
    with pytest.raises(IntegrityError), transaction.atomic():
        user.save()
    assert AuditEntry.objects.filter(action="accounts.platform_role", object_id=str(user.pk)).count() == 2


def test_createsuperuser_makes_a_system_administrator_only(db):
    user = User.objects.create_superuser("ops@example.com", "correct-horse-battery", full_name="运维")
    assert user.platform_role == PlatformRole.SYSTEM and not user.is_superuser


def test_no_admin_page_shows_a_persons_authenticator_key() -> None:
    from django.contrib.admin import site

    assert not [m for m in site._registry if m._meta.app_label in ("otp_totp", "otp_static")]
