"""Pages: the plan project list (departments), its import, import batches, and the Excel
import of achievements. Thin: they call selectors and services."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from usefirst.accounts import roles
from usefirst.accounts.context_processors import current_membership
from usefirst.catalog.choices import ProjectCategory
from usefirst.core.actors import AuthenticatedHttpRequest
from usefirst.core.audit import audit
from usefirst.core.dates import today
from usefirst.core.errors import DomainError, NotFound
from usefirst.core.excel import ImportRowsInvalid, xlsx_response
from usefirst.core.pagination import paginate
from usefirst.core.permissions import Action, get_for_user
from usefirst.core.refusals import form_refusal

from . import selectors
from .imports.achievements import achievement_import_organisations, achievements_import
from .models import ImportBatch, ImportKind, ImportOutcome
from .services import can_import_plan_projects, plan_projects_import
from .templates_xlsx import achievement_template, plan_project_template

MAX_EXPORT_ROWS = 50_000


def _require_department(request: HttpRequest) -> None:
    if not roles.department_ids(request.user):
        raise PermissionDenied("只有省、市及行业主管部门可以查看省级科技计划项目")


def _stamp() -> str:
    return today().strftime("%Y%m%d")


@login_required
def plan_project_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_department(request)
    with form_refusal(any_status=True) as refused:
        filters = selectors.parse_plan_project_filters(request.GET)
        queryset = selectors.plan_projects_for(request.user, filters)
        page = paginate(queryset, page=request.GET.get("page") or 1)
    if refused:
        filters = selectors.PlanProjectFilters()
        page = paginate(selectors.plan_projects_for(request.user, filters))
    error = refused[0].detail if refused else ""
    query = filters.as_query()
    years = range(today().year, 2009, -1)
    return render(
        request,
        "plan_projects/plan_project_list.html",
        {
            "page": page,
            "filters": filters,
            "query": "&".join(f"{k}={v}" for k, v in query.items()),
            "categories": ProjectCategory.choices,
            "years": years,
            "error": error,
            "can_import": can_import_plan_projects(request.user),
        },
    )


@login_required
def plan_project_export(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_department(request)
    with form_refusal(apply=lambda exc: messages.error(request, exc.detail), any_status=True) as refused:
        filters = selectors.parse_plan_project_filters(request.GET)
    if refused:
        return redirect("plan_projects:list")
    queryset = selectors.plan_projects_for(request.user, filters)
    count = queryset.count()
    if count > MAX_EXPORT_ROWS:
        messages.error(request, f"导出条数超过 {MAX_EXPORT_ROWS} 条，请先用筛选条件缩小范围")
        return redirect("plan_projects:list")
    audit(actor=request.user, action="plan_projects.export", rows=count, filters=filters.as_query())
    return xlsx_response(
        f"省级科技计划项目_{_stamp()}.xlsx",
        headers=selectors.PLAN_PROJECT_EXPORT_HEADERS,
        rows=selectors.plan_project_export_rows(queryset),
        sheet_title="省级科技计划项目",
    )


@login_required
def plan_project_template_download(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not can_import_plan_projects(request.user):
        raise PermissionDenied("只有省科学技术厅和地市管理部门可以导入省级科技计划项目")
    return xlsx_response("省级科技计划项目导入模板.xlsx", plan_project_template())


def _import_context(refused: list[DomainError]) -> dict[str, Any]:
    """A refused import shown on its page: the reason, and the wrong rows (the first 1,000)."""
    if not refused:
        return {}
    exc = refused[0]
    if isinstance(exc, ImportRowsInvalid):
        return {"error": exc.detail, "row_errors": exc.row_errors[:1000], "more_errors": max(0, len(exc.row_errors) - 1000)}
    return {"error": exc.detail}


@login_required
@require_http_methods(["GET", "POST"])
def plan_project_import(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not can_import_plan_projects(request.user):
        raise PermissionDenied("只有省科学技术厅和地市管理部门可以导入省级科技计划项目")
    context: dict[str, Any] = {}
    if request.method == "POST":
        with form_refusal(any_status=True) as refused:
            batch = plan_projects_import(actor=request.user, file=request.FILES.get("file"))
            messages.success(
                request,
                f"导入成功：共 {batch.row_count} 行，新增 {batch.created_count} 个项目，"
                f"更新 {batch.updated_count} 个，未变化 {batch.unchanged_count} 个",
            )
            return redirect("plan_projects:batches")
        context.update(_import_context(refused))
    return render(request, "plan_projects/plan_project_import.html", context, status=422 if context.get("row_errors") else 200)


@login_required
def batch_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    kind = request.GET.get("kind") or ""
    if kind not in ("", *ImportKind.values):
        kind = ""
    queryset = selectors.import_batches_for(request.user, kind or None)
    with form_refusal(any_status=True) as refused:
        page = paginate(queryset, page=request.GET.get("page") or 1)
    if refused:
        page = paginate(queryset)
    error = refused[0].detail if refused else ""
    return render(
        request,
        "plan_projects/batch_list.html",
        {"page": page, "kind": kind, "kinds": ImportKind.choices, "error": error, "query": f"kind={kind}" if kind else ""},
    )


@login_required
def batch_export(request: AuthenticatedHttpRequest) -> HttpResponse:
    kind = request.GET.get("kind") or ""
    queryset = selectors.import_batches_for(request.user, kind if kind in ImportKind.values else None)
    audit(actor=request.user, action="import_batches.export", rows=queryset.count())
    return xlsx_response(
        f"导入批次_{_stamp()}.xlsx",
        headers=selectors.BATCH_EXPORT_HEADERS,
        rows=selectors.batch_export_rows(queryset[:MAX_EXPORT_ROWS]),
        sheet_title="导入批次",
    )


# ---------------------------------------------------------------- achievements


def _acting_organisation(request: AuthenticatedHttpRequest) -> Any:
    allowed = achievement_import_organisations(request.user)
    if not allowed:
        raise PermissionDenied("只有成果单位和地市管理部门可以批量导入成果")
    wanted = request.POST.get("organisation") or request.GET.get("organisation")
    if wanted:
        for org in allowed:
            if str(org.pk) == wanted:
                return org, allowed
        raise PermissionDenied("您不能以该机构的名义导入成果")
    membership = current_membership(request)
    current = membership.organisation if membership else None
    return (current if current in allowed else allowed[0]), allowed


@login_required
def achievement_template_download(request: AuthenticatedHttpRequest) -> HttpResponse:
    _acting_organisation(request)
    return xlsx_response("科技成果导入模板.xlsx", achievement_template())


@login_required
@require_http_methods(["GET", "POST"])
def achievement_import(request: AuthenticatedHttpRequest) -> HttpResponse:
    organisation, allowed = _acting_organisation(request)
    context: dict[str, Any] = {"organisation": organisation, "organisations": allowed}
    if request.method == "POST":
        with form_refusal(any_status=True) as refused:
            batch, _created = achievements_import(actor=request.user, organisation=organisation, file=request.FILES.get("file"))
            if batch.is_finished:
                messages.success(request, f"导入成功：{batch.created_count} 项成果已保存为草稿，请逐项核对后提交审核")
            else:
                messages.info(request, f"文件已通过检查（{batch.row_count} 行），正在后台导入，完成后将通知您")
            return redirect("plan_projects:batch_detail", pk=batch.pk)
        context.update(_import_context(refused))
    return render(request, "plan_projects/achievement_import.html", context, status=422 if context.get("row_errors") else 200)


@login_required
def batch_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    with form_refusal(any_status=True) as refused:
        batch = get_for_user(ImportBatch.objects.select_related("actor", "organisation"), request.user, Action.VIEW, pk=pk)
    if refused:  # another organisation's batch is not there for this person
        raise NotFound(refused[0].detail)
    errors = batch.detail.get("errors", []) if batch.outcome == ImportOutcome.REFUSED else []
    return render(
        request,
        "plan_projects/batch_detail.html",
        {"batch": batch, "row_errors": errors, "refresh": not batch.is_finished},
    )
