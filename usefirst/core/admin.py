"""Django admin: the platform administrators only, each reading only its own tables (三员分立,
usefirst/core/platform_roles.py), and read-only on every domain model.

Writes go through the services (which validate, lock, audit and notify); the admin is a window
onto the data for the platform's operators, never a second way to change it. Installed as
`usefirst.core.admin.SuperuserAdminConfig` in place of `django.contrib.admin`. This module is
imported while the app registry loads, so it imports no models at module level.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.db import models
from django.http import HttpRequest

from .platform_roles import may_read_table, role_of

# The apps whose models the admin shows; a model added to one of them appears automatically.
DOMAIN_APPS = ("accounts", "catalog", "policy", "notifications", "core", "api", "plan_projects")

# Never displayed, even hashed or encrypted: the admin is read by people who do not need them.
# Files are private and served only through permission-checked views.
HIDDEN_FIELDS = frozenset({"password", "token", "token_hash", "identity_hash"})


def _hidden(field: models.Field[Any, Any]) -> bool:
    return field.name in HIDDEN_FIELDS or field.name.endswith("_encrypted") or isinstance(field, models.FileField)


class SuperuserAdminSite(admin.AdminSite):
    site_header = "“先用后转”平台 数据查看"
    site_title = "“先用后转”平台管理"
    index_title = "数据查看（只读）"

    def has_permission(self, request: HttpRequest) -> bool:
        return bool(role_of(request.user))


class ReadOnlyModelAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Lists and shows records; adding, changing and deleting are refused for everyone."""

    list_per_page = 50

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return may_read_table(request.user, self.model._meta.label_lower)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self.has_view_permission(request)


def read_only_admin_for(model: type[models.Model]) -> type[ReadOnlyModelAdmin]:
    concrete = [f for f in model._meta.get_fields() if isinstance(f, models.Field) and f.concrete and not f.many_to_many]
    shown = [f.name for f in concrete if not _hidden(f)]
    columns = ["__str__"] + [
        name
        for name in ("status", "kind", "city", "created_at", "at", "effective_from", "read_at")
        if name in shown and name not in ("id",)
    ]
    filters = [name for name in ("status", "kind", "city") if name in shown]
    attrs: dict[str, Any] = {
        "__module__": __name__,
        "list_display": columns[:6],
        "list_filter": filters,
        "exclude": [f.name for f in concrete if _hidden(f)],
        "fields": [name for name in shown if name != "id"],
    }
    return type(f"{model.__name__}ReadOnlyAdmin", (ReadOnlyModelAdmin,), attrs)


def register_domain_models(site: admin.AdminSite) -> None:
    for label in DOMAIN_APPS:
        try:
            config = apps.get_app_config(label)
        except LookupError:
            continue
        for model in config.get_models():
            if not site.is_registered(model):
                site.register(model, read_only_admin_for(model))


class SuperuserAdminConfig(AdminConfig):
    default_site = "usefirst.core.admin.SuperuserAdminSite"

    def ready(self) -> None:
        super().ready()
        from django.contrib.admin import site

        # django-otp registers its device tables, whose pages show each person's TOTP key and QR
        # code: no administrator reads those; the platform's own pages enrol, and the security
        # administrator resets (docs/security.md, "Second factor").
        for model in list(site._registry):
            if model._meta.app_label in ("otp_totp", "otp_static"):
                site.unregister(model)
        register_domain_models(site)
