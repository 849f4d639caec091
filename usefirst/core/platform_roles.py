"""Three-way separation of the platform's administrators (三员分立, docs/security.md, "Platform
administrators"): the system administrator, the security administrator and the audit
administrator, each with only its own powers, and no account holding two.

A user holds at most one platform role (`User.platform_role`, one value; a database constraint
refuses a role on a superuser, who would hold every power). The platform's admin window
(usefirst/core/admin.py) opens each table to one role only:

- 系统管理员 (system): the platform's business data and its scheduled jobs' records;
- 安全管理员 (security): the accounts, their memberships, invitations and API tokens, the lockouts;
- 审计管理员 (audit): the audit log and the signed heads of the hash chains.
"""

from __future__ import annotations

from typing import Any

from django.db import models


class PlatformRole(models.TextChoices):
    SYSTEM = "system", "系统管理员"
    SECURITY = "security", "安全管理员"
    AUDIT = "audit", "审计管理员"


# Tables by the role that alone may read them (app_label.model_name); every other table of the
# admin is the system administrator's.
AUDIT_TABLES = frozenset({"core.auditentry", "core.chainheadsignature"})
SECURITY_TABLES = frozenset(
    {
        "accounts.user",
        "accounts.membership",
        "accounts.invitation",
        "api.apitoken",
        "axes.accessattempt",
        "axes.accessfailurelog",
        "axes.accesslog",
    }
)


def role_of(user: Any) -> str:
    """The platform role of an active, signed-in user ("" for none)."""
    if user is None or not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return ""
    return str(getattr(user, "platform_role", "") or "")


def role_for_table(label: str) -> PlatformRole:
    if label in AUDIT_TABLES:
        return PlatformRole.AUDIT
    if label in SECURITY_TABLES:
        return PlatformRole.SECURITY
    return PlatformRole.SYSTEM


def may_read_table(user: Any, label: str) -> bool:
    return role_of(user) == role_for_table(label).value
