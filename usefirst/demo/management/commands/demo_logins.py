from __future__ import annotations

import unicodedata
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from usefirst.accounts.models import Membership
from usefirst.demo.logins import DEMO_LOGINS, DEMO_PASSWORD, DEMO_TOTP_KEY_BASE32


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


class Command(BaseCommand):
    help = "打印演示账号（每个角色一个，密码相同；仅演示环境）"

    def handle(self, *args: Any, **options: Any) -> None:
        if not getattr(settings, "DEMO_MODE", False):
            raise CommandError("演示账号只在演示环境（DEMO_MODE）提供")
        organisations = {
            m.user.email: m.organisation.name
            for m in Membership.objects.filter(user__email__in=[lg.email for lg in DEMO_LOGINS]).select_related(
                "user", "organisation"
            )
        }
        if not organisations:
            self.stdout.write("尚未加载演示数据（manage.py load_demo）")
            return
        rows = [("角色", "登录邮箱", "所属机构")] + [
            (lg.role, lg.email, organisations.get(lg.email, "（未创建）")) for lg in DEMO_LOGINS
        ]
        widths = [max(_width(row[i]) for row in rows) for i in range(3)]
        self.stdout.write(f"演示账号（密码均为 {DEMO_PASSWORD}，登录地址 http://127.0.0.1:8000/accounts/login/）")
        for n, row in enumerate(rows):
            self.stdout.write("  ".join(_pad(cell, widths[i]) for i, cell in enumerate(row)).rstrip())
            if n == 0:
                self.stdout.write("  ".join("-" * w for w in widths))
        self.stdout.write(
            f"登录第二步：各演示账号的身份验证器密钥均为 {DEMO_TOTP_KEY_BASE32}（仅用于演示），"
            "在手机身份验证器中手动添加该密钥即可得到动态验证码"
        )
