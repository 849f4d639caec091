"""Gives an account one of the three platform administrator roles, or takes it away (三员分立,
usefirst/core/platform_roles.py). An account holds at most one: giving a role replaces the one it had.

manage.py platform_role EMAIL system|security|audit
manage.py platform_role EMAIL none
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from usefirst.accounts.models import User
from usefirst.core.audit import audit
from usefirst.core.platform_roles import PlatformRole


class Command(BaseCommand):
    help = "授予或撤销平台管理角色（系统管理员、安全管理员、审计管理员，一人至多一个）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email")
        parser.add_argument("role", choices=[*PlatformRole.values, "none"])

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(email=str(options["email"]).strip().lower()).first()
        if user is None:
            raise CommandError(f"没有这个账号：{options['email']}")
        role = "" if options["role"] == "none" else str(options["role"])
        before = user.platform_role
        user.platform_role = role
        user.is_superuser = False  # a superuser would hold all three roles' powers
        user.is_staff = bool(role)
        user.save(update_fields=["platform_role", "is_superuser", "is_staff"])
        audit(actor=None, action="accounts.platform_role", obj=user, before=before, after=role)
        label = PlatformRole(role).label if role else "无"
        self.stdout.write(f"{user.email} 的平台管理角色：{label}")
