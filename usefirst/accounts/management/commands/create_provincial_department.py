"""Create the provincial S&T department and its first administrator.

The provincial department runs the platform and cannot register itself through the public
form; there is exactly one. Running the command again changes nothing.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone

from usefirst.accounts.models import Membership, Organisation, OrganisationKind, OrganisationStatus, User
from usefirst.accounts.workflows import ORGANISATION, OrganisationEventType
from usefirst.core import workflow
from usefirst.core.audit import audit


class Command(BaseCommand):
    help = "创建省科学技术厅（省级审核部门）及其第一位管理员"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--credit-code", required=True, help="统一社会信用代码（18位，含校验位）")
        parser.add_argument("--admin-email", required=True)
        parser.add_argument("--admin-name", default="省科技厅管理员")
        parser.add_argument("--admin-password", required=True)
        parser.add_argument("--name", default="广东省科学技术厅")
        parser.add_argument("--legal-representative", default="厅长")

    def handle(self, *args: Any, **options: Any) -> None:
        existing = Organisation.objects.filter(kind=OrganisationKind.PROVINCIAL_DEPARTMENT).first()
        if existing is not None:
            self.stdout.write(f"已存在：{existing.name}（未做更改）")
            return
        organisation = Organisation(
            name=options["name"],
            kind=OrganisationKind.PROVINCIAL_DEPARTMENT,
            credit_code=options["credit_code"],
            legal_representative=options["legal_representative"],
            city="广州市",
            county="越秀区",
            status=OrganisationStatus.ACTIVE,
        )
        admin = User(
            email=options["admin_email"].strip().lower(), full_name=options["admin_name"], email_verified_at=timezone.now()
        )
        try:
            organisation.full_clean(exclude=["licence"])
            admin.full_clean(exclude=["password"])
            password_validation.validate_password(options["admin_password"], user=admin)
        except ValidationError as exc:
            raise CommandError("；".join(exc.messages)) from exc
        with transaction.atomic():
            organisation.save()
            admin.set_password(options["admin_password"])
            admin.save()
            Membership.objects.create(user=admin, organisation=organisation, role=Membership.Role.ADMIN, can_sign=True)
            workflow.record(
                ORGANISATION, organisation, OrganisationEventType.CREATE, actor=None, reason="由管理命令创建", from_status=""
            )
            audit(actor=None, action="organisation.create_provincial_department", obj=organisation, admin=admin.email)
        self.stdout.write(self.style.SUCCESS(f"已创建：{organisation.name}，管理员 {admin.email}"))
