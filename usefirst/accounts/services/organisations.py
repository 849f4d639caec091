"""Organisation registration, e-mail verification and review; the lifecycle is declared in
usefirst/accounts/workflows.py and every move goes through the workflow kernel."""

from __future__ import annotations

from functools import partial
from typing import Any

from django.conf import settings
from django.contrib.auth import password_validation
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from usefirst.core import workflow
from usefirst.core.actors import Actor, Visitor
from usefirst.core.audit import audit
from usefirst.core.errors import Conflict, DomainError, Forbidden, IllegalTransition, NotFound, from_validation_error
from usefirst.core.identifiers import normalise_credit_code
from usefirst.core.permissions import Action, restrict
from usefirst.core.regions import OUTSIDE_PROVINCE
from usefirst.core.text import clean_reason
from usefirst.notifications.services import notify

from .. import roles
from ..files import checked_document
from ..models import (
    DEPARTMENT_KINDS,
    Membership,
    Organisation,
    OrganisationKind,
    OrganisationStatus,
    User,
)
from ..workflows import ORGANISATION, OrganisationEventType, is_admin_of

# Self-service registration may choose every kind except the provincial department, which is
# created by a command (there is exactly one and it runs the platform).
SELF_REGISTRABLE_KINDS = [
    k for k in OrganisationKind if k not in (OrganisationKind.PROVINCIAL_DEPARTMENT, OrganisationKind.AUDIT_OFFICE)
]
# Only out-of-province institutes may be located outside Guangdong.
OUTSIDE_PROVINCE_KINDS = frozenset({OrganisationKind.OUT_OF_PROVINCE_INSTITUTE})

VERIFY_SALT = "usefirst.accounts.verify-email"
VERIFY_MAX_AGE_SECONDS = 3 * 24 * 3600


def _check_location_and_kind(organisation: Organisation) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if organisation.city == OUTSIDE_PROVINCE and organisation.kind not in OUTSIDE_PROVINCE_KINDS:
        errors["city"] = ["只有省外高校院所可以选择“省外”，其他机构请选择所在地市"]
    if organisation.city != OUTSIDE_PROVINCE and not organisation.county:
        errors["county"] = ["请填写所在区县"]
    if organisation.kind != OrganisationKind.ENTERPRISE and organisation.enterprise_size:
        organisation.enterprise_size = ""
    if organisation.superior_department is not None and organisation.superior_department.kind not in DEPARTMENT_KINDS:
        errors["superior_department"] = ["上级业务主管部门须为政府部门"]
    if organisation.superior_department is not None and organisation.superior_department_name:
        errors["superior_department_name"] = ["已选择平台上的上级部门时，无需再填写平台外部门名称"]
    return errors


def _validate_organisation(organisation: Organisation, *, exclude: list[str] | None = None) -> None:
    errors: dict[str, list[str]] = {}
    try:
        organisation.full_clean(exclude=exclude)
    except ValidationError as exc:
        errors.update(from_validation_error(exc).field_errors)
    for name, messages in _check_location_and_kind(organisation).items():
        errors.setdefault(name, []).extend(messages)
    if errors:
        first = next(iter(errors.values()))[0]
        raise DomainError(f"输入有误：{first}", code="validation_failed", field_errors=errors)


def _duplicate_credit_code(code: str) -> DomainError:
    message = "该统一社会信用代码已注册。同一机构只能注册一次；如需加入该机构，请联系其机构管理员邀请您"
    return Conflict(message, code="credit_code_taken", field_errors={"credit_code": [message]})


