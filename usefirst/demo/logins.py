"""One demo login per role, all with the same password (demo only: DEMO_MODE)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from usefirst.accounts.models import Membership

DEMO_PASSWORD = "Demo-2026-usefirst"
DEMO_EMAIL_DOMAIN = "usefirst.example"
# Every demo login has a confirmed authenticator with this one key (demo only), so a visitor can
# add it to an authenticator app and sign in through the second step; in Base32, as apps take it:
DEMO_TOTP_KEY_BASE32 = "YUEKEXIANYONGHOUZHUANDEMOONLYKEY"
DEMO_TOTP_KEY_HEX = "c508a25d006e1cd31dd4c9e8068c8c739abc2898"


@dataclass(frozen=True)
class DemoLogin:
    role: str  # what the person does, in Chinese
    email: str
    org_key: str  # OrgSpec.key of the organisation
    membership_role: str
    full_name: str


def _email(local: str) -> str:
    return f"{local}@{DEMO_EMAIL_DOMAIN}"


ADMIN, STAFF = Membership.Role.ADMIN, Membership.Role.STAFF

DEMO_LOGINS: list[DemoLogin] = [
    DemoLogin("省级管理员（参数、配额）", _email("province-admin"), "province", ADMIN, "林志远"),
    DemoLogin("省级审核员", _email("province-reviewer"), "province", STAFF, "周晓婷"),
    DemoLogin("行业部门审核员（教育厅，审核高校）", _email("education-reviewer"), "education", STAFF, "何文斌"),
    DemoLogin("地市部门审核员（审核本市企业）", _email("city-reviewer"), "city-440200", STAFF, "梁嘉琳"),
    DemoLogin("高校管理员（成果单位）", _email("university-admin"), "lnlg", ADMIN, "郑海燕"),
    DemoLogin("高校工作人员（成果完成人）", _email("university-staff"), "lnlg", STAFF, "黄思源"),
    DemoLogin("企业管理员", _email("enterprise-admin"), "ent44", ADMIN, "曾振宁"),
    DemoLogin("技术转移转化服务机构", _email("agency"), "agency1", ADMIN, "罗俊杰"),
    DemoLogin("保险机构", _email("insurer"), "insurer", ADMIN, "谢雅"),
    DemoLogin("担保机构", _email("guarantor"), "guarantor", ADMIN, "宋明"),
    DemoLogin("银行", _email("bank"), "bank", ADMIN, "陈立华"),
    DemoLogin("专业机构", _email("institution"), "institution", ADMIN, "唐慧颖"),
    DemoLogin("孵化器", _email("incubator"), "incubator", ADMIN, "冯子轩"),
    # Made by usefirst/demo/safehouse.py (its organisation is not among the seeded specs).
    DemoLogin("审计部门（只读）", _email("audit"), "audit", STAFF, "叶书衡"),
]


def admin_email(org_key: str) -> str:
    """Every other demo organisation has an administrator with this address and the same password."""
    return _email(f"admin-{org_key}")


def load_demo_second_factor(*, log: Callable[[str], None] | None = None) -> int:
    """Gives every demo login an authenticator holding DEMO_TOTP_KEY_HEX (once); the number given."""
    from usefirst.accounts import second_factor
    from usefirst.accounts.models import User

    given = 0
    for user in User.objects.filter(email__in=[login.email for login in DEMO_LOGINS]).order_by("pk"):
        if not second_factor.is_enrolled(user):
            second_factor.enrol_confirmed(user, key_hex=DEMO_TOTP_KEY_HEX)
            given += 1
    if log is not None:
        log(f"演示登录的身份验证器 {given} 个（同一演示密钥）")
    return given
