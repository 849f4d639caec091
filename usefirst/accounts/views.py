"""Thin HTML views: parse, authorise, call one service, render."""

from __future__ import annotations

import base64
import time
from typing import Any

from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from usefirst.core import workflow
from usefirst.core.actors import AuthenticatedHttpRequest
from usefirst.core.audit import audit
from usefirst.core.errors import Forbidden
from usefirst.core.excel import xlsx_response
from usefirst.core.pagination import paginate
from usefirst.core.permissions import Action, get_for_user
from usefirst.core.platform_roles import PlatformRole, role_of
from usefirst.core.qr import qr_data_uri
from usefirst.core.refusals import form_refusal, refusals_return_to
from usefirst.core.regions import CITY_COUNTIES

from . import roles, second_factor, throttles
from . import workspace as workspace_items
from .context_processors import SESSION_KEY, current_membership
from .forms import (
    ALL_COUNTIES,
    UNMASK_LABELS,
    AcceptInvitationForm,
    CorrectionForm,
    EnrolConfirmForm,
    InvitationForm,
    LoginForm,
    MembershipForm,
    PersonForm,
    RecoveryRegenerateForm,
    RegistrationForm,
    ResendVerificationForm,
    ReturnForm,
    SecondFactorDisableForm,
    SecondFactorResetForm,
    SecondStepForm,
    SuspendForm,
    UnmaskForm,
)
from .models import Membership, Organisation, OrganisationStatus, Person, User
from .services import organisations as org_services
from .services import people as people_services
from .services import second_factor as second_factor_services
from .services import staff as staff_services
from .workflows import ORGANISATION


def _location_context() -> dict[str, Any]:
    return {"all_counties": ALL_COUNTIES, "city_counties": CITY_COUNTIES}


# --- Registration and verification -------------------------------------------------------


def register(request: HttpRequest) -> HttpResponse:
    form = RegistrationForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        throttles.registration_submitted(request)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with form_refusal(form):
            org_services.organisation_register(
                name=data["name"],
                kind=data["kind"],
                credit_code=data["credit_code"],
                legal_representative=data["legal_representative"],
                city=data["city"],
                county=data["county"],
                enterprise_size=data["enterprise_size"],
                sector=data["sector"],
                superior_department=data["superior_department"],
                superior_department_name=data["superior_department_name"],
                licence=data["licence"],
                admin_full_name=data["admin_full_name"],
                admin_email=data["admin_email"],
                admin_password=data["admin_password"],
            )
            request.session["registered_email"] = data["admin_email"]
            return redirect("accounts:register_sent")
    return render(request, "accounts/register.html", {"form": form, **_location_context()}, status=400 if form.errors else 200)


