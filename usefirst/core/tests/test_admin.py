import pytest
from django.contrib import admin
from django.test import RequestFactory

from usefirst.accounts.models import Organisation, User
from usefirst.core.admin import ReadOnlyModelAdmin, SuperuserAdminSite
from usefirst.core.models import AuditEntry
from usefirst.notifications.models import Notification
from usefirst.policy.models import ParameterVersion


@pytest.fixture
def superuser(db):
    return User.objects.create_superuser("root@example.com", "correct-horse-battery", full_name="平台运维")


def test_the_admin_site_is_the_superuser_only_site():
    assert isinstance(admin.site, SuperuserAdminSite)


@pytest.mark.parametrize("model", [User, Organisation, ParameterVersion, Notification, AuditEntry])
def test_the_main_domain_models_are_registered_read_only(model):
    model_admin = admin.site.get_model_admin(model)
    assert isinstance(model_admin, ReadOnlyModelAdmin)


@pytest.mark.django_db
def test_nobody_adds_changes_or_deletes_through_the_admin_not_even_a_superuser(superuser, unit):
    request = RequestFactory().get("/admin/")
    request.user = superuser
    for model_admin in admin.site._registry.values():
        if isinstance(model_admin, ReadOnlyModelAdmin):
            assert not model_admin.has_add_permission(request)
            assert not model_admin.has_change_permission(request, None)
            assert not model_admin.has_delete_permission(request, None)


@pytest.mark.django_db
def test_a_superuser_browses_the_records(client, superuser, unit):
    client.force_login(superuser)
    assert client.get("/admin/").status_code == 200
    listing = client.get("/admin/accounts/organisation/")
    assert listing.status_code == 200
    assert unit.name in listing.content.decode()
    detail = client.get(f"/admin/accounts/organisation/{unit.pk}/change/")
    assert detail.status_code == 200
    assert client.get("/admin/accounts/organisation/add/").status_code == 403
    assert client.post(f"/admin/accounts/organisation/{unit.pk}/delete/", {"post": "yes"}).status_code == 403
    assert Organisation.objects.filter(pk=unit.pk).exists()


@pytest.mark.django_db
def test_the_user_page_does_not_show_the_password_hash(client, superuser):
    from django.core.management import call_command

    security = User.objects.create_user("sec@example.com", "correct-horse-battery", full_name="安全管理员")
    call_command("platform_role", security.email, "security")
    client.force_login(security)
    html = client.get(f"/admin/accounts/user/{superuser.pk}/change/").content.decode()
    assert superuser.email in html and superuser.password not in html


@pytest.mark.django_db
def test_staff_who_are_not_superusers_are_kept_out(client, owner):
    owner.is_staff = True
    owner.save()
    client.force_login(owner)
    response = client.get("/admin/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert client.get("/admin/accounts/organisation/").status_code == 302


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_the_admin_login(client):
    response = client.get("/admin/")
    assert response.status_code == 302


def test_generated_admins_leave_out_secrets_encrypted_columns_and_private_files():
    from django.apps import apps

    from usefirst.core.admin import read_only_admin_for

    for model in apps.get_models():
        names = set(read_only_admin_for(model).fields)
        for field in model._meta.concrete_fields:
            if field.name in ("password", "token", "token_hash", "identity_hash") or field.name.endswith("_encrypted"):
                assert field.name not in names, (model, field.name)
            if field.get_internal_type() == "FileField":
                assert field.name not in names, (model, field.name)


@pytest.mark.django_db
def test_every_registered_model_lists_for_the_administrator_whose_table_it_is(client, unit):
    from django.core.management import call_command

    from usefirst.core.platform_roles import role_for_table

    for model, model_admin in admin.site._registry.items():
        if not isinstance(model_admin, ReadOnlyModelAdmin):
            continue  # Django's group admin: by Django permissions, which no platform role holds
        role = role_for_table(model._meta.label_lower).value
        user = User.objects.filter(platform_role=role).first()
        if user is None:
            user = User.objects.create_user(f"{role}@example.com", "correct-horse-battery", full_name="管理员")
            call_command("platform_role", user.email, role)
            user.refresh_from_db()
        client.force_login(user)
        url = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
        assert client.get(url).status_code == 200, url
