"""Admin views of accounts data: the platform's read-only admin (core.admin), with personal and
secret columns left out: only masked values of persons, never licences, token or password hashes."""

from __future__ import annotations

from django.contrib import admin

from usefirst.core.admin import ReadOnlyModelAdmin

from .models import Invitation, Membership, Organisation, Person, User


@admin.register(Organisation)
class OrganisationAdmin(ReadOnlyModelAdmin):
    list_display = ("name", "kind", "status", "city", "county", "reviewing_department")
    list_filter = ("kind", "status", "region")
    search_fields = ("name", "credit_code")
    exclude = ("licence",)  # served only through the permission-checked view


@admin.register(User)
class UserAdmin(ReadOnlyModelAdmin):
    list_display = ("email", "full_name", "is_active", "email_verified_at", "date_joined")
    search_fields = ("email", "full_name")
    exclude = ("password",)


@admin.register(Membership)
class MembershipAdmin(ReadOnlyModelAdmin):
    list_display = ("user", "organisation", "role", "can_sign", "is_active")
    list_filter = ("role", "is_active")


@admin.register(Person)
class PersonAdmin(ReadOnlyModelAdmin):
    # Never the encrypted columns or the identity hash: only masked values.
    fields = ("full_name", "id_kind", "id_number_masked", "phone_masked", "user", "created_at")
    list_display = ("full_name", "id_kind", "id_number_masked")


@admin.register(Invitation)
class InvitationAdmin(ReadOnlyModelAdmin):
    exclude = ("token",)
    list_display = ("email", "organisation", "role", "expires_at", "accepted_at")
