"""Contract pages: list, drafting, detail with HTML preview, signing, the next step, the PDF,
the public verification page, and the standard texts for provincial administrators."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_http_methods, require_POST

from usefirst.accounts import roles, second_factor
from usefirst.catalog.models import Achievement
from usefirst.core.actors import AuthenticatedHttpRequest
from usefirst.core.dates import today
from usefirst.core.permissions import Action, can, get_for_user, restrict
from usefirst.core.refusals import button_action, form_refusal, refusals_return_to
from usefirst.policy.selectors import share_pct

from . import evidence, rendering, selectors, services, signing
from .forms import (
    EndForm,
    OpenLicenceForm,
    OpenLicenceWithdrawForm,
    ProposalForm,
    SignForm,
    TakeUpForm,
    TemplateForm,
    VerifyForm,
)
from .models import Contract, ContractKind, ContractStatus, ContractTemplate, NextStepProposal, OpenLicence
from .policies import may_take_evidence
from .rendering import free_use_days


def _second_factor_url() -> str:
    """The authenticator enrolment page."""
    try:
        return reverse("accounts:second_factor")
    except NoReverseMatch:
        return "/accounts/second-factor/"


def _contract(request: AuthenticatedHttpRequest, pk: int, action: Action = Action.VIEW) -> Contract:
    return get_for_user(Contract.objects.all(), request.user, action, pk=pk)


@login_required
def contract_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    contracts = selectors.visible_contracts(request.user)[:200]
    summaries = selectors.inventor_summaries(request.user)
    return render(request, "contracts/list.html", {"contracts": contracts, "summaries": summaries})


# Service field names that differ from the open-licence forms' (drafting: drafting_pages.SERVICE_FIELDS);
# an empty name puts the message on the form as a whole.
FORM_FIELDS = {"licensee_id": "licensee_credit_code", "achievements": "", "open_licence": ""}


@login_required
def contract_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    contract = _contract(request, pk)
    may_change = can(request.user, Action.CHANGE, contract)
    context = {
        "c": contract,
        "text": services.contract_text(contract),
        "free_use_days": free_use_days(contract),
        "parties": contract.parties.select_related("organisation", "person").prefetch_related("signatures__signer"),
        "documents": contract.documents.order_by("issued_at", "id"),
        "history": selectors.contract_history(contract),
        "achievements": contract.achievements.select_related("achievement"),
        "open_licences": selectors.open_licences_in_force_for(contract),
        "proposals": contract.next_step_proposals.select_related("proposed_by_organisation", "achievement"),
        "follow_ons": contract.follow_ons.all(),
        "may_change": may_change,
        "signable": services.signable_parties(request.user, contract) if may_change else [],
        "sign_form": SignForm(),
        "has_authenticator": second_factor.is_enrolled(request.user),
        "second_factor_url": _second_factor_url(),
        "may_take_evidence": may_take_evidence(request.user, contract) and contract.signatures.exists(),
        "proposal_form": ProposalForm(),
        "end_form": EndForm(),
        "ends_in_one_step": services.ends_in_one_step(contract),
        "ending_requests": contract.ending_requests.select_related("proposed_by_organisation", "answered_by"),
        "my_side_ids": roles.organisation_ids(request.user),
        "notice_days": services.notice_days(),
        "can_propose": may_change
        and contract.kind == ContractKind.FREE_USE_LICENCE
        and contract.status in ("free_use", "awaiting_next_step"),
        # Payment plan, receipts and distributions live in finance, once the contract is signed.
        # The parties and the province may see the products that fit the deal and their quotes.
        "may_quote": contract.kind != ContractKind.PRELIMINARY_AGREEMENT
        and (may_change or roles.is_provincial_staff(request.user)),
        # Loans are applied for by the parties only (usefirst/financing/policies.py: party_contract).
        "may_finance": contract.kind != ContractKind.PRELIMINARY_AGREEMENT and may_change,
        "has_money_page": contract.status not in (ContractStatus.DRAFTED, ContractStatus.SIGNING, ContractStatus.CANCELLED),
        "floor_pct": share_pct("inventor_share_floor"),
        "statutory_pct": share_pct("statutory_share_floor"),
    }
    return render(request, "contracts/detail.html", context)


@login_required
def contract_evidence(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The evidence package (证据包): the parties and the provincial department."""
    return evidence.evidence_response(actor=request.user, contract=_contract(request, pk))


