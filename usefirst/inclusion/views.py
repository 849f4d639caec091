"""Pages: the dry-run report of the sweep (rule 4) and its export, the list of auto-included
projects, and off-platform conversion declarations. Thin: they call selectors and services."""

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
from usefirst.catalog.forms import error_summary
from usefirst.catalog.models import Achievement
from usefirst.core import workflow
from usefirst.core.actors import AuthenticatedHttpRequest
from usefirst.core.audit import audit
from usefirst.core.dates import today
from usefirst.core.excel import xlsx_response
from usefirst.core.pagination import paginate
from usefirst.core.permissions import Action, can, get_for_user, restrict
from usefirst.core.refusals import apply_to_form, button_action, form_refusal
from usefirst.core.regions import CITY_COUNTIES
from usefirst.plan_projects.models import PlanProject

from . import selectors, services
from .choices import DeclarationStatus, Verdict
from .forms import DeclarationForm
from .models import ConversionDeclaration
from .workflows import DECLARATION

MAX_EXPORT_ROWS = 50_000
# A unit may declare an off-platform conversion of a project still ahead of the sweep.
DECLARABLE = (Verdict.DUE, Verdict.DUE_SOON, Verdict.LATER)


@login_required
def report(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The dry run: what falls due in the coming days and, for every other project, why not."""
    with form_refusal(any_status=True) as refused:
        filters = selectors.parse_sweep_filters(request.GET)
        rows = selectors.sweep_report(request.user, filters)
        page = paginate(rows, page=request.GET.get("page") or 1)
    if refused:
        filters = selectors.SweepFilters(on=today())
        rows = selectors.sweep_report(request.user, filters)
        page = paginate(rows)
    query = filters.as_query()
    # 查看成果 only where the viewer may open the achievement (an auto-included one shows to its
    # unit and department, not to every reviewer who sees the dry run).
    included = [r.inclusion.achievement_id for r in page.items if r.inclusion]
    openable = set(restrict(Achievement.objects.filter(pk__in=included), request.user, Action.VIEW).values_list("pk", flat=True))
    return render(
        request,
        "inclusion/report.html",
        {
            "page": page,
            "filters": filters,
            "counts": selectors.verdict_counts(rows),
            "query": "&".join(f"{k}={v}" for k, v in query.items()),
            "verdicts": selectors.VERDICT_FILTERS.items(),
            "cities": list(CITY_COUNTIES),
            "error": refused[0].detail if refused else "",
            "my_units": roles.organisation_ids(request.user),
            "openable": openable,
            "declarable": DECLARABLE,
        },
    )


@login_required
def report_export(request: AuthenticatedHttpRequest) -> HttpResponse:
    with form_refusal(apply=lambda exc: messages.error(request, exc.detail), any_status=True) as refused:
        filters = selectors.parse_sweep_filters(request.GET)
    if refused:
        return redirect("inclusion:report")
    rows = selectors.sweep_report(request.user, filters)
    if len(rows) > MAX_EXPORT_ROWS:
        messages.error(request, f"导出条数超过 {MAX_EXPORT_ROWS} 条，请先用筛选条件缩小范围")
        return redirect("inclusion:report")
    audit(actor=request.user, action="inclusion.report_export", rows=len(rows), filters=filters.as_query())
    return xlsx_response(
        f"自动纳入预览_{filters.on:%Y%m%d}.xlsx",
        headers=selectors.REPORT_HEADERS,
        rows=selectors.report_export_rows(rows),
        sheet_title="自动纳入预览",
    )


@login_required
def declaration_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    with form_refusal(any_status=True) as refused:
        page = paginate(selectors.declarations_for(request.user, status=status), page=request.GET.get("page") or 1)
    if refused:
        status = ""
        page = paginate(selectors.declarations_for(request.user))
    return render(
        request,
        "inclusion/declaration_list.html",
        {
            "page": page,
            "status": status,
            "statuses": DeclarationStatus.choices,
            "query": f"status={status}" if status else "",
            "error": refused[0].detail if refused else "",
        },
    )


@login_required
def declaration_new(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    project = get_for_user(PlanProject.objects.select_related("unit"), request.user, Action.VIEW, pk=pk)
    form = DeclarationForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        form.is_valid()
        with form_refusal(form) as refused:
            declaration = services.declaration_submit(
                actor=request.user,
                project=project,
                kind=request.POST.get("kind", ""),
                counterparty=request.POST.get("counterparty", ""),
                signed_on=request.POST.get("signed_on", ""),
                amount=request.POST.get("amount", ""),
                registration_number=request.POST.get("registration_number", ""),
                note=request.POST.get("note", ""),
                contract_file=request.FILES.get("contract_file"),
                certificate_file=request.FILES.get("certificate_file"),
            )
            messages.success(request, "平台外转化申报已提交，等待主管部门审核")
            return redirect(services.declaration_url(declaration))
        if refused:
            status = 400
            form.errors.clear()
            apply_to_form(form, refused[0])
    return render(
        request,
        "inclusion/declaration_form.html",
        {"project": project, "form": form, "errors": error_summary(form)},
        status=status,
    )


def _declaration(request: AuthenticatedHttpRequest, pk: int, action: Action = Action.VIEW) -> ConversionDeclaration:
    return get_for_user(ConversionDeclaration.objects.select_related("project", "unit"), request.user, action, pk=pk)


@login_required
def declaration_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    declaration = _declaration(request, pk)
    steps = {step.name for step in workflow.allowed(DECLARATION, declaration, request.user)}
    show_history = can(request.user, Action.HISTORY, declaration)
    return render(
        request,
        "inclusion/declaration_detail.html",
        {
            "declaration": declaration,
            "steps": steps,
            "history": workflow.history(DECLARATION, declaration.events.select_related("actor")) if show_history else [],
        },
    )


EVIDENCE = {"contract": ("contract_file", "转化合同"), "certificate": ("certificate_file", "技术合同认定登记证明")}


@login_required
def declaration_evidence(request: AuthenticatedHttpRequest, pk: int, which: str) -> FileResponse:
    declaration = _declaration(request, pk, Action.HISTORY)
    if which not in EVIDENCE:
        raise Http404("没有该证明材料")
    field, label = EVIDENCE[which]
    file = getattr(declaration, field)
    if not file:
        raise Http404("未上传该证明材料")
    return FileResponse(file.open("rb"), filename=f"{label}-{declaration.project.number}{Path(file.name or '').suffix}")


ACTIONS: dict[str, tuple[Any, str, bool]] = {
    "accept": (services.declaration_accept, "已认可该申报，项目不再自动纳入", True),
    "return": (services.declaration_return, "已退回该申报，申报单位将收到通知", True),
    "withdraw": (services.declaration_withdraw, "已撤回申报", False),
}


@login_required
@require_POST
def declaration_action(request: AuthenticatedHttpRequest, pk: int, action: str) -> HttpResponse:
    if action not in ACTIONS:
        raise Http404("未知的操作")
    declaration = _declaration(request, pk)
    service, done, takes_reason = ACTIONS[action]
    kwargs: dict[str, Any] = {"actor": request.user, "declaration": declaration}
    if takes_reason:
        kwargs["reason"] = request.POST.get("reason", "")
    return button_action(request, done, lambda: service(**kwargs), reverse("inclusion:declaration_detail", args=[pk]))
