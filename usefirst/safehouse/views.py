"""Pages of the 安心屋 (rule 10) and of the management systems and incentives. Thin: they parse
the form, find the object through the chokepoint, call one service and render."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from usefirst.accounts import roles
from usefirst.accounts.models import OWNER_UNIT_KINDS, Organisation
from usefirst.catalog.forms import error_summary
from usefirst.contracts.models import Contract
from usefirst.contracts.selectors import visible_contracts
from usefirst.core import workflow
from usefirst.core.actors import AuthenticatedHttpRequest
from usefirst.core.dates import today
from usefirst.core.pagination import paginate
from usefirst.core.permissions import Action, can, get_for_user, restrict
from usefirst.core.refusals import apply_to_form, button_action, form_refusal

from . import checklist, selectors, services
from .choices import ExemptionStatus, Step, SystemStatus
from .forms import DepositForm, ExemptionForm, IncentiveForm, SystemForm
from .models import Dossier, ExemptionApplication, ManagementSystem
from .policies import is_auditor
from .steps import field_labels
from .workflows import EXEMPTION, SYSTEM


@login_required
def index(request: AuthenticatedHttpRequest) -> HttpResponse:
    rows = selectors.deals_for(request.user)
    return render(
        request,
        "safehouse/index.html",
        {
            "page": paginate(rows, page=request.GET.get("page") or 1),
            "auditor": is_auditor(request.user),
            "departments": bool(roles.department_ids(request.user)),
        },
    )


def _dossier_and_contract(
    request: AuthenticatedHttpRequest, contract_pk: int, action: Action = Action.VIEW
) -> tuple[Contract, Dossier | None]:
    dossier = (
        restrict(Dossier.objects.select_related("contract", "unit"), request.user, action).filter(contract_id=contract_pk).first()
    )
    if dossier is not None:
        return dossier.contract, dossier
    contract = visible_contracts(request.user).filter(pk=contract_pk).first()
    unit = services.dossier_unit(contract) if contract is not None else None
    if contract is None or unit is None or not roles.is_member(request.user, unit):
        raise Http404("没有该合同的安心屋卷宗")
    return contract, None


@login_required
def dossier(request: AuthenticatedHttpRequest, contract_pk: int) -> HttpResponse:
    contract, found = _dossier_and_contract(request, contract_pk)
    unit = services.dossier_unit(contract)
    may_deposit = unit is not None and roles.is_member(request.user, unit)
    entries = []
    if found is not None:
        for entry in found.entries.order_by("seq"):
            labels = field_labels(entry.step)
            entries.append((entry, [(labels.get(k, k), v) for k, v in entry.fields.items()]))
    present = selectors.present_steps(found) if found else set()
    return render(
        request,
        "safehouse/dossier.html",
        {
            "contract": contract,
            "dossier": found,
            "entries": entries,
            "steps": [(s, s.value in present) for s in Step if s != Step.OTHER],
            "other": Step.OTHER,
            "missing": selectors.missing_steps(found) if found else [s.label for s in Step if s != Step.OTHER],
            "problems": selectors.chain_problems(found) if found else [],
            "signatures": list(found.signatures.order_by("-seq")[:5]) if found else [],
            "exemptions": list(restrict(found.exemptions.all(), request.user, Action.VIEW)) if found else [],
            "may_deposit": may_deposit,
            # the audit office reads the dossier, not the contract itself: its number, unlinked
            "contract_visible": can(request.user, Action.VIEW, contract),
        },
    )


@login_required
def deposit(request: AuthenticatedHttpRequest, contract_pk: int, step: str) -> HttpResponse:
    if step not in Step.values:
        raise Http404("没有该决策步骤")
    contract, _ = _dossier_and_contract(request, contract_pk)
    form = DepositForm(step, request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        form.is_valid()
        with form_refusal(form) as refused:
            entry = services.entry_deposit(
                actor=request.user,
                contract=contract,
                step=step,
                title=request.POST.get("title", ""),
                values=request.POST,
                upload=request.FILES.get("file"),
            )
            messages.success(request, f"已存证：条目 #{entry.seq}，文件 SHA-256 {entry.file_sha256[:16]}…")
            return redirect("safehouse:dossier", contract_pk=contract.pk)
        if refused:
            status = 400
            form.errors.clear()
            apply_to_form(form, refused[0])
    return render(
        request,
        "safehouse/deposit.html",
        {"contract": contract, "step_label": Step(step).label, "form": form, "errors": error_summary(form)},
        status=status,
    )


def _dossier(request: AuthenticatedHttpRequest, contract_pk: int) -> Dossier:
    return get_for_user(Dossier.objects.select_related("contract", "unit"), request.user, Action.HISTORY, contract_id=contract_pk)


@login_required
def entry_file(request: AuthenticatedHttpRequest, contract_pk: int, seq: int) -> FileResponse:
    found = _dossier(request, contract_pk)
    entry = found.entries.filter(seq=seq).first()
    if entry is None:
        raise Http404("没有该存证条目")
    return FileResponse(entry.file.open("rb"), filename=f"{found.ref}-{entry.seq:04d}-{entry.file_name}")


@login_required
def export(request: AuthenticatedHttpRequest, contract_pk: int) -> HttpResponse:
    found = _dossier(request, contract_pk)
    data = services.dossier_export(actor=request.user, dossier=found)
    response = HttpResponse(data, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{found.ref}.zip"'
    return response


@login_required
def exemption_new(request: AuthenticatedHttpRequest, contract_pk: int) -> HttpResponse:
    found = get_for_user(Dossier.objects.select_related("contract", "unit"), request.user, Action.CHANGE, contract_id=contract_pk)
    form = ExemptionForm(request.POST or None)
    status = 200
    if request.method == "POST":
        form.is_valid()
        role = request.POST.get("role", "")
        # A situation of another role than the one chosen is refused by the service (unknown code).
        codes = [v.split(":", 1)[1] if v.startswith(f"{role}:") else v for v in request.POST.getlist("situations")]
        with form_refusal(form) as refused:
            application = services.exemption_apply(
                actor=request.user, dossier=found, role=role, situations=codes, statement=request.POST.get("statement", "")
            )
            messages.success(request, "尽职免责申请已提交，等待主管部门认定")
            return redirect("safehouse:exemption", pk=application.pk)
        if refused:
            status = refused[0].status
            form.errors.clear()
            apply_to_form(form, refused[0])
    return render(
        request,
        "safehouse/exemption_form.html",
        {
            "dossier": found,
            "form": form,
            "errors": error_summary(form),
            "roles": checklist.ROLES,
            "missing": selectors.missing_steps(found),
        },
        status=status,
    )


@login_required
def exemptions(request: AuthenticatedHttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    if status not in ExemptionStatus.values:
        status = ""
    return render(
        request,
        "safehouse/exemption_list.html",
        {
            "page": paginate(selectors.exemptions_for(request.user, status=status), page=request.GET.get("page") or 1),
            "status": status,
            "statuses": ExemptionStatus.choices,
            "query": f"status={status}" if status else "",
        },
    )


@login_required
def exemption(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    application = get_for_user(
        ExemptionApplication.objects.select_related("dossier__contract", "dossier__unit", "determining_department"),
        request.user,
        Action.VIEW,
        pk=pk,
    )
    steps = {step.name for step in workflow.allowed(EXEMPTION, application, request.user)}
    return render(
        request,
        "safehouse/exemption_detail.html",
        {
            "application": application,
            "steps": steps,
            "missing": selectors.missing_steps(application.dossier),
            "problems": selectors.chain_problems(application.dossier),
            "may_see_dossier": can(request.user, Action.VIEW, application.dossier),
            "history": workflow.history(EXEMPTION, application.events.select_related("actor")),
        },
    )


@login_required
@require_POST
def exemption_action(request: AuthenticatedHttpRequest, pk: int, action: str) -> HttpResponse:
    application = get_for_user(ExemptionApplication.objects.select_related("dossier__unit"), request.user, Action.VIEW, pk=pk)
    back = reverse("safehouse:exemption", args=[pk])
    reason = request.POST.get("reason", "")
    calls: dict[str, tuple[Any, str]] = {
        "exempt": (
            lambda: services.exemption_determine(actor=request.user, application=application, exempt=True, reason=reason),
            "已认定免责",
        ),
        "refuse": (
            lambda: services.exemption_determine(actor=request.user, application=application, exempt=False, reason=reason),
            "已认定不予免责",
        ),
        "withdraw": (lambda: services.exemption_withdraw(actor=request.user, application=application), "已撤回申请"),
    }
    if action not in calls:
        raise Http404("未知的操作")
    call, done = calls[action]
    return button_action(request, done, call, back)


@login_required
def systems(request: AuthenticatedHttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    if status not in SystemStatus.values:
        status = ""
    organisation = _unit_of(request)
    return render(
        request,
        "safehouse/system_list.html",
        {
            "page": paginate(selectors.systems_for(request.user, status=status), page=request.GET.get("page") or 1),
            "status": status,
            "statuses": SystemStatus.choices,
            "query": f"status={status}" if status else "",
            "may_file": organisation is not None,
        },
    )


def _unit_of(request: AuthenticatedHttpRequest) -> Organisation | None:
    for membership in roles.active_memberships(request.user).select_related("organisation"):
        if membership.organisation.is_owner_unit_kind:
            return membership.organisation
    return None


@login_required
def system_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    unit = _unit_of(request)
    if unit is None:
        raise Http404("只有成果单位可以报送配套管理制度")
    form = SystemForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        form.is_valid()
        with form_refusal(form) as refused:
            system = services.system_file(
                actor=request.user,
                unit=unit,
                title=request.POST.get("title", ""),
                effective_from=request.POST.get("effective_from", ""),
                document=request.FILES.get("document"),
            )
            messages.success(request, "配套管理制度已报送，等待主管部门审核")
            return redirect("safehouse:system", pk=system.pk)
        if refused:
            status = 400
            form.errors.clear()
            apply_to_form(form, refused[0])
    return render(
        request, "safehouse/system_form.html", {"unit": unit, "form": form, "errors": error_summary(form)}, status=status
    )


@login_required
def system(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    found = get_for_user(ManagementSystem.objects.select_related("unit"), request.user, Action.VIEW, pk=pk)
    return render(
        request,
        "safehouse/system_detail.html",
        {
            "system": found,
            "steps": {step.name for step in workflow.allowed(SYSTEM, found, request.user)},
            "history": workflow.history(SYSTEM, found.events.select_related("actor")),
        },
    )


@login_required
def system_document(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    found = get_for_user(ManagementSystem.objects.select_related("unit"), request.user, Action.VIEW, pk=pk)
    return FileResponse(found.document.open("rb"), filename=f"{found.title}{Path(found.document.name or '').suffix}")


@login_required
@require_POST
def system_action(request: AuthenticatedHttpRequest, pk: int, action: str) -> HttpResponse:
    found = get_for_user(ManagementSystem.objects.select_related("unit"), request.user, Action.VIEW, pk=pk)
    reason = request.POST.get("reason", "")
    if action == "approve":
        return button_action(
            request,
            "已审核通过",
            lambda: services.system_approve(actor=request.user, system=found, reason=reason),
            reverse("safehouse:system", args=[pk]),
        )
    if action == "return":
        return button_action(
            request,
            "已退回",
            lambda: services.system_return(actor=request.user, system=found, reason=reason),
            reverse("safehouse:system", args=[pk]),
        )
    raise Http404("未知的操作")


def _incentive_units(request: AuthenticatedHttpRequest) -> list[tuple[int, str]]:
    departments = roles.department_ids(request.user)
    units = Organisation.objects.filter(kind__in=OWNER_UNIT_KINDS)
    if not roles.is_provincial_staff(request.user):
        units = units.filter(reviewing_department_id__in=departments)
    return list(units.order_by("name").values_list("pk", "name")[:500])


@login_required
def incentives(request: AuthenticatedHttpRequest) -> HttpResponse:
    departments = bool(roles.department_ids(request.user))
    form = IncentiveForm(_incentive_units(request) if departments else [], request.POST or None, initial={"year": today().year})
    status = 200
    if request.method == "POST":
        if not departments:
            raise Http404("只有主管部门可以登记激励支持")
        form.is_valid()
        unit = Organisation.objects.filter(
            pk__in=[pk for pk, _ in _incentive_units(request)], pk=request.POST.get("unit") or 0
        ).first()
        with form_refusal(form) as refused:
            if unit is None:
                from usefirst.core.errors import DomainError

                raise DomainError("请选择受支持单位", code="validation_failed", field_errors={"unit": ["请选择受支持单位"]})
            services.incentive_record(
                actor=request.user,
                unit=unit,
                kind=request.POST.get("kind", ""),
                year=request.POST.get("year", ""),
                granted_on=request.POST.get("granted_on", ""),
                description=request.POST.get("description", ""),
                amount=request.POST.get("amount", ""),
                person_name=request.POST.get("person_name", ""),
            )
            messages.success(request, "激励支持已登记")
            return redirect("safehouse:incentives")
        if refused:
            status = 400
            form.errors.clear()
            apply_to_form(form, refused[0])
    return render(
        request,
        "safehouse/incentives.html",
        {
            "page": paginate(selectors.incentives_visible(request.user), page=request.GET.get("page") or 1),
            "form": form if departments else None,
            "errors": error_summary(form) if departments else [],
        },
        status=status,
    )
