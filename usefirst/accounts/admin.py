"""Django admin for superusers: read-only on accounts data (writes go through the services)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import Invitation, Membership, Organisation, OrganisationEvent, Person, UnitPerson, User


class ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    def has_module_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_active and request.user.is_superuser)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_active and request.user.is_superuser)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Organisation)
class OrganisationAdmin(ReadOnlyAdmin):
    list_display = ("name", "kind", "status", "city", "county", "reviewing_department")
    list_filter = ("kind", "status", "region")
    search_fields = ("name", "credit_code")
    exclude = ("licence",)  # the licence is served only through the permission-checked view


@admin.register(User)
class UserAdmin(ReadOnlyAdmin):
    list_display = ("email", "full_name", "is_active", "email_verified_at", "date_joined")
    search_fields = ("email", "full_name")
    exclude = ("password",)


@admin.register(Membership)
class MembershipAdmin(ReadOnlyAdmin):
    list_display = ("user", "organisation", "role", "can_sign", "is_active")
    list_filter = ("role", "is_active")


@admin.register(Person)
class PersonAdmin(ReadOnlyAdmin):
    # Never the encrypted columns or the identity hash: only masked values.
    fields = ("full_name", "id_kind", "id_number_masked", "phone_masked", "created_at")
    list_display = ("full_name", "id_kind", "id_number_masked")


admin.site.register(OrganisationEvent, ReadOnlyAdmin)
admin.site.register(Invitation, type("InvitationAdmin", (ReadOnlyAdmin,), {"exclude": ("token",)}))
admin.site.register(UnitPerson, ReadOnlyAdmin)