def organisation_register(
    *,
    name: str,
    kind: str,
    credit_code: str,
    legal_representative: str,
    city: str,
    county: str,
    licence: UploadedFile[bytes] | None,
    admin_full_name: str,
    admin_email: str,
    admin_password: str,
    enterprise_size: str = "",
    sector: str = "",
    superior_department: Organisation | None = None,
    superior_department_name: str = "",
) -> Organisation:
    """Create the organisation in draft with its first administrator, and mail the verification link.

    Nothing is saved unless everything is valid: the organisation, the administrator and the
    licence are checked before the first write, and the writes share one transaction.
    """
    if kind not in SELF_REGISTRABLE_KINDS:
        raise DomainError(
            "该机构类型不能自助注册", code="kind_not_registrable", field_errors={"kind": ["该机构类型不能自助注册"]}
        )
    errors: dict[str, list[str]] = {}
    try:
        code = normalise_credit_code(credit_code)
    except ValidationError as exc:
        code = (credit_code or "").strip().upper()
        errors["credit_code"] = list(exc.messages)
    if "credit_code" not in errors and Organisation.objects.filter(credit_code=code).exists():
        raise _duplicate_credit_code(code)
    if superior_department is not None and (
        superior_department.status != OrganisationStatus.ACTIVE or superior_department.kind not in DEPARTMENT_KINDS
    ):
        errors["superior_department"] = ["请选择平台上已认证的政府部门"]
        superior_department = None
    organisation = Organisation(
        name=(name or "").strip(),
        kind=kind,
        credit_code=code,
        legal_representative=(legal_representative or "").strip(),
        city=city,
        county=(county or "").strip(),
        enterprise_size=enterprise_size if kind == OrganisationKind.ENTERPRISE else "",
        sector=sector,
        superior_department=superior_department,
        superior_department_name=(superior_department_name or "").strip(),
        status=OrganisationStatus.DRAFT,
    )
    try:
        _validate_organisation(organisation, exclude=["licence"])
    except DomainError as exc:
        for field, messages in exc.field_errors.items():
            if field == "credit_code" and "credit_code" in errors:
                continue
            errors.setdefault(field, []).extend(messages)

    email = User.objects.normalize_email((admin_email or "").strip()).lower()
    admin = User(email=email, full_name=(admin_full_name or "").strip(), is_active=False)
    try:
        # Uniqueness is checked below, case-insensitively and with a clearer message.
        admin.full_clean(exclude=["password"], validate_unique=False)
    except ValidationError as exc:
        for field, messages in from_validation_error(exc).field_errors.items():
            errors.setdefault(f"admin_{field}" if field != "email" else "admin_email", []).extend(messages)
    if email and User.objects.filter(email__iexact=email).exists():
        errors.setdefault("admin_email", []).append("该邮箱已注册。如需为另一机构注册，请使用其他邮箱，或请该机构管理员邀请您")
    try:
        password_validation.validate_password(admin_password, user=admin)
    except ValidationError as exc:
        errors.setdefault("admin_password", []).extend(exc.messages)

    if licence is None:
        errors.setdefault("licence", []).append("请上传营业执照或法人证书")
    else:
        try:
            licence = checked_document(licence)
        except DomainError as exc:
            errors.setdefault("licence", []).extend(exc.field_errors.get("licence", [exc.detail]))

    if errors:
        first = next(iter(errors.values()))[0]
        raise DomainError(f"输入有误：{first}", code="validation_failed", field_errors=errors)

    try:
        with transaction.atomic():
            admin.set_password(admin_password)
            admin.save()
            organisation.licence = licence
            organisation.save()
            Membership.objects.create(user=admin, organisation=organisation, role=Membership.Role.ADMIN, can_sign=True)
            workflow.record(
                ORGANISATION, organisation, OrganisationEventType.REGISTER, actor=admin, reason="自助注册", from_status=""
            )
            audit(actor=admin, action="organisation.register", obj=organisation, kind=kind)
            transaction.on_commit(partial(send_verification_email, user_id=admin.pk, organisation_id=organisation.pk))
    except IntegrityError as exc:
        # Two registrations of the same code (or e-mail) at once: the database constraint decides.
        if organisation.licence:
            organisation.licence.delete(save=False)
        if Organisation.objects.filter(credit_code=code).exists():
            raise _duplicate_credit_code(code) from exc
        raise Conflict("该邮箱已注册", code="email_taken", field_errors={"admin_email": ["该邮箱已注册"]}) from exc
    return organisation


def site_url() -> str:
    """Absolute links in e-mails (settings.SITE_URL; production requires it)."""
    return str(settings.SITE_URL).rstrip("/")


def verification_token(*, user: User, organisation: Organisation) -> str:
    return signing.TimestampSigner(salt=VERIFY_SALT).sign(f"{user.pk}:{organisation.pk}")


def send_verification_email(*, user_id: int, organisation_id: int) -> None:
    user = User.objects.get(pk=user_id)
    organisation = Organisation.objects.get(pk=organisation_id)
    link = site_url() + reverse("accounts:verify_email", args=[verification_token(user=user, organisation=organisation)])
    body = (
        f"{user.full_name}，您好：\n\n"
        f"您为“{organisation.name}”提交了机构注册。请在 3 天内打开以下链接验证邮箱，"
        f"验证后注册申请将提交审核：\n\n{link}\n\n如非本人操作，请忽略本邮件。"
    )
    send_mail(f"【{settings.SITE_NAME}】请验证您的邮箱", body, None, [user.email])


