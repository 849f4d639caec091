"""The second factor's writes (docs/security.md, "Second factor"): confirming an authenticator,
new recovery codes, turning the factor off, and the second step of signing in. Each leaves an
audit row; the reads and the code checks are in accounts/second_factor.py."""

from __future__ import annotations

from django.db import transaction
from django.http import HttpRequest
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from usefirst.core.audit import audit
from usefirst.core.errors import DomainError, Forbidden
from usefirst.core.models import AuditOutcome
from usefirst.core.platform_roles import PlatformRole, role_of

from .. import second_factor, throttles
from ..models import User

INCORRECT = "验证码不正确或已使用过，请输入身份验证器上当前显示的 6 位数字"


def _incorrect(detail: str) -> DomainError:
    return DomainError(detail, code="second_factor_incorrect", status=400, field_errors={"code": [detail]})


def _refuse_if_throttled(check: second_factor.Check) -> None:
    if check.wait:
        raise throttles.Throttled(f"验证码错误次数过多，请 {check.wait} 秒后再试。", retry_after=check.wait)


def enrolment_confirm(*, user: User, code: str) -> list[str]:
    """Confirms the person's pending authenticator with its first code; the recovery codes,
    shown once."""
    device = second_factor.pending_device(user)
    if not second_factor.verify_pending(device, code):
        audit(actor=user, action="second_factor.enrol", outcome=AuditOutcome.REFUSED, reason="code_incorrect")
        raise _incorrect("验证码不正确：请确认已扫描本页二维码，并输入身份验证器上当前显示的 6 位数字")
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user, confirmed=True).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = second_factor.recovery_codes_issue(user)
        audit(actor=user, action="second_factor.enrol", obj=device)
    return codes


def _require_current_code(user: User, code: str, *, detail: str = "验证码或恢复码不正确") -> str:
    """ "totp" or "recovery" when `code` is right now (a recovery code is spent, and audited);
    raises while the throttle holds the person back, or when it is wrong."""
    check = second_factor.check_sign_in_code(user, code)
    _refuse_if_throttled(check)
    if not check.ok:
        raise _incorrect(detail)
    if check.method == "recovery":
        audit(actor=user, action="second_factor.recovery_code_used")
    return check.method


def _remove_devices(user: User) -> None:
    """The person's authenticators and recovery codes."""
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()


def recovery_codes_regenerate(*, user: User, code: str) -> list[str]:
    """New recovery codes (the old ones stop working), after a current code."""
    if not second_factor.is_enrolled(user):
        raise DomainError("尚未启用双因素认证", code="second_factor_not_enrolled", status=409)
    with transaction.atomic():
        _require_current_code(user, code)
        codes = second_factor.recovery_codes_issue(user)
        audit(actor=user, action="second_factor.recovery_regenerate")
    return codes


def disable(*, user: User, password: str, code: str) -> None:
    """Turns the factor off, after the password and a current code; refused for people whose
    post requires it."""
    if second_factor.is_required(user):
        audit(actor=user, action="second_factor.disable", outcome=AuditOutcome.REFUSED, reason="required")
        raise Forbidden(
            "您的岗位须启用双因素认证，不能关闭。更换手机请先用恢复码登录，再重新绑定。", code="second_factor_cannot_disable"
        )
    if not second_factor.is_enrolled(user):
        raise DomainError("尚未启用双因素认证", code="second_factor_not_enrolled", status=409)
    if not user.check_password(password):
        audit(actor=user, action="second_factor.disable", outcome=AuditOutcome.REFUSED, reason="password_incorrect")
        raise DomainError("密码不正确", code="invalid_credentials", status=400, field_errors={"password": ["密码不正确"]})
    with transaction.atomic():
        _require_current_code(user, code)
        _remove_devices(user)
        audit(actor=user, action="second_factor.disable")


def reset_for_person(*, actor: User, email: str, reason: str, code: str) -> User:
    """The platform's security administrator (安全管理员) removes a person's authenticator and
    recovery codes — a lost phone, after checking who they are outside the platform — with a
    reason and the administrator's own current code. The person enrols again at their next
    sign-in (held at the enrolment page when their post requires it)."""
    if role_of(actor) != PlatformRole.SECURITY:
        audit(actor=actor, action="second_factor.reset", outcome=AuditOutcome.REFUSED, reason="not_security_admin")
        raise Forbidden("只有平台安全管理员可以重置他人的双因素认证", code="not_security_admin")
    person = User.objects.filter(email__iexact=email.strip()).first()
    if person is None:
        raise DomainError(
            "未找到该电子邮箱的账户", code="not_found", status=404, field_errors={"email": ["未找到该电子邮箱的账户"]}
        )
    if person.pk == actor.pk:
        raise Forbidden("不能重置本人的双因素认证：请由另一位安全管理员办理", code="second_factor_reset_self")
    if not second_factor.is_enrolled(person):
        detail = "该账户尚未启用双因素认证，无需重置"
        raise DomainError(detail, code="second_factor_not_enrolled", status=409, field_errors={"email": [detail]})
    with transaction.atomic():
        _require_current_code(actor, code)
        _remove_devices(person)
        audit(actor=actor, action="second_factor.reset", obj=person, reason=reason.strip())
    return person


def sign_in_code_check(*, user: User, code: str) -> str:
    """The second step of signing in: "totp" or "recovery" when `code` is right (a recovery code
    is spent). Raises when it is wrong or when too many were wrong, with a refused sign-in row."""
    try:
        return _require_current_code(user, code, detail=INCORRECT)
    except DomainError:
        audit(actor=None, action="auth.second_factor", outcome=AuditOutcome.REFUSED, username=user.email.lower())
        raise


def api_sign_in(request: HttpRequest, *, user: User, code: str) -> None:
    """The second factor of `POST /api/v1/tokens`, after the right password: nothing for a person
    without an authenticator (refused, though, when their post requires one and it is enforced);
    otherwise `code` must be right now. A wrong code counts as a failed sign-in for the throttle."""
    if not second_factor.is_enrolled(user):
        if second_factor.must_enrol(user):
            audit(actor=user, action="api_token.create", outcome=AuditOutcome.REFUSED, reason="second_factor_not_enrolled")
            raise Forbidden(
                "您的岗位须启用双因素认证：请先登录网页，在“双因素认证”页面绑定身份验证器",
                code="second_factor_enrolment_required",
            )
        return
    if not (code or "").strip():
        raise DomainError(
            "该账户已启用双因素认证：请在 otp 字段中提供身份验证器上当前的 6 位动态验证码",
            code="second_factor_required",
            status=400,
            field_errors={"otp": ["请填写动态验证码"]},
        )
    try:
        sign_in_code_check(user=user, code=code)
    except throttles.Throttled:
        throttles.sign_in_failed(request, user.email)
        raise
    except DomainError:
        throttles.sign_in_failed(request, user.email)
        raise DomainError("动态验证码不正确或已使用过", code="second_factor_incorrect", status=401) from None
