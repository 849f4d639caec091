"""Pages of the recommendation channels: recommend a batch (form or Excel), the batches sent and
to review, a batch with its row outcomes and the review, the count of achievements by source."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from usefirst.accounts import roles
from usefirst.accounts.context_processors import current_membership
from usefirst.accounts.models import Organisation
from usefirst.catalog.choices import IpKind
from usefirst.catalog.selectors import top_fields
from usefirst.core import workflow
from usefirst.core.actors import AuthenticatedHttpRequest
from usefirst.core.errors import DomainError
from usefirst.core.excel import ImportRowsInvalid, SheetSpec, accept_xlsx, write_workbook, xlsx_response
from usefirst.core.pagination import paginate
from usefirst.core.permissions import Action, can, get_for_user
from usefirst.core.refusals import button_action, form_refusal

from . import selectors, services
from . import survey as survey_module
from .choices import BatchStatus, Channel, Maturity, SourceKind
from .models import ConversionIntent, RecommendationBatch
from .workflows import BATCH

FORM_ROWS = 3
ROW_KEYS = ("title", "owner_name", "outside", "ip_kind", "ip_number", "field", "maturity", "summary", "scenario", "consent")


def _current_org(request: HttpRequest) -> Organisation | None:
    membership = current_membership(request)
    return membership.organisation if membership else None


def _recommender(request: HttpRequest) -> Organisation:
    organisation = _current_org(request)
    if organisation is None or services.channel_of(organisation) is None:
        raise PermissionDenied("只有地市、主管部门、成果单位、企业、省外高校院所和园区可以推荐成果")
    return organisation


def _refused_context(refused: list[DomainError]) -> dict[str, Any]:
    if not refused:
        return {}
    exc = refused[0]
    if isinstance(exc, ImportRowsInvalid):
        return {"error": exc.detail, "row_errors": exc.row_errors[:1000]}
    return {"error": exc.detail, "field_errors": exc.field_errors or {}}


def _form_rows(post: Any) -> list[services.RowInput]:
    rows = []
    for index in range(FORM_ROWS):
        values = {key: post.get(f"row-{index}-{key}", "") for key in ROW_KEYS}
        if not any(str(values[k]).strip() for k in ("title", "owner_name", "scenario", "ip_number")):
            continue
        values["consent"] = "是" if values["consent"] else "否"
        values["outside"] = "是" if values["outside"] else "否"
        rows.append(services.RowInput(position=index + 1, **values))
    return rows


@login_required
@require_http_methods(["GET", "POST"])
def recommend(request: AuthenticatedHttpRequest) -> HttpResponse:
    recommender = _recommender(request)
    context: dict[str, Any] = {
        "recommender": recommender,
        "channel": services.channel_of(recommender),
        "reviewer": services.reviewer_for(recommender),
        "row_indexes": range(FORM_ROWS),
        "fields": top_fields().prefetch_related("children"),
        "maturities": Maturity.choices,
        "ip_kinds": IpKind.choices,
        "posted": request.POST,
    }
    if request.method == "POST":
        excel = request.POST.get("mode") == "excel"
        with form_refusal(any_status=True) as refused:
            if excel:
                workbook = accept_xlsx(request.FILES.get("file"))
                rows, file_name = services.rows_from_excel(workbook), workbook.name
            else:
                rows, file_name = _form_rows(request.POST), ""
            batch = services.batch_submit(
                actor=request.user,
                recommender=recommender,
                title=request.POST.get("title", ""),
                note=request.POST.get("note", ""),
                rows=rows,
                signed_recommendation=request.FILES.get("signed_recommendation"),
                file_name=file_name,
            )
            messages.success(request, f"已提交推荐成果 {batch.rows.count()} 项，等待{batch.reviewer.name}审核")
            return redirect(services.batch_url(batch))
        context.update(_refused_context(refused))
        return render(request, "sources/recommend.html", context, status=refused[0].status if refused else 200)
    return render(request, "sources/recommend.html", context)


def template_workbook() -> bytes:
    guide = [
        ["成果名称", "必填；与平台已有成果同名的将被拒绝，并指出已有成果"],
        ["成果单位", "必填；与平台注册名称一致的单位，采纳后平台为其创建成果草稿"],
        ["是否省外单位", "是 / 否（鼓励推荐省外高校院所和企业的成果）"],
        ["知识产权类型", "、".join(label for _, label in IpKind.choices)],
        ["知识产权号", "如 ZL202310000001.0；与平台已登记的知识产权号重复的将被拒绝"],
        ["技术领域", "填写技术领域名称，如 " + "、".join(f.name for f in top_fields()[:3])],
        ["成熟度", "、".join(label for _, label in Maturity.choices) + "；须至少完成小试"],
        ["成果简介", "选填"],
        ["应用场景说明", "必填：可用于哪些企业、产品或场景"],
        ["完成人是否同意推荐", "必填：须为“是”，即已取得成果完成人同意"],
    ]
    return write_workbook(
        [
            SheetSpec("推荐成果", list(services.COLUMNS), []),
            SheetSpec("填写说明", ["列", "说明"], guide, column_width=40),
        ]
    )


@login_required
def recommend_template(request: AuthenticatedHttpRequest) -> HttpResponse:
    _recommender(request)
    return xlsx_response("成果推荐模板.xlsx", content=template_workbook())


@login_required
def batch_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    to_review = request.GET.get("view") == "review"
    with form_refusal(any_status=True) as refused:
        page = paginate(
            selectors.batches_for(request.user, status=status, to_review=to_review), page=request.GET.get("page") or 1
        )
    if refused:
        status = ""
        page = paginate(selectors.batches_for(request.user, to_review=to_review))
    query = "&".join(p for p in (f"status={status}" if status else "", "view=review" if to_review else "") if p)
    return render(
        request,
        "sources/batch_list.html",
        {
            "page": page,
            "status": status,
            "to_review": to_review,
            "statuses": BatchStatus.choices,
            "query": query,
            "error": refused[0].detail if refused else "",
            "may_recommend": _may_recommend(request),
        },
    )


def _may_recommend(request: HttpRequest) -> bool:
    organisation = _current_org(request)
    return organisation is not None and services.channel_of(organisation) is not None


def _batch(request: AuthenticatedHttpRequest, pk: int, action: Action = Action.VIEW) -> RecommendationBatch:
    return get_for_user(RecommendationBatch.objects.select_related("recommender", "reviewer"), request.user, action, pk=pk)


@login_required
@require_http_methods(["GET", "POST"])
def batch_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    batch = _batch(request, pk)
    context: dict[str, Any] = {}
    status = 200
    if request.method == "POST":
        decisions = {}
        for row in batch.rows.all():
            choice = request.POST.get(f"row-{row.pk}-decision", "")
            if choice in ("accept", "refuse"):
                decisions[row.pk] = services.Decision(choice == "accept", request.POST.get(f"row-{row.pk}-reason", ""))
        with form_refusal(any_status=True) as refused:
            services.batch_review(actor=request.user, batch=batch, decisions=decisions)
            messages.success(request, "已完成审核，推荐机构将收到逐条的审核结果")
            return redirect(services.batch_url(batch))
        context.update(_refused_context(refused))
        status = refused[0].status if refused else 200
        batch.refresh_from_db()
    steps = {step.name for step in workflow.allowed(BATCH, batch, request.user)}
    rows = list(batch.rows.select_related("field", "owner", "achievement").order_by("position"))
    return render(
        request,
        "sources/batch_detail.html",
        {
            **context,
            "batch": batch,
            "rows": rows,
            "steps": steps,
            "posted": request.POST,
            "history": workflow.history(BATCH, batch.events.select_related("actor"))
            if can(request.user, Action.HISTORY, batch)
            else [],
        },
        status=status,
    )


@login_required
def batch_letter(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    batch = _batch(request, pk, Action.HISTORY)
    suffix = Path(batch.signed_recommendation.name or "").suffix
    return FileResponse(batch.signed_recommendation.open("rb"), filename=f"推荐函-{batch.pk}{suffix}")


@login_required
@require_POST
def batch_withdraw(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    batch = _batch(request, pk)
    return button_action(
        request,
        "已撤回该批推荐",
        lambda: services.batch_withdraw(actor=request.user, batch=batch),
        reverse("sources:batch_detail", args=[pk]),
    )


@login_required
def source_counts(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not roles.department_ids(request.user):
        raise PermissionDenied("成果来源统计面向主管部门")
    counts = selectors.source_counts()
    return render(
        request,
        "sources/counts.html",
        {
            "by_source": [(SourceKind(k).label, n) for k, n in counts["by_source"].items()],
            "by_channel": [(Channel(k).label, n) for k, n in counts["by_channel"].items()],
        },
    )


def _survey_unit(request: HttpRequest) -> Organisation:
    organisation = _current_org(request)
    if organisation is None or not organisation.is_owner_unit_kind:
        raise PermissionDenied("转化意向摸底由成果单位填报")
    return organisation


@login_required
@require_http_methods(["GET", "POST"])
def survey(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The unit's conversion-intent survey: download the pre-filled workbook, upload it back."""
    unit = _survey_unit(request)
    context: dict[str, Any] = {"unit": unit}
    status = 200
    if request.method == "POST":
        with form_refusal(any_status=True) as refused:
            counts = survey_module.survey_import(actor=request.user, unit=unit, workbook=accept_xlsx(request.FILES.get("file")))
            messages.success(request, f"已记录 {counts['recorded']} 项转化意向，其中新生成成果草稿 {counts['drafts']} 项")
            return redirect("sources:survey")
        context.update(_refused_context(refused))
        status = refused[0].status if refused else 200
    context["intents"] = ConversionIntent.objects.filter(unit=unit).select_related("achievement").order_by("achievement_id")
    return render(request, "sources/survey.html", context, status=status)


@login_required
def survey_template(request: AuthenticatedHttpRequest) -> HttpResponse:
    unit = _survey_unit(request)
    return xlsx_response(f"转化意向摸底_{unit.name}.xlsx", content=survey_module.template_for(unit))