def register_sent(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/register_sent.html", {"email": request.session.get("registered_email", "")})


def verify_email(request: HttpRequest, token: str) -> HttpResponse:
    with form_refusal(any_status=True) as refused:
        organisation = org_services.organisation_verify_email(token=token)
    if refused:
        return render(request, "accounts/verify_failed.html", {"detail": refused[0].detail, "code": refused[0].code}, status=400)
    return render(request, "accounts/verified.html", {"organisation": organisation})


def resend_verification(request: HttpRequest) -> HttpResponse:
    form = ResendVerificationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        org_services.organisation_resend_verification(email=form.cleaned_data["email"])
        messages.success(request, "如该邮箱有待验证的注册申请，验证邮件已重新发送。")
        return redirect("accounts:login")
    return render(request, "accounts/resend_verification.html", {"form": form})


# --- Login, password change and reset ----------------------------------------------------


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        wait = throttles.sign_in_blocked(request, str(request.POST.get("username", "")))
        if wait:
            response = render(request, "accounts/locked_out.html", {"wait_minutes": -(-wait // 60)}, status=429)
            response["Retry-After"] = str(wait)
            return response
        return super().post(request, *args, **kwargs)

    def form_valid(self, form: Any) -> HttpResponse:
        """A person with an authenticator is not signed in yet: the password step only names
        who is signing in, and the second step signs them in (login_second_step)."""
        user = form.get_user()
        if not second_factor.is_enrolled(user):
            return super().form_valid(form)
        self.request.session[PENDING_SIGN_IN] = {
            "user": user.pk,
            "backend": getattr(user, "backend", ""),
            "at": int(time.time()),
            "next": self.get_success_url(),
            "tries": 0,
        }
        return redirect("accounts:login_second_step")


# The person who gave the right password and has yet to give the code. Not signed in meanwhile,
# so every other page treats them as anonymous: there is nothing to skip to.
PENDING_SIGN_IN = "_usefirst_pending_sign_in"
PENDING_SECONDS = 5 * 60
PENDING_TRIES = 5


def _pending_user(request: HttpRequest) -> tuple[dict[str, Any], User] | None:
    pending = request.session.get(PENDING_SIGN_IN)
    if not isinstance(pending, dict) or int(time.time()) - int(pending.get("at", 0)) > PENDING_SECONDS:
        return None
    user = User.objects.filter(pk=int(pending.get("user") or 0), is_active=True).first()
    return (pending, user) if user is not None else None


def login_second_step(request: HttpRequest) -> HttpResponse:
    found = _pending_user(request)
    if found is None:
        request.session.pop(PENDING_SIGN_IN, None)
        messages.info(request, "请先输入电子邮箱和密码登录（验证步骤已超时，请重新登录）。")
        return redirect("accounts:login")
    pending, user = found
    form = SecondStepForm(request.POST or None)
    status = 200
    if request.method == "POST":
        wait = throttles.sign_in_blocked(request, user.email)
        if wait:
            response = render(request, "accounts/locked_out.html", {"wait_minutes": -(-wait // 60)}, status=429)
            response["Retry-After"] = str(wait)
            return response
    if request.method == "POST" and form.is_valid():
        with form_refusal(form) as refused:
            method = second_factor_services.sign_in_code_check(user=user, code=form.cleaned_data["code"])
            request.session.pop(PENDING_SIGN_IN, None)
            auth_login(request, user, backend=pending.get("backend") or None)
            if method == "recovery":
                left = second_factor.status(user).recovery_codes_left
                messages.warning(
                    request, f"您使用了一个恢复码登录，还剩 {left} 个。手机找回或更换后，请在“双因素认证”页面重新生成恢复码。"
                )
            return HttpResponseRedirect(str(pending.get("next") or reverse("accounts:workspace")))
        throttles.sign_in_failed(request, user.email)
        pending["tries"] = int(pending.get("tries", 0)) + 1
        if pending["tries"] >= PENDING_TRIES:
            request.session.pop(PENDING_SIGN_IN, None)
            messages.error(request, f"验证码连续错误 {PENDING_TRIES} 次，请重新输入密码登录。")
            return redirect("accounts:login")
        request.session[PENDING_SIGN_IN] = pending
        status = refused[0].status
    elif request.method == "POST":
        status = 400
    return render(request, "accounts/login_second_step.html", {"form": form, "email": user.email}, status=status)


# --- The second factor: enrolment, recovery codes, turning it off -------------------------


def _recovery_codes_page(request: HttpRequest, codes: list[str]) -> HttpResponse:
    shown = [second_factor.display_code(c) for c in codes]
    text = "粤科先用后转平台 双因素认证恢复码（每个只能使用一次，请妥善保管）\r\n" + "\r\n".join(shown) + "\r\n"
    download = "data:text/plain;charset=utf-8;base64," + base64.b64encode(text.encode("utf-8")).decode("ascii")
    response = render(request, "accounts/second_factor_recovery_codes.html", {"codes": shown, "download": download})
    response["Cache-Control"] = "no-store"
    return response


@login_required
def second_factor_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The person's second factor: enrol (QR code, the key as text, the first code), or its
    state with new recovery codes and turning it off."""
    state = second_factor.status(request.user)
    context: dict[str, Any] = {"state": state, "must_enrol": second_factor.enforced() and state.required and not state.enrolled}
    if state.enrolled:
        context.update(regenerate_form=RecoveryRegenerateForm(), disable_form=SecondFactorDisableForm())
        return render(request, "accounts/second_factor.html", context)
    device = second_factor.pending_device(request.user)
    form = EnrolConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with form_refusal(form):
            codes = second_factor_services.enrolment_confirm(user=request.user, code=form.cleaned_data["code"])
            messages.success(request, "双因素认证已启用。请立即保存下面的恢复码。")
            return _recovery_codes_page(request, codes)
    context.update(form=form, qr=qr_data_uri(second_factor.provisioning_uri(device)), secret=second_factor.secret_base32(device))
    return render(request, "accounts/second_factor.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
def second_factor_recovery(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = RecoveryRegenerateForm(request.POST)
    if form.is_valid():
        with form_refusal(form):
            codes = second_factor_services.recovery_codes_regenerate(user=request.user, code=form.cleaned_data["code"])
            messages.success(request, "已生成新的恢复码，原有恢复码已全部失效。")
            return _recovery_codes_page(request, codes)
    context = {"state": second_factor.status(request.user), "regenerate_form": form, "disable_form": SecondFactorDisableForm()}
    return render(request, "accounts/second_factor.html", context, status=400)


@login_required
@require_POST
def second_factor_disable(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = SecondFactorDisableForm(request.POST)
    if form.is_valid():
        with form_refusal(form):
            second_factor_services.disable(
                user=request.user, password=form.cleaned_data["password"], code=form.cleaned_data["code"]
            )
            messages.success(request, "双因素认证已关闭。登录时将只需输入密码。")
            return redirect("accounts:second_factor")
    context = {"state": second_factor.status(request.user), "regenerate_form": RecoveryRegenerateForm(), "disable_form": form}
    return render(request, "accounts/second_factor.html", context, status=400)


@login_required
def second_factor_reset(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The security administrator's page: remove a person's authenticator (a lost phone)."""
    if role_of(request.user) != PlatformRole.SECURITY:
        raise Forbidden("只有平台安全管理员可以重置他人的双因素认证", code="not_security_admin")
    form = SecondFactorResetForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with form_refusal(form):
            person = second_factor_services.reset_for_person(actor=request.user, **form.cleaned_data)
            messages.success(
                request, f"已重置 {person.email} 的双因素认证：其原有身份验证器和恢复码已失效，下次登录时须重新绑定。"
            )
            return redirect("accounts:second_factor_reset")
    return render(request, "accounts/second_factor_reset.html", {"form": form}, status=400 if form.errors else 200)


class PasswordResetView(auth_views.PasswordResetView):
    def form_valid(self, form: Any) -> HttpResponse:
        if not throttles.password_reset_requested(self.request, str(form.cleaned_data["email"])):
            return HttpResponseRedirect(self.get_success_url())
        return super().form_valid(form)


password_change = auth_views.PasswordChangeView.as_view(
    template_name="accounts/password_change.html", success_url=reverse_lazy("accounts:password_change_done")
)
password_change_done = auth_views.PasswordChangeDoneView.as_view(template_name="accounts/password_change_done.html")
password_reset = PasswordResetView.as_view(
    template_name="accounts/password_reset.html",
    email_template_name="accounts/email/password_reset.txt",
    subject_template_name="accounts/email/password_reset_subject.txt",
    success_url=reverse_lazy("accounts:password_reset_done"),
)
password_reset_done = auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html")
password_reset_confirm = auth_views.PasswordResetConfirmView.as_view(
    template_name="accounts/password_reset_confirm.html", success_url=reverse_lazy("accounts:password_reset_complete")
)
password_reset_complete = auth_views.PasswordResetCompleteView.as_view(template_name="accounts/password_reset_complete.html")


# --- Workspace and the current organisation ----------------------------------------------


def _pending_memberships(request: AuthenticatedHttpRequest) -> list[Membership]:
    """Memberships in organisations not yet active: the applicant still sees where the review stands."""
    return list(
        Membership.objects.filter(user=request.user, is_active=True)
        .exclude(organisation__status=OrganisationStatus.ACTIVE)
        .select_related("organisation", "organisation__reviewing_department")
        .order_by("pk")
    )


@login_required
def workspace(request: AuthenticatedHttpRequest) -> HttpResponse:
    membership = current_membership(request)
    organisation = membership.organisation if membership else None
    todos = workspace_items.todos(request.user, membership)
    context: dict[str, Any] = {
        "membership": membership,
        "organisation": organisation,
        "pending": _pending_memberships(request),
        "todos": todos,
        "open_todos": [t for t in todos if t.count],
        "todo_total": sum(t.count for t in todos),
        "sections": workspace_items.sections(request.user, membership, todos),
    }
    return render(request, "accounts/workspace.html", context)


@login_required
@require_POST
def switch_organisation(request: AuthenticatedHttpRequest) -> HttpResponse:
    try:
        wanted = int(request.POST.get("organisation", ""))
    except ValueError:
        wanted = 0
    if wanted not in roles.organisation_ids(request.user):
        raise PermissionDenied("您不是该机构的成员")
    request.session[SESSION_KEY] = wanted
    next_url = request.POST.get("next") or reverse("accounts:workspace")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        next_url = reverse("accounts:workspace")
    return HttpResponseRedirect(next_url)


def _require_current(request: AuthenticatedHttpRequest) -> Membership:
    membership = current_membership(request)
    if membership is None:
        raise PermissionDenied("您尚未加入任何已认证机构")
    return membership


# --- Correcting a returned registration --------------------------------------------------


def _own_pending_organisation(request: AuthenticatedHttpRequest) -> Organisation:
    for membership in _pending_memberships(request):
        if membership.is_admin and membership.organisation.status in (OrganisationStatus.RETURNED, OrganisationStatus.DRAFT):
            return membership.organisation
    raise Http404("没有需要修改的注册申请")


@login_required
def organisation_edit(request: AuthenticatedHttpRequest) -> HttpResponse:
    organisation = _own_pending_organisation(request)
    initial = {f: getattr(organisation, f) for f in org_services.EDITABLE_FIELDS}
    form = CorrectionForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        changes = {f: form.cleaned_data[f] for f in org_services.EDITABLE_FIELDS}
        # Corrected and resubmitted together, or not at all.
        with form_refusal(form), transaction.atomic():
            org_services.organisation_correct(
                actor=request.user,
                organisation=organisation,
                licence=form.cleaned_data.get("licence"),
                **changes,
            )
            org_services.organisation_resubmit(actor=request.user, organisation=organisation)
            messages.success(request, "已修改并重新提交审核。")
            return redirect("accounts:workspace")
    last_return = organisation.events.filter(to_status=OrganisationStatus.RETURNED).order_by("-at", "-id").first()
    return render(
        request,
        "accounts/organisation_edit.html",
        {"form": form, "organisation": organisation, "last_return": last_return, **_location_context()},
    )


@login_required
def organisation_licence(request: AuthenticatedHttpRequest, pk: int) -> HttpResponseBase:
    """The licence file, for the organisation's own members and its reviewers only."""
    with form_refusal(any_status=True) as refused:
        organisation = get_for_user(Organisation.objects.all(), request.user, Action.HISTORY, pk=pk)
    if refused or not organisation.licence:  # a private file: do not say whether it exists
        raise Http404
    response = FileResponse(organisation.licence.open("rb"), as_attachment=False)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox"
    return response


# --- Review ------------------------------------------------------------------------------


@login_required
def review_queue(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The queue (submitted, oldest first) or, with ?status=, the department's directory."""
    if not roles.department_ids(request.user):
        raise PermissionDenied("只有政府部门工作人员可以审核机构")
    status = request.GET.get("status", "")
    context: dict[str, Any] = {"status": status, "statuses": OrganisationStatus.choices}
    if not status:
        context["items"] = org_services.review_queue(request.user)
        return render(request, "accounts/review_queue.html", context)
    if status != "all" and status not in OrganisationStatus.values:
        messages.error(request, f"未知的状态：{status}")
        return render(request, "accounts/review_queue.html", {**context, "items": []}, status=400)
    queryset = org_services.organisations_for_department(request.user, status="" if status == "all" else status)
    with form_refusal(apply=lambda exc: messages.error(request, exc.detail), any_status=True) as refused:
        page = paginate(queryset, page=request.GET.get("page", 1))
    if refused:
        return render(request, "accounts/review_queue.html", {**context, "items": []}, status=refused[0].status)
    return render(
        request,
        "accounts/review_queue.html",
        {**context, "items": page.items, "page": page, "query": f"status={status}"},
    )


ORGANISATION_EXPORT_HEADERS = [
    "机构名称",
    "机构类型",
    "统一社会信用代码",
    "法定代表人",
    "所在地市",
    "所在区县",
    "区域",
    "企业规模",
    "行业主管部门",
    "上级业务主管部门",
    "状态",
    "审核部门",
    "注册时间",
]


@login_required
def review_export(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The department's organisations (same scope and status filter as the directory) as Excel."""
    if not roles.department_ids(request.user):
        raise PermissionDenied("只有政府部门工作人员可以导出机构名录")
    status = request.GET.get("status", "all")
    if status != "all" and status not in OrganisationStatus.values:
        messages.error(request, f"未知的状态：{status}")
        return redirect("accounts_review:queue")
    queryset = org_services.organisations_for_department(request.user, status="" if status == "all" else status).select_related(
        "superior_department"
    )
    rows = (
        [
            o.name,
            o.get_kind_display(),
            o.credit_code,
            o.legal_representative,
            o.city,
            o.county,
            o.get_region_display(),
            o.get_enterprise_size_display() if o.enterprise_size else "",
            o.get_sector_display() if o.sector else "",
            o.superior_department.name if o.superior_department else o.superior_department_name,
            o.get_status_display(),
            o.reviewing_department.name if o.reviewing_department else "",
            o.created_at,
        ]
        for o in queryset
    )
    audit(actor=request.user, action="accounts.organisations_export", status=status, count=queryset.count())
    return xlsx_response("机构名录.xlsx", headers=ORGANISATION_EXPORT_HEADERS, rows=rows, sheet_title="机构名录")


def _organisation_for_review(request: AuthenticatedHttpRequest, pk: int) -> Organisation:
    return get_for_user(Organisation.objects.all(), request.user, Action.HISTORY, pk=pk)


@login_required
def review_organisation(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    organisation = _organisation_for_review(request, pk)
    can_review = org_services.review_queue(request.user).filter(pk=pk).exists()
    return_form = ReturnForm(request.POST or None) if request.method == "POST" else ReturnForm()
    if request.method == "POST":
        action = request.POST.get("action")
        with form_refusal(apply=lambda exc: messages.error(request, exc.detail)):
            if action == "approve":
                org_services.organisation_approve(actor=request.user, organisation=organisation)
                messages.success(request, f"已通过“{organisation.name}”的注册审核。")
                return redirect("accounts_review:queue")
            if action == "return" and return_form.is_valid():
                org_services.organisation_return(
                    actor=request.user,
                    organisation=organisation,
                    reasons=return_form.cleaned_data["reasons"],
                )
                messages.success(request, f"已退回“{organisation.name}”的注册申请。")
                return redirect("accounts_review:queue")
    return render(
        request,
        "accounts/review_organisation.html",
        {
            "organisation": organisation,
            "history": workflow.history(ORGANISATION, organisation.events.select_related("actor").all()),
            "can_review": can_review,
            "return_form": return_form,
            "suspend_form": SuspendForm(),
            "can_suspend": roles.is_provincial_admin(request.user) and not roles.is_member(request.user, organisation),
        },
    )


@login_required
@require_POST
def suspend_organisation(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    organisation = _organisation_for_review(request, pk)
    form = SuspendForm(request.POST)
    refusals_return_to(request, reverse("accounts_review:organisation", args=[pk]))
    if request.POST.get("action") == "reinstate":
        org_services.organisation_reinstate(actor=request.user, organisation=organisation)
        messages.success(request, "已恢复该机构。")
    elif form.is_valid():
        org_services.organisation_suspend(
            actor=request.user,
            organisation=organisation,
            reason=form.cleaned_data["reason"],
        )
        messages.success(request, "已停用该机构。")
    else:
        messages.error(request, "停用时须写明理由")
    return redirect("accounts_review:organisation", pk=pk)


# --- Staff -------------------------------------------------------------------------------


@login_required
def staff(request: AuthenticatedHttpRequest) -> HttpResponse:
    membership = _require_current(request)
    organisation = membership.organisation
    form = InvitationForm(request.POST or None)
    if request.method == "POST":
        if not membership.is_admin:
            raise PermissionDenied("只有机构管理员可以邀请成员")
        if form.is_valid():
            with form_refusal(form):
                staff_services.invitation_create(
                    actor=request.user,
                    organisation=organisation,
                    email=form.cleaned_data["email"],
                    role=form.cleaned_data["role"],
                )
                messages.success(request, f"邀请邮件已发送至 {form.cleaned_data['email']}。")
                return redirect("accounts:staff")
    members = staff_services.staff_of(actor=request.user, organisation=organisation)
    return render(
        request,
        "accounts/staff.html",
        {
            "organisation": organisation,
            "is_admin": membership.is_admin,
            "members": [
                (m, MembershipForm(initial={"role": m.role, "can_sign": m.can_sign, "is_active": m.is_active}, prefix=f"m{m.pk}"))
                for m in members
            ],
            "invitations": staff_services.pending_invitations(organisation),
            "form": form,
        },
    )


@login_required
@require_POST
def membership_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    current = _require_current(request)
    target = Membership.objects.select_related("organisation", "user").filter(pk=pk, organisation=current.organisation).first()
    if target is None:
        raise Http404
    form = MembershipForm(request.POST, prefix=f"m{pk}")
    if not form.is_valid():
        messages.error(request, "输入有误，请重试。")
        return redirect("accounts:staff")
    refusals_return_to(request, "accounts:staff")
    staff_services.membership_update(
        actor=request.user,
        membership=target,
        role=form.cleaned_data["role"],
        can_sign=form.cleaned_data["can_sign"],
        is_active=form.cleaned_data["is_active"],
    )
    messages.success(request, f"已更新 {target.user.full_name} 的成员设置。")
    return redirect("accounts:staff")


@login_required
@require_POST
def invitation_revoke(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    current = _require_current(request)
    invitation = staff_services.pending_invitations(current.organisation).filter(pk=pk).first()
    if invitation is None:
        raise Http404
    refusals_return_to(request, "accounts:staff")
    staff_services.invitation_revoke(actor=request.user, invitation=invitation)
    messages.success(request, f"已撤销发给 {invitation.email} 的邀请。")
    return redirect("accounts:staff")


def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    with form_refusal(any_status=True) as refused:
        invitation = staff_services.invitation_for_token(token)
    if refused:
        return render(request, "accounts/invitation_invalid.html", {"detail": refused[0].detail}, status=400)
    needs_account = not request.user.is_authenticated and not User.objects.filter(email__iexact=invitation.email).exists()
    form = AcceptInvitationForm(request.POST or None) if needs_account else None
    if request.method == "POST":
        # Shown on this page whatever the status (an invitation sent to another address, too).
        with form_refusal(
            form, apply=None if form is not None else lambda exc: messages.error(request, exc.detail), any_status=True
        ):
            if form is not None:
                if form.is_valid():
                    staff_services.invitation_accept(
                        raw_token=token, full_name=form.cleaned_data["full_name"], password=form.cleaned_data["password"]
                    )
                    messages.success(request, f"您已加入“{invitation.organisation.name}”，请登录。")
                    return redirect("accounts:login")
            elif request.user.is_authenticated:
                membership = staff_services.invitation_accept(raw_token=token, user=request.user)
                request.session[SESSION_KEY] = membership.organisation_id
                messages.success(request, f"您已加入“{invitation.organisation.name}”。")
                return redirect("accounts:workspace")
    return render(
        request,
        "accounts/invitation_accept.html",
        {"invitation": invitation, "form": form, "needs_login": not needs_account and not request.user.is_authenticated},
    )


# --- People (inventors) ------------------------------------------------------------------


@login_required
def people(request: AuthenticatedHttpRequest) -> HttpResponse:
    membership = _require_current(request)
    items = people_services.person_list_for_unit(membership.organisation)
    return render(
        request, "accounts/people.html", {"organisation": membership.organisation, "items": items, "unmask_form": UnmaskForm()}
    )


@login_required
def person_add(request: AuthenticatedHttpRequest) -> HttpResponse:
    membership = _require_current(request)
    form = PersonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with form_refusal(form):
            person = people_services.person_register(
                actor=request.user,
                unit=membership.organisation,
                full_name=data["full_name"],
                id_kind=data["id_kind"],
                id_number=data["id_number"],
                phone=data["phone"],
                notice_given_at=data["notice_given_at"],
                consent_at=data["consent_at"],
                consent_method=data["consent_method"],
            )
            messages.success(request, f"已登记成果完成人 {person.full_name}（{person.id_number_masked}）。")
            return redirect("accounts:people")
    return render(request, "accounts/person_add.html", {"form": form, "organisation": membership.organisation})


@login_required
@require_POST
def person_unmask(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    # Not scoped here on purpose: the service decides, and records refused attempts too.
    person = Person.objects.filter(pk=pk).first()
    if person is None:
        raise Http404
    form = UnmaskForm(request.POST)
    if not form.is_valid():
        raise Http404
    value = people_services.person_unmask(actor=request.user, person=person, field=form.cleaned_data["field"])
    response = render(
        request,
        "accounts/person_unmasked.html",
        {
            "person": person,
            "field_label": UNMASK_LABELS[form.cleaned_data["field"]],
            "value": value,
        },
    )
    # Shown once: never cached by the browser or a proxy.
    response["Cache-Control"] = "no-store"
    return response
