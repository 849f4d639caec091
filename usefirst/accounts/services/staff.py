"""Staff of an organisation: invitations by e-mail, roles, signing rights, disabling.

Every change is audited. An organisation always keeps at least one active administrator.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from functools import partial
from typing import Any

from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from usefirst.core.actors import Actor
from usefirst.core.audit import audit
from usefirst.core.errors import Conflict, DomainError, Forbidden, NotFound, from_validation_error

from .. import roles
from ..models import Invitation, Membership, Organisation, User
from .organisations import site_url

INVITATION_LIFETIME = timedelta(days=7)


def _token_hash(raw: str) -> str:
    # Only a hash is stored, so a database reader cannot accept someone else's invitation.
    return hashlib.sha256(raw.encode()).hexdigest()


def _require_admin(actor: Actor, organisation: Organisation) -> None:
    if not roles.is_org_admin(actor, organisation):
        raise Forbidden("只有本机构管理员可以管理工作人员", code="not_org_admin")


def invitation_create(*, actor: User, organisation: Organisation, email: str, role: str = Membership.Role.STAFF) -> Invitation:
    """Invite someone by e-mail; the link is mailed after commit and valid for seven days."""
    _require_admin(actor, organisation)
    email = User.objects.normalize_email((email or "").strip()).lower()
    try:
        validate_email(email)
    except ValidationError as exc:
        raise DomainError("请输入有效的电子邮箱", code="invalid_email", field_errors={"email": ["请输入有效的电子邮箱"]}) from exc
    if role not in Membership.Role.values:
        raise DomainError("角色无效", code="invalid_role", field_errors={"role": ["角色无效"]})
    if Membership.objects.filter(organisation=organisation, user__email__iexact=email, is_active=True).exists():
        raise Conflict(
            "该邮箱的用户已是本机构成员", code="already_member", field_errors={"email": ["该邮箱的用户已是本机构成员"]}
        )
    raw = secrets.token_urlsafe(32)
    with transaction.atomic():
        invitation = Invitation.objects.create(
            organisation=organisation,
            email=email,
            role=role,
            token=_token_hash(raw),
            invited_by=actor,
            expires_at=timezone.now() + INVITATION_LIFETIME,
        )
        audit(actor=actor, action="invitation.create", obj=invitation, email=email, role=role, organisation=organisation.pk)
        transaction.on_commit(partial(_send_invitation, invitation_id=invitation.pk, raw_token=raw))
    invitation.raw_token = raw  # type: ignore[attr-defined]  # for the caller (and tests) only; never stored
    return invitation


def _send_invitation(*, invitation_id: int, raw_token: str) -> None:
    invitation = Invitation.objects.select_related("organisation", "invited_by").get(pk=invitation_id)
    link = site_url() + reverse("accounts:invitation_accept", args=[raw_token])
    body = (
        f"您好：\n\n{invitation.invited_by.full_name} 邀请您以“{invitation.get_role_display()}”身份加入"
        f"“{invitation.organisation.name}”。请在 7 天内打开以下链接接受邀请：\n\n{link}\n\n如您不认识邀请人，请忽略本邮件。"
    )
    send_mail(f"【{settings.SITE_NAME}】机构成员邀请", body, None, [invitation.email])


def invitation_for_token(raw_token: str) -> Invitation:
    invitation = Invitation.objects.select_related("organisation").filter(token=_token_hash(raw_token or "")).first()
    if invitation is None:
        raise NotFound("邀请链接无效", code="invitation_invalid")
    if invitation.accepted_at is not None:
        raise Conflict("该邀请已被接受", code="invitation_used")
    if invitation.expires_at <= timezone.now():
        raise DomainError("邀请已过期，请联系机构管理员重新邀请", code="invitation_expired")
    return invitation


def invitation_accept(*, raw_token: str, user: User | None = None, full_name: str = "", password: str = "") -> Membership:
    """Accept as the signed-in user (same e-mail), or create the account if the e-mail is new."""
    invitation = invitation_for_token(raw_token)
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if invitation.accepted_at is not None:
            raise Conflict("该邀请已被接受", code="invitation_used")
        if user is not None and getattr(user, "is_authenticated", False):
            if user.email.lower() != invitation.email.lower():
                raise Forbidden(f"该邀请发给 {invitation.email}，请使用该邮箱登录后再接受", code="invitation_wrong_user")
        else:
            if User.objects.filter(email__iexact=invitation.email).exists():
                raise DomainError("该邮箱已有账户，请先登录后再接受邀请", code="login_required")
            user = User(email=invitation.email, full_name=(full_name or "").strip(), email_verified_at=timezone.now())
            try:
                user.full_clean(exclude=["password"])
            except ValidationError as exc:
                raise from_validation_error(exc) from exc
            try:
                password_validation.validate_password(password, user=user)
            except ValidationError as exc:
                raise DomainError(
                    "密码不符合要求：" + "；".join(exc.messages), code="weak_password", field_errors={"password": exc.messages}
                ) from exc
            user.set_password(password)
            user.save()
        membership, created = Membership.objects.get_or_create(
            user=user,
            organisation=invitation.organisation,
            defaults={"role": invitation.role, "invited_by": invitation.invited_by},
        )
        if not created:
            membership.is_active = True
            membership.role = invitation.role
            membership.save(update_fields=["is_active", "role"])
        invitation.accepted_at = timezone.now()
        invitation.save(update_fields=["accepted_at"])
        audit(actor=user, action="invitation.accept", obj=invitation, membership=membership.pk)
    return membership


def _active_admin_count(organisation: Organisation) -> int:
    # Lock the admin rows (ordered by pk, one place) so two admins demoting each other at once
    # cannot both succeed and leave the organisation without an administrator.
    admins = list(
        Membership.objects.select_for_update()
        .filter(organisation=organisation, role=Membership.Role.ADMIN, is_active=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    return len(admins)


def membership_update(
    *,
    actor: User,
    membership: Membership,
    role: str | None = None,
    can_sign: bool | None = None,
    is_active: bool | None = None,
) -> Membership:
    organisation = membership.organisation
    _require_admin(actor, organisation)
    if role is not None and role not in Membership.Role.values:
        raise DomainError("角色无效", code="invalid_role", field_errors={"role": ["角色无效"]})
    with transaction.atomic():
        locked = Membership.objects.select_for_update().get(pk=membership.pk)
        before = {"role": locked.role, "can_sign": locked.can_sign, "is_active": locked.is_active}
        loses_admin = (
            locked.is_admin and locked.is_active and ((role is not None and role != Membership.Role.ADMIN) or is_active is False)
        )
        if loses_admin and _active_admin_count(organisation) <= 1:
            raise Conflict("机构至少需要一名有效的管理员：请先指定另一名管理员", code="last_admin")
        if role is not None:
            locked.role = role
        if can_sign is not None:
            locked.can_sign = can_sign
        if is_active is not None:
            locked.is_active = is_active
        locked.save(update_fields=["role", "can_sign", "is_active"])
        after = {"role": locked.role, "can_sign": locked.can_sign, "is_active": locked.is_active}
        audit(actor=actor, action="membership.update", obj=locked, before=before, after=after)
    return locked


def staff_of(*, actor: Actor, organisation: Organisation) -> Any:
    """The organisation's memberships, for its own members only."""
    if not roles.is_member(actor, organisation):
        raise Forbidden("只有本机构成员可以查看成员列表", code="not_member")
    return Membership.objects.filter(organisation=organisation).select_related("user").order_by("-is_active", "role", "pk")


def pending_invitations(organisation: Organisation) -> Any:
    return Invitation.objects.filter(organisation=organisation, accepted_at__isnull=True, expires_at__gt=timezone.now()).order_by(
        "-created_at"
    )


def invitation_revoke(*, actor: User, invitation: Invitation) -> Invitation:
    """Withdraw an invitation not yet accepted (it simply expires now)."""
    _require_admin(actor, invitation.organisation)
    with transaction.atomic():
        locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if locked.accepted_at is not None:
            raise Conflict("该邀请已被接受，无法撤销；如需停用请修改成员设置", code="invitation_used")
        locked.expires_at = timezone.now()
        locked.save(update_fields=["expires_at"])
        audit(actor=actor, action="invitation.revoke", obj=locked, email=locked.email)
    return locked
