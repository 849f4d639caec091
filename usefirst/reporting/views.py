"""Pages of annual reporting and rectification. Thin: they call selectors and services."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from usefirst.accounts import roles
from usefirst.accounts.context_processors import current_membership
from usefirst.accounts.models import OWNER_UNIT_KINDS, Organisation, OrganisationKind, OrganisationStatus
from usefirst.catalog.forms import error_summary
from usefirst.core import workflow
from usefirst.core.actors import AuthenticatedHttpRequest
from usefirst.core.audit import audit
from usefirst.core.dates import today
from usefirst.core.errors import DomainError
from usefirst.core.excel import ImportRowsInvalid, xlsx_response
from usefirst.core.pagination import paginate
from usefirst.core.permissions import Action, can, get_for_user
from usefirst.core.refusals import apply_to_form, button_action, form_refusal

from . import rules, selectors, services
from .choices import AnnexKind, CaseStatus, FormKind, ReportStatus
from .fields import fields_of
from .forms import CaseForm, WindowForm, report_form
from .models import AnnualReport, FilingWindow, RectificationCase
from .workflows import CASE, REPORT


def _membership_org(request: AuthenticatedHttpRequest) -> Organisation | None:
    membership = current_membership(request)
    return membership.organisation if membership is not None else None


def _import_context(refused: list[DomainError]) -> dict[str, Any]:
    if not refused:
        return {}
    exc = refused[0]
    if isinstance(exc, ImportRowsInvalid):
        return {"error": exc.detail, "row_errors": exc.row_errors[:1000], "more_errors": max(0, len(exc.row_errors) - 1000)}
    return {"error": exc.detail}


def _years() -> list[int]:
    return list(FilingWindow.objects.values_list("year", flat=True))


# ---------------------------------------------------------------- the organisation's own reports


@login_required
def my_reports(request: AuthenticatedHttpRequest) -> HttpResponse:
    organisation = _membership_org(request)
    if organisation is None:
        raise PermissionDenied("请先加入一个机构")
    try:
        services.form_of(organisation)
        files = True
    except DomainError:
        files = False
    reports = AnnualReport.objects.filter(organisation=organisation).order_by("-year")
    started = set(reports.values_list("year", flat=True))
    windows = [w for w in FilingWindow.objects.order_by("-year") if w.year not in started]
    if request.method == "POST":
        if not files:
            raise PermissionDenied("本机构不填报年度数据")
        year = int(request.POST.get("year") or 0)
        report = services.report_start(actor=request.user, organisation=organisation, year=year)
        messages.success(request, f"已开始填报 {year} 年度报告，平台数据已预填，请核对")
        return redirect(services.report_url(report))
    return render(
        request,
        "reporting/my_reports.html",
        {"organisation": organisation, "reports": reports, "windows": windows, "files": files, "today": today()},
    )


def _report(request: AuthenticatedHttpRequest, pk: int, action: Action = Action.VIEW) -> AnnualReport:
    return get_for_user(AnnualReport.objects.select_related("organisation", "department"), request.user, action, pk=pk)


@login_required
def report_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    report = _report(request, pk)
    steps = {step.name for step in workflow.allowed(REPORT, report, request.user)}
    editable = can(request.user, Action.CHANGE, report) and report.status in services.EDITABLE
    reviewer = can(request.user, Action.REVIEW, report)
    return render(
        request,
        "reporting/report_detail.html",
        {
            "report": report,
            "parts": selectors.figure_rows(report),
            "annexes": [(label, report.annex_rows.filter(annex=kind)) for kind, label in AnnexKind.choices],
            "steps": steps,
            "editable": editable,
            "reviewer": reviewer,
            "may_open_case": reviewer and _may_open(request),  # the province, or the unit's city
            "own": roles.is_member(request.user, report.organisation),
            "may_extend": reviewer and report.status in services.EDITABLE,
            "deadline": rules.deadline_of(report),
            "tolerance": rules.tolerance_percent(),
            "history": workflow.history(REPORT, report.events.select_related("actor")),
            "cases": report.cases.all() if reviewer or roles.is_provincial_staff(request.user) else [],
        },
    )


@login_required
def report_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    report = _report(request, pk, Action.CHANGE)
    form = report_form(report.form, request.POST or None, initial=report.values)
    status = 200
    if request.method == "POST":
        values = {spec.key: request.POST[spec.key] for spec in fields_of(report.form) if spec.key in request.POST}
        with form_refusal(form) as refused:
            services.report_update(actor=request.user, report=report, values=values)
            messages.success(request, "填报数据已保存")
            return redirect(services.report_url(report))
        if refused:
            status = 400
    return render(
        request,
        "reporting/report_edit.html",
        {"report": report, "form": form, "errors": error_summary(form), "parts": selectors.figure_rows(report)},
        status=status,
    )


@login_required
@require_POST
def report_upload(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    report = _report(request, pk)
    return button_action(
        request,
        "已上传",
        lambda: services.report_upload(
            actor=request.user,
            report=report,
            cover=request.FILES.get("cover_file"),
            undertaking=request.FILES.get("undertaking_file"),
        ),
        services.report_url(report),
    )


@login_required
def report_import(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    report = _report(request, pk, Action.CHANGE)
    context: dict[str, Any] = {"report": report}
    if request.method == "POST":
        with form_refusal(any_status=True) as refused:
            services.report_import(actor=request.user, report=report, upload=request.FILES.get("file"))
            messages.success(request, "已从 Excel 导入填报数据")
            return redirect(services.report_url(report))
        context.update(_import_context(refused))
    return render(request, "reporting/report_import.html", context, status=422 if context.get("row_errors") else 200)


@login_required
def report_template(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    report = _report(request, pk, Action.CHANGE)
    return xlsx_response(f"{report.year}年度数据填报表.xlsx", selectors.form_template(report))


@login_required
def report_export(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    report = _report(request, pk)
    audit(actor=request.user, action="reporting.report_export", report=report.pk)
    return xlsx_response(f"{report.organisation.name}_{report.year}年度数据报告.xlsx", selectors.report_workbook(report))


FILES = {"cover": ("cover_file", "签章封面"), "undertaking": ("undertaking_file", "承诺书")}


@login_required
def report_file(request: AuthenticatedHttpRequest, pk: int, which: str) -> FileResponse:
    report = _report(request, pk, Action.HISTORY)
    if which not in FILES:
        raise Http404("没有该附件")
    field, label = FILES[which]
    file = getattr(report, field)
    if not file:
        raise Http404("尚未上传该附件")
    return FileResponse(file.open("rb"), filename=f"{label}-{report.year}{Path(file.name or '').suffix}")


REPORT_ACTIONS: dict[str, tuple[Any, str, bool]] = {
    "submit": (services.report_submit, "已提交，等待主管部门审核", False),
    "accept": (services.report_accept, "已审核通过，待省科学技术厅复核", True),
    "return": (services.report_return, "已退回，填报单位将收到通知", True),
    "countersign": (services.report_countersign, "已复核通过，计入全省汇总", True),
    "province_return": (services.report_province_return, "已退回，填报单位和主管部门将收到通知", True),
}


@login_required
@require_POST
def report_action(request: AuthenticatedHttpRequest, pk: int, action: str) -> HttpResponse:
    if action not in REPORT_ACTIONS:
        raise Http404("未知的操作")
    report = _report(request, pk)
    service, done, takes_reason = REPORT_ACTIONS[action]
    kwargs: dict[str, Any] = {"actor": request.user, "report": report}
    if takes_reason:
        kwargs["reason"] = request.POST.get("reason", "")
    return button_action(request, done, lambda: service(**kwargs), services.report_url(report))


@login_required
@require_POST
def report_extend(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    report = _report(request, pk)
    return button_action(
        request,
        "已准予延期",
        lambda: services.report_extend(
            actor=request.user, report=report, until=request.POST.get("until", ""), reason=request.POST.get("reason", "")
        ),
        services.report_url(report),
    )


# ---------------------------------------------------------------- departments: review, roll-up, batch import


def _require_department(request: AuthenticatedHttpRequest) -> None:
    if not roles.department_ids(request.user):
        raise PermissionDenied("只有主管部门可以查看年度数据报告汇总")


def _year(request: AuthenticatedHttpRequest) -> int | None:
    raw = request.GET.get("year", "")
    if not raw:
        return None
    if not raw.isdigit():
        raise DomainError("报告年度应为四位数字", code="validation_failed")
    return int(raw)


@login_required
def reports(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_department(request)
    status, form = request.GET.get("status", ""), request.GET.get("form", "")
    year: int | None = None
    with form_refusal(any_status=True) as refused:
        year = _year(request)
        page = paginate(
            selectors.reports_for(request.user, year=year, status=status, form=form), page=request.GET.get("page") or 1
        )
    if refused:
        status, form, year = "", "", None
        page = paginate(selectors.reports_for(request.user))
    query = "&".join(f"{k}={v}" for k, v in (("year", year or ""), ("status", status), ("form", form)) if v)
    return render(
        request,
        "reporting/reports.html",
        {
            "page": page,
            "status": status,
            "form": form,
            "year": year,
            "years": _years(),
            "statuses": ReportStatus.choices,
            "forms": FormKind.choices,
            "query": query,
            "error": refused[0].detail if refused else "",
            "provincial": roles.is_provincial_staff(request.user),
        },
    )


@login_required
def rollup(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_department(request)
    years = _years()
    with form_refusal(any_status=True) as refused:
        year = _year(request) or (years[0] if years else today().year - 1)
    if refused:
        year = years[0] if years else today().year - 1
    data = [
        (label, selectors.rollup(request.user, year=year, form=form), [s for s in fields_of(form) if s.kind != "text"])
        for form, label in FormKind.choices
    ]
    return render(
        request,
        "reporting/rollup.html",
        {"year": year, "years": years, "data": data, "error": refused[0].detail if refused else ""},
    )


@login_required
def rollup_export(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_department(request)
    year = _year(request) or today().year - 1
    audit(actor=request.user, action="reporting.rollup_export", year=year)
    return xlsx_response(f"{year}年度数据报告汇总.xlsx", selectors.rollup_workbook(request.user, year=year))


@login_required
def batch_import(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_department(request)
    context: dict[str, Any] = {"years": _years()}
    if request.method == "POST":
        with form_refusal(any_status=True) as refused:
            year = int(request.POST.get("year") or 0)
            done = services.reports_import_batch(actor=request.user, year=year, upload=request.FILES.get("file"))
            messages.success(request, f"已导入 {len(done)} 家单位的 {year} 年度数据（各单位须上传封面和承诺书后自行提交）")
            return redirect(reverse("reporting:reports") + f"?year={year}")
        context.update(_import_context(refused))
    return render(request, "reporting/batch_import.html", context, status=422 if context.get("row_errors") else 200)


@login_required
def batch_template(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_department(request)
    return xlsx_response("年度数据批量填报模板.xlsx", selectors.batch_template(FormKind.UNIT))


@login_required
def window(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not roles.is_provincial_staff(request.user):
        raise PermissionDenied("只有省科学技术厅可以设置年度填报期")
    form = WindowForm(request.POST or None)
    status = 200
    if request.method == "POST":
        with form_refusal(form) as refused:
            services.window_set(
                actor=request.user,
                year=request.POST.get("year", ""),
                opens_on=request.POST.get("opens_on", ""),
                deadline=request.POST.get("deadline", ""),
            )
            messages.success(request, "年度填报期已保存")
            return redirect("reporting:window")
        if refused:
            status = 400
    return render(
        request,
        "reporting/window.html",
        {"form": form, "errors": error_summary(form), "windows": FilingWindow.objects.all()},
        status=status,
    )


# ---------------------------------------------------------------- rectification cases


@login_required
def cases(request: AuthenticatedHttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    with form_refusal(any_status=True) as refused:
        page = paginate(selectors.cases_for(request.user, status=status), page=request.GET.get("page") or 1)
    if refused:
        status = ""
        page = paginate(selectors.cases_for(request.user))
    return render(
        request,
        "reporting/cases.html",
        {
            "page": page,
            "status": status,
            "statuses": CaseStatus.choices,
            "query": f"status={status}" if status else "",
            "error": refused[0].detail if refused else "",
            "may_open": _may_open(request),
        },
    )


def _may_open(request: AuthenticatedHttpRequest) -> bool:
    return (
        roles.is_provincial_staff(request.user)
        or Organisation.objects.filter(pk__in=roles.department_ids(request.user), kind=OrganisationKind.CITY_DEPARTMENT).exists()
    )


def _unit_choices(request: AuthenticatedHttpRequest) -> list[tuple[str, str]]:
    units = Organisation.objects.filter(status=OrganisationStatus.ACTIVE, kind__in=[k.value for k in OWNER_UNIT_KINDS])
    if not roles.is_provincial_staff(request.user):
        cities = Organisation.objects.filter(
            pk__in=roles.department_ids(request.user), kind=OrganisationKind.CITY_DEPARTMENT
        ).values_list("city", flat=True)
        units = units.filter(city__in=list(cities))
    return [(str(o.pk), f"{o.name}（{o.city}）") for o in units.order_by("city", "name")[:2000]]


@login_required
def case_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not _may_open(request):
        raise PermissionDenied("只有省科学技术厅和地市管理部门可以立案整改")
    form = CaseForm(request.POST or None, initial={"unit": request.GET.get("unit", "")})
    form.fields["unit"].choices = [("", "请选择"), *_unit_choices(request)]  # type: ignore[attr-defined]
    status = 200
    if request.method == "POST":
        form.is_valid()
        with form_refusal(form) as refused:
            unit = Organisation.objects.filter(pk=int(request.POST.get("unit") or 0)).first()
            if unit is None:
                raise DomainError("请选择整改单位", code="validation_failed", field_errors={"unit": ["请选择整改单位"]})
            report = None
            if request.GET.get("report"):
                report = get_for_user(AnnualReport.objects.all(), request.user, Action.VIEW, pk=int(request.GET["report"]))
            case = services.case_open(
                actor=request.user,
                unit=unit,
                title=request.POST.get("title", ""),
                finding=request.POST.get("finding", ""),
                severity=request.POST.get("severity", ""),
                report=report,
            )
            messages.success(request, "已立案，请通知单位整改")
            return redirect(services.case_url(case))
        if refused:
            status = 400
            form.errors.clear()
            apply_to_form(form, refused[0])
    return render(request, "reporting/case_form.html", {"form": form, "errors": error_summary(form)}, status=status)


def _case(request: AuthenticatedHttpRequest, pk: int, action: Action = Action.VIEW) -> RectificationCase:
    return get_for_user(RectificationCase.objects.select_related("unit", "opened_by_org"), request.user, action, pk=pk)


@login_required
def case_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    case = _case(request, pk)
    steps = {step.name for step in workflow.allowed(CASE, case, request.user)}
    return render(
        request,
        "reporting/case_detail.html",
        {
            "case": case,
            "steps": steps,
            "may_refer": case.severity == "serious"
            and case.misconduct_id is None
            and roles.is_provincial_staff(request.user)
            and can(request.user, Action.REVIEW, case),
            "history": workflow.history(CASE, case.events.select_related("actor")),
            "today": today(),
        },
    )


@login_required
def case_plan_file(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    case = _case(request, pk, Action.HISTORY)
    if not case.plan_file:
        raise Http404("未上传整改方案附件")
    return FileResponse(case.plan_file.open("rb"), filename=f"整改方案-{case.number}{Path(case.plan_file.name or '').suffix}")


@login_required
@require_POST
def case_action(request: AuthenticatedHttpRequest, pk: int, action: str) -> HttpResponse:
    case = _case(request, pk)
    post = request.POST
    calls: dict[str, tuple[str, Any]] = {
        "notify": (
            "已通知单位整改",
            lambda: services.case_notify(actor=request.user, case=case, plan_due=post.get("plan_due", "")),
        ),
        "submit_plan": (
            "整改方案已提交，等待核验",
            lambda: services.case_submit_plan(
                actor=request.user, case=case, plan=post.get("plan", ""), plan_file=request.FILES.get("plan_file")
            ),
        ),
        "return_plan": (
            "已退回整改方案",
            lambda: services.case_return_plan(
                actor=request.user, case=case, reason=post.get("reason", ""), plan_due=post.get("plan_due", "")
            ),
        ),
        "close": (
            "已核验销号",
            lambda: services.case_close(actor=request.user, case=case, verification=post.get("verification", "")),
        ),
        "refer": (
            "已移交科研失信记录",
            lambda: services.case_refer(
                actor=request.user,
                case=case,
                period_start=post.get("period_start", ""),
                period_end=post.get("period_end", ""),
                reason=post.get("reason", ""),
            ),
        ),
    }
    if action not in calls:
        raise Http404("未知的操作")
    done, call = calls[action]
    return button_action(request, done, call, services.case_url(case))