@login_required
def contract_pdf(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    contract = _contract(request, pk)
    document = services.current_document(contract)
    return FileResponse(
        document.file.open("rb"), as_attachment=True, filename=f"{contract.number}.pdf", content_type="application/pdf"
    )


def _act(
    request: AuthenticatedHttpRequest, contract: Contract, call: Any, success: str, *, keep: tuple[str, ...] = ()
) -> HttpResponse:
    """An action button of the contract page, which it goes back to (usefirst.core.refusals)."""
    return button_action(request, success, call, reverse("contracts:detail", args=[contract.pk]), keep=keep)


@login_required
@require_POST
def contract_sign(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    contract = _contract(request, pk, Action.CHANGE)
    form = SignForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请输入登录密码和身份验证器上的 6 位动态口令")
        return redirect("contracts:detail", contract.pk)
    return _act(
        request,
        contract,
        lambda: services.contract_sign(
            actor=request.user,
            contract=contract,
            password=form.cleaned_data["password"],
            code=form.cleaned_data["otp"],
            party_id=form.cleaned_data["party"],
            user_agent=request.META.get("HTTP_USER_AGENT", ""),
        ),
        "已签署；签署后的 PDF 已登记",
        # a mistyped password or code is put right on the contract page
        keep=("password_incorrect", "second_factor_incorrect", "second_factor_enrolment_required"),
    )


@login_required
@require_POST
def contract_propose(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    contract = _contract(request, pk, Action.CHANGE)
    form = ProposalForm(request.POST)
    if not form.is_valid():
        messages.error(request, "后续安排填写有误")
        return redirect("contracts:detail", contract.pk)
    data = form.cleaned_data
    return _act(
        request,
        contract,
        lambda: services.next_step_propose(
            actor=request.user,
            contract=contract,
            kind=data["kind"],
            achievement_id=data["achievement"],
            price=data["price"],
            terms=data["terms"],
            development_kind=data["development_kind"],
        ),
        "已提出后续安排，等待对方答复",
    )


@login_required
@require_POST
def proposal_accept(request: AuthenticatedHttpRequest, pk: int, proposal_pk: int) -> HttpResponse:
    contract = _contract(request, pk, Action.CHANGE)
    proposal = NextStepProposal.objects.filter(pk=proposal_pk, contract=contract).first()
    if proposal is None:
        raise Http404("提议不存在")
    refusals_return_to(request, reverse("contracts:detail", args=[contract.pk]))
    follow_on = services.next_step_accept(actor=request.user, proposal=proposal)
    messages.success(request, "已接受后续安排，后续合同已起草，请双方签署")
    return redirect("contracts:detail", follow_on.pk)


@login_required
@require_POST
def contract_end(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    contract = _contract(request, pk, Action.CHANGE)
    reason = request.POST.get("reason", "")
    return _act(
        request, contract, lambda: services.contract_end(actor=request.user, contract=contract, reason=reason), "合同已终止"
    )


@login_required
@require_POST
def ending_propose(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    contract = _contract(request, pk, Action.CHANGE)
    kind = request.POST.get("kind", "")
    success = "已发出终止通知，对方可在通知期内同意或提出异议" if kind == "notice" else "已提出协商终止，待对方答复"
    return _act(
        request,
        contract,
        lambda: services.ending_propose(
            actor=request.user, contract=contract, kind=kind, grounds=request.POST.get("grounds", "")
        ),
        success,
    )


@login_required
@require_POST
def ending_act(request: AuthenticatedHttpRequest, pk: int, request_pk: int, action: str) -> HttpResponse:
    contract = _contract(request, pk, Action.CHANGE)
    ending = contract.ending_requests.filter(pk=request_pk).first()
    if ending is None:
        raise Http404("终止申请不存在")
    answer = request.POST.get("answer", "")
    calls = {
        "accept": (
            lambda: services.ending_answer(actor=request.user, request=ending, accept=True, answer=answer),
            "已同意终止，合同已终止",
        ),
        "decline": (
            lambda: services.ending_answer(actor=request.user, request=ending, accept=False, answer=answer),
            "已答复对方",
        ),
        "withdraw": (lambda: services.ending_withdraw(actor=request.user, request=ending), "已撤回终止申请"),
    }
    if action not in calls:
        raise Http404("未知的操作")
    call, success = calls[action]
    return _act(request, contract, call, success)


@login_required
@require_POST
def contract_cancel(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    contract = _contract(request, pk, Action.CHANGE)
    return _act(request, contract, lambda: services.contract_cancel(actor=request.user, contract=contract), "草稿已撤销")


@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    """Public: anyone may check a contract PDF."""
    report = None
    form = VerifyForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            form.is_valid()  # binds the "required" error to the file field
            status = 400
        elif upload.size is not None and upload.size > signing.MAX_VERIFY_BYTES:
            report = signing.VerificationReport(
                ok=False, verifiable=False, sha256="", size=upload.size, message="无法验证：文件超过 20 MB 上限"
            )
        else:
            report = signing.verify_pdf(upload.read(signing.MAX_VERIFY_BYTES + 1))
    return render(request, "contracts/verify.html", {"form": form, "report": report}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def template_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    templates = restrict(ContractTemplate.objects.all(), request.user, Action.VIEW)
    is_admin = roles.is_provincial_admin(request.user)
    form = TemplateForm(request.POST or None) if is_admin else None
    if request.method == "POST":
        if not is_admin or form is None:
            raise PermissionDenied("只有省级管理员可以编辑合同示范文本")
        if form.is_valid():
            with form_refusal(apply=lambda exc: form.add_error(None, exc.detail)):
                services.template_create_version(actor=request.user, **form.cleaned_data)
                messages.success(request, "已保存为新版本草稿，发布后用于新起草的合同")
                return redirect("contracts:templates")
    return render(request, "contracts/templates.html", {"templates": templates, "form": form, "is_admin": is_admin})


@login_required
def template_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    template = restrict(ContractTemplate.objects.all(), request.user, Action.VIEW).filter(pk=pk).first()
    if template is None:
        raise Http404("示范文本不存在")
    return render(
        request,
        "contracts/template_detail.html",
        {
            "t": template,
            "text": rendering.specimen_text(template),
            "approval": rendering.DRAFT_MARK,
            "is_admin": roles.is_provincial_admin(request.user),
        },
    )


@login_required
@require_POST
def template_publish(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    template = restrict(ContractTemplate.objects.all(), request.user, Action.ADMINISTER).filter(pk=pk).first()
    if template is None:
        raise PermissionDenied("只有省级管理员可以发布合同示范文本")
    refusals_return_to(request, "contracts:templates")
    services.template_publish(actor=request.user, template=template)
    messages.success(request, "示范文本已发布")
    return redirect("contracts:templates")


# ---------------------------------------------------------------- open patent licences


def _achievement(request: AuthenticatedHttpRequest, pk: int) -> Achievement:
    return get_for_user(Achievement.objects.select_related("owner"), request.user, Action.VIEW, pk=pk)


@login_required
@require_http_methods(["GET", "POST"])
def open_licences(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """An achievement's open licences announced by CNIPA, and the form the unit records one with."""
    achievement = _achievement(request, pk)
    is_unit = roles.is_member(request.user, achievement.owner)
    form = OpenLicenceForm(request.POST or None) if is_unit else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied("只有成果单位可以登记开放许可")
        if form.is_valid():
            with form_refusal(form, aliases=FORM_FIELDS):
                record = services.open_licence_record(actor=request.user, achievement=achievement, **form.cleaned_data)
                messages.success(
                    request, f"已登记开放许可（公告号 {record.announcement_number}）；该成果不得再订立独占或排他许可"
                )
                return redirect("contracts:open_licence_detail", record.pk)
    context = {
        "a": achievement,
        "records": selectors.open_licences_of(request.user, achievement.pk),
        "form": form,
        "today": today(),
    }
    return render(request, "contracts/open_licences.html", context, status=400 if form is not None and form.errors else 200)


def _open_licence(request: AuthenticatedHttpRequest, pk: int) -> OpenLicence:
    return get_for_user(OpenLicence.objects.select_related("achievement__owner"), request.user, Action.VIEW, pk=pk)


@login_required
@require_http_methods(["GET", "POST"])
def open_licence_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """One open licence with its take-ups; the unit or an enterprise records a take-up."""
    record = _open_licence(request, pk)
    is_unit = roles.is_member(request.user, record.achievement.owner)
    in_force = record.in_force_on(today())
    take_up_form = TakeUpForm(request.POST or None) if in_force and roles.organisation_ids(request.user) else None
    if request.method == "POST":
        if take_up_form is None:
            raise PermissionDenied("该开放许可已届满或撤回，或您不属于任何机构")
        if take_up_form.is_valid():
            data = take_up_form.cleaned_data
            with form_refusal(take_up_form, aliases=FORM_FIELDS):
                contract = services.open_licence_take_up(
                    actor=request.user,
                    record=record,
                    licensee_id=data["licensee_credit_code"].pk,
                    scope=data["scope"],
                    extra_terms=data["extra_terms"],
                )
                messages.success(request, "已登记开放许可的实施，请双方签署实施记录")
                return redirect("contracts:detail", contract.pk)
    take_ups = selectors.visible_contracts(request.user).filter(open_licence=record)
    context = {
        "r": record,
        "a": record.achievement,
        "in_force": in_force,
        "is_unit": is_unit,
        "take_ups": take_ups,
        "take_up_count": record.take_ups.exclude(status="cancelled").count(),
        "take_up_form": take_up_form,
        "withdraw_form": OpenLicenceWithdrawForm() if is_unit and record.withdrawn_on is None else None,
    }
    status = 400 if take_up_form is not None and take_up_form.errors else 200
    return render(request, "contracts/open_licence_detail.html", context, status=status)


@login_required
@require_POST
def open_licence_withdraw(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    record = _open_licence(request, pk)
    form = OpenLicenceWithdrawForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请填写撤回生效日和撤回说明")
        return redirect("contracts:open_licence_detail", record.pk)
    refusals_return_to(request, reverse("contracts:open_licence_detail", args=[record.pk]))
    services.open_licence_withdraw(actor=request.user, record=record, **form.cleaned_data)
    messages.success(request, "已登记开放许可的撤回")
    return redirect("contracts:open_licence_detail", record.pk)