def organisation_resend_verification(*, email: str) -> None:
    """Send the link again; says nothing about whether the address is registered."""
    membership = (
        Membership.objects.select_related("user", "organisation")
        .filter(
            user__email__iexact=(email or "").strip(),
            user__email_verified_at__isnull=True,
            organisation__status=OrganisationStatus.DRAFT,
            role=Membership.Role.ADMIN,
        )
        .first()
    )
    if membership is not None:
        send_verification_email(user_id=membership.user_id, organisation_id=membership.organisation_id)


def organisation_verify_email(*, token: str) -> Organisation:
    """Confirm the administrator's e-mail: the organisation goes to review at its routed department."""
    try:
        value = signing.TimestampSigner(salt=VERIFY_SALT).unsign(token, max_age=VERIFY_MAX_AGE_SECONDS)
    except signing.SignatureExpired as exc:
        raise DomainError("验证链接已过期，请重新发送验证邮件", code="verification_expired") from exc
    except signing.BadSignature as exc:
        raise DomainError("验证链接无效，请检查链接是否完整", code="verification_invalid") from exc
    user_pk, organisation_pk = (int(part) for part in value.split(":"))
    with transaction.atomic():
        user = User.objects.select_for_update().filter(pk=user_pk).first()
        organisation = Organisation.objects.filter(pk=organisation_pk).first()
        if user is None or organisation is None:
            raise NotFound("验证链接对应的注册不存在", code="verification_invalid")
        if user.email_verified_at is None:
            user.email_verified_at = timezone.now()
            user.is_active = True
            user.save(update_fields=["email_verified_at", "is_active"])
        if organisation.status != OrganisationStatus.DRAFT:
            return organisation  # the link was opened twice: nothing more to do
        _submit(organisation, actor=user, reason="邮箱已验证，提交审核")
    organisation.refresh_from_db()
    return organisation


def _submit(organisation: Organisation, *, actor: Actor, reason: str) -> None:
    department = roles.reviewing_department(organisation)

    def tell_reviewers(submitted: Organisation) -> None:
        if department is None:
            return
        notify(
            recipients=[m.user for m in department.memberships.select_related("user").filter(is_active=True)],
            kind="organisation.submitted",
            title=f"机构注册待审核：{submitted.name}",
            body=f"{submitted.get_kind_display()}“{submitted.name}”提交了注册申请，请审核。",
            url=reverse("accounts_review:organisation", args=[submitted.pk]),
        )

    workflow.transition(
        ORGANISATION,
        organisation,
        "submit",
        actor=actor,
        reason=reason,
        also={"reviewing_department": department},
        notices=[tell_reviewers],
    )


def _move(
    organisation: Organisation, name: str, *, actor: Actor, reason: str, notice: workflow.Notice | None = None
) -> Organisation:
    return workflow.move(ORGANISATION, organisation, name, actor=actor, reason=reason, notices=[notice] if notice else [])


def _admins(organisation: Organisation) -> list[User]:
    return [m.user for m in organisation.memberships.select_related("user").filter(is_active=True, role=Membership.Role.ADMIN)]


def organisation_approve(*, actor: User, organisation: Organisation, note: str = "") -> Organisation:
    with transaction.atomic():
        organisation = _move(
            organisation,
            "approve",
            actor=actor,
            reason=note or "审核通过",
            notice=lambda o: notify(
                recipients=_admins(o),
                kind="organisation.approved",
                title="机构注册已通过审核",
                body=f"“{o.name}”已通过审核，现在可以使用平台的全部功能。",
                url=reverse("accounts:workspace"),
            ),
        )
        audit(actor=actor, action="organisation.approve", obj=organisation)
    return organisation


def organisation_return(*, actor: User, organisation: Organisation, reasons: str) -> Organisation:
    reasons = clean_reason(reasons, field="reasons", label="退回理由", required_message="退回时须写明理由")
    with transaction.atomic():
        organisation = _move(
            organisation,
            "return",
            actor=actor,
            reason=reasons,
            notice=lambda o: notify(
                recipients=_admins(o),
                kind="organisation.returned",
                title="机构注册被退回",
                body=f"“{o.name}”的注册申请被退回，理由：{reasons}。请修改后重新提交。",
                url=reverse("accounts:organisation_edit"),
            ),
        )
        audit(actor=actor, action="organisation.return", obj=organisation)
    return organisation


def _require_admin_of(actor: Actor, organisation: Organisation) -> None:
    if not is_admin_of(actor, organisation):
        raise Forbidden("只有本机构管理员可以执行此操作", code="not_org_admin")


EDITABLE_FIELDS = (
    "name",
    "kind",
    "credit_code",
    "legal_representative",
    "city",
    "county",
    "enterprise_size",
    "sector",
    "superior_department",
    "superior_department_name",
)


def organisation_correct(
    *, actor: User, organisation: Organisation, licence: UploadedFile[bytes] | None = None, **changes: Any
) -> Organisation:
    """An applicant corrects a returned registration (the reviewer's reasons say what)."""
    _require_admin_of(actor, organisation)
    if organisation.status not in (OrganisationStatus.RETURNED, OrganisationStatus.DRAFT):
        raise IllegalTransition("只有被退回或未提交的注册信息可以修改", code="not_editable")
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise DomainError(f"不能修改：{', '.join(sorted(unknown))}", code="field_not_editable")
    if changes.get("kind") == OrganisationKind.PROVINCIAL_DEPARTMENT:
        raise DomainError(
            "该机构类型不能自助注册", code="kind_not_registrable", field_errors={"kind": ["该机构类型不能自助注册"]}
        )
    before = {f: str(getattr(organisation, f)) for f in changes}
    for field, value in changes.items():
        setattr(organisation, field, value.strip() if isinstance(value, str) else value)
    if licence is not None:
        licence = checked_document(licence)
    _validate_organisation(organisation, exclude=["licence"])
    if Organisation.objects.filter(credit_code=organisation.credit_code).exclude(pk=organisation.pk).exists():
        raise _duplicate_credit_code(organisation.credit_code)
    with transaction.atomic():
        if licence is not None:
            organisation.licence = licence
        organisation.save()
        audit(actor=actor, action="organisation.correct", obj=organisation, before=before)
    return organisation


def organisation_resubmit(*, actor: User, organisation: Organisation) -> Organisation:
    _require_admin_of(actor, organisation)
    with transaction.atomic():
        _submit(organisation, actor=actor, reason="修改后重新提交")
        audit(actor=actor, action="organisation.resubmit", obj=organisation)
    organisation.refresh_from_db()
    return organisation


def organisation_suspend(*, actor: User, organisation: Organisation, reason: str) -> Organisation:
    reason = clean_reason(reason, label="停用理由", required_message="停用时须写明理由")
    with transaction.atomic():
        organisation = _move(
            organisation,
            "suspend",
            actor=actor,
            reason=reason,
            notice=lambda o: notify(
                recipients=_admins(o), kind="organisation.suspended", title="机构已被停用", body=f"停用理由：{reason}"
            ),
        )
        audit(actor=actor, action="organisation.suspend", obj=organisation, reason=reason)
    return organisation


def organisation_reinstate(*, actor: User, organisation: Organisation, reason: str = "") -> Organisation:
    with transaction.atomic():
        organisation = _move(organisation, "reinstate", actor=actor, reason=reason or "恢复")
        audit(actor=actor, action="organisation.reinstate", obj=organisation)
    return organisation


def organisations_for_department(user: Visitor, *, status: str = "") -> QuerySet[Organisation]:
    """The organisations a department handles: those routed to it (never its own members'),
    and for provincial administrators every organisation (they suspend and reinstate)."""
    routed = restrict(Organisation.objects.all(), user, Action.REVIEW)
    administered = restrict(Organisation.objects.all(), user, Action.ADMINISTER)
    queryset = (routed | administered).distinct()
    if status:
        queryset = queryset.filter(status=status)
    return queryset.select_related("reviewing_department").order_by("name", "pk")


def review_queue(user: Visitor) -> QuerySet[Organisation]:
    """Organisations waiting for one of the user's departments (never the user's own)."""
    return (
        restrict(Organisation.objects.all(), user, Action.REVIEW)
        .filter(status=OrganisationStatus.SUBMITTED)
        .select_related("reviewing_department", "superior_department")
        .order_by("created_at", "pk")
    )
