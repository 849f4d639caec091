"""Pages of the evaluations: schemes and their indicators, computation and review, publicity and
objections, the excellent lists, each organisation's own breakdown (thin views over services and
selectors)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from usefirst.accounts.context_processors import current_membership
from usefirst.accounts.models import Organisation, OrganisationKind
from usefirst.core import workflow
from usefirst.core.actors import AuthenticatedHttpRequest
from usefirst.core.audit import audit
from usefirst.core.dates import today
from usefirst.core.excel import xlsx_response
from usefirst.core.pagination import paginate
from usefirst.core.permissions import Action, can, get_for_user, restrict
from usefirst.core.refusals import button_action, form_refusal
from usefirst.matchmaking.models import Engagement

from . import managers as manager_rules
from . import policies, selectors, services
from .choices import EvaluationKind, EvaluationStatus
from .forms import IndicatorForm, SchemeForm, SelfReportForm
from .models import Evaluation, Indicator, ManagerClass, Objection, Result, SelfReport, TechnologyManager
from .workflows import EVALUATION


def _evaluation(request: HttpRequest, pk: int, action: Action = Action.VIEW) -> Evaluation:
    return get_for_user(Evaluation.objects.all(), request.user, action, pk=pk)


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    kind = request.GET.get("kind", "")
    if kind not in ("", *EvaluationKind.values):
        kind = ""
    with form_refusal(apply=lambda exc: messages.error(request, exc.detail), any_status=True) as refused:
        page = paginate(selectors.evaluations(request.user, kind=kind), page=request.GET.get("page", 1))
    context = {
        "page": None if refused else page,
        "kind": kind,
        "kinds": EvaluationKind.choices,
        "query": f"kind={kind}" if kind else "",
        "may_create": policies.is_evaluator(request.user),
    }
    return render(request, "evaluation/index.html", context, status=refused[0].status if refused else 200)


@login_required
@require_http_methods(["GET", "POST"])
def create(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not policies.is_evaluator(request.user):
        raise PermissionDenied("只有省科技厅和受委托的专业机构可以制定评价方案")
    status = 200
    if request.method == "POST":
        form = SchemeForm(request.POST)
        if form.is_valid():
            with form_refusal(form):
                evaluation = services.evaluation_create(actor=request.user, data=form.to_data())
                messages.success(request, "评价方案已创建，请添加指标")
                return redirect("evaluation:detail", pk=evaluation.pk)
        status = 400
    else:
        form = SchemeForm()
    return render(request, "evaluation/create.html", {"form": form}, status=status)


ACTIONS: dict[str, tuple[Any, str]] = {
    "compute": (services.evaluation_compute, "计算完成，结果进入审核"),
    "start_publicity": (services.evaluation_start_publicity, "评价结果已进入公示"),
    "publish": (services.evaluation_publish, "评价结果与优秀名单已发布"),
}


def detail(request: HttpRequest, pk: int) -> HttpResponse:
    evaluation = _evaluation(request, pk)
    user = request.user
    may_change = can(user, Action.CHANGE, evaluation)
    membership = current_membership(request) if user.is_authenticated else None
    organisation = membership.organisation if membership is not None else None
    with form_refusal(apply=lambda exc: messages.error(request, exc.detail), any_status=True) as refused:
        page = paginate(selectors.results(user, evaluation), page=request.GET.get("page", 1))
        for item in page.items:  # link a result only for those who may open its breakdown
            item.viewable = _may_see_breakdown(user, item)
    context: dict[str, Any] = {
        "evaluation": evaluation,
        "indicators": evaluation.indicators.all(),
        "weight_total": evaluation.weight_total,
        "page": None if refused else page,
        "actions": [t for t in workflow.allowed(EVALUATION, evaluation, user) if t.name in (*ACTIONS, "return")],
        "may_change": may_change and evaluation.is_editable,
        "indicator_form": IndicatorForm(kind=evaluation.kind) if may_change and evaluation.is_editable else None,
        "may_new_version": may_change and evaluation.status == EvaluationStatus.PUBLISHED,
        "may_self_report": bool(
            organisation and evaluation.status == EvaluationStatus.DRAFT and services.evaluable(evaluation, organisation)
        ),
        "may_see_reports": bool(policies.is_evaluator(user) or policies.city_filter(user) is not None),
        "history": selectors.history(evaluation) if can(user, Action.HISTORY, evaluation) else None,
        "versions": selectors.evaluations(user, kind=evaluation.kind, year=evaluation.year),
    }
    return render(request, "evaluation/detail.html", context, status=refused[0].status if refused else 200)


@login_required
@require_POST
def act(request: AuthenticatedHttpRequest, pk: int, action: str) -> HttpResponse:
    evaluation = _evaluation(request, pk)
    back = reverse("evaluation:detail", args=[pk])
    if action == "new_version":
        made: list[Evaluation] = []
        button_action(
            request,
            "已创建新版本草稿；新版本发布前，已发布的结果保持不变",
            lambda: made.append(services.evaluation_new_version(actor=request.user, evaluation=evaluation)),
            back,
        )
        return redirect("evaluation:detail", pk=made[0].pk)
    if action == "return":
        reason = request.POST.get("reason", "")
        return button_action(
            request,
            "已退回方案草拟",
            lambda: services.evaluation_return(actor=request.user, evaluation=evaluation, reason=reason),
            back,
        )
    if action not in ACTIONS:
        raise Http404("未知的操作")
    service, done = ACTIONS[action]
    return button_action(request, done, lambda: service(actor=request.user, evaluation=evaluation), back)


@login_required
@require_POST
def indicator_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    evaluation = _evaluation(request, pk, Action.CHANGE)
    form = IndicatorForm(request.POST, kind=evaluation.kind)
    back = reverse("evaluation:detail", args=[pk])
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect(back)
    c = form.cleaned_data
    data = services.IndicatorData(
        name=c["name"], source=c["source"], weight=c["weight"], direction=c["direction"], normalisation=c["normalisation"]
    )
    return button_action(
        request, "指标已添加", lambda: services.indicator_add(actor=request.user, evaluation=evaluation, data=data), back
    )


@login_required
@require_POST
def indicator_remove(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    indicator = Indicator.objects.select_related("evaluation").filter(pk=pk).first()
    if indicator is None:
        raise Http404("指标不存在")
    _evaluation(request, indicator.evaluation_id, Action.CHANGE)
    back = reverse("evaluation:detail", args=[indicator.evaluation_id])
    return button_action(request, "指标已删除", lambda: services.indicator_remove(actor=request.user, indicator=indicator), back)


@login_required
@require_GET
def export(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    evaluation = _evaluation(request, pk)
    indicators = list(evaluation.indicators.all())
    rows = []
    for result in selectors.results(request.user, evaluation):
        rows.append(
            [
                result.rank,
                result.organisation.name,
                result.organisation.city,
                *[result.figures.get(i.key, "") for i in indicators],
                *[result.scores.get(i.key, "") for i in indicators],
                result.total,
                result.get_grade_display(),
                result.get_city_opinion_display(),
                result.note,
            ]
        )
    headers = [
        "排名",
        "机构名称",
        "所在地市",
        *[f"{i.name}（{i.unit}）" for i in indicators],
        *[f"{i.name}得分" for i in indicators],
        "综合得分",
        "等级",
        "地市预审意见",
        "说明",
    ]
    audit(actor=request.user, action="evaluation.export", obj=evaluation, rows=len(rows))
    return xlsx_response(
        f"{evaluation.year}年度{evaluation.get_kind_display()}结果（第{evaluation.version}版）.xlsx",
        headers=headers,
        rows=rows,
        sheet_title="评价结果",
    )


@login_required
@require_http_methods(["GET", "POST"])
def self_report(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    evaluation = _evaluation(request, pk)
    membership = current_membership(request)
    if membership is None or not services.evaluable(evaluation, membership.organisation):
        raise PermissionDenied("本机构不属于该评价的参评范围")
    organisation = membership.organisation
    existing = SelfReport.objects.filter(evaluation=evaluation, organisation=organisation).first()
    status = 200
    if request.method == "POST":
        form = SelfReportForm(request.POST, request.FILES, kind=evaluation.kind)
        if form.is_valid():
            with form_refusal(form):
                services.self_report_submit(
                    actor=request.user,
                    evaluation=evaluation,
                    organisation=organisation,
                    statement=form.cleaned_data["statement"],
                    evidence=form.cleaned_data["evidence"],
                    figures=form.figures(),
                    evidence_file=form.cleaned_data.get("evidence_file"),
                )
                messages.success(request, "自评报告已提交，等待所在地市预审")
                return redirect("evaluation:detail", pk=pk)
        status = 400
    else:
        initial = {"statement": existing.statement, "evidence": existing.evidence, **existing.figures} if existing else None
        form = SelfReportForm(initial=initial, kind=evaluation.kind)
    context = {"evaluation": evaluation, "form": form, "existing": existing, "organisation": organisation}
    return render(request, "evaluation/self_report.html", context, status=status)


@login_required
@require_GET
def reports(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    evaluation = _evaluation(request, pk)
    if not (policies.is_evaluator(request.user) or policies.city_filter(request.user) is not None):
        raise PermissionDenied("只有地市管理部门、专业机构和省科技厅可以查看自评报告")
    with form_refusal(apply=lambda exc: messages.error(request, exc.detail), any_status=True) as refused:
        page = paginate(selectors.self_reports_to_review(request.user, evaluation), page=request.GET.get("page", 1))
    items = [(r, can(request.user, Action.REVIEW, r)) for r in page.items] if not refused else []
    context = {"evaluation": evaluation, "page": None if refused else page, "items": items}
    return render(request, "evaluation/reports.html", context, status=refused[0].status if refused else 200)


@login_required
@require_GET
def report_evidence(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    """The self-report's evidence file, to its organisation, its city and the evaluators (VIEW)."""
    report = get_for_user(SelfReport.objects.select_related("evaluation"), request.user, Action.VIEW, pk=pk)
    if not report.evidence_file:
        raise Http404("尚未上传佐证材料文件")
    suffix = Path(report.evidence_file.name or "").suffix
    return FileResponse(
        report.evidence_file.open("rb"), filename=f"佐证材料-{report.organisation.name}-{report.evaluation.year}{suffix}"
    )


@login_required
@require_POST
def report_review(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    report = get_for_user(SelfReport.objects.select_related("evaluation"), request.user, Action.REVIEW, pk=pk)
    back = reverse("evaluation:reports", args=[report.evaluation_id])
    recommended = request.POST.get("decision") == "recommend"
    note = request.POST.get("note", "")
    return button_action(
        request,
        "预审意见已记录",
        lambda: services.self_report_review(actor=request.user, report=report, recommended=recommended, note=note),
        back,
    )


def _may_see_breakdown(user: Any, result: Result) -> bool:
    """The organisation itself, the evaluators and the departments; the public sees the list only."""
    return can(user, Action.CHANGE, result) or can(user, Action.REVIEW, result) or policies.department_filter(user) is not None


def result_detail(request: HttpRequest, pk: int) -> HttpResponse:
    result = get_for_user(Result.objects.select_related("organisation", "evaluation"), request.user, Action.VIEW, pk=pk)
    user = request.user
    own = can(user, Action.CHANGE, result)
    evaluator = can(user, Action.REVIEW, result)
    if not _may_see_breakdown(user, result):
        # The public sees an excellent organisation on the list, not its breakdown.
        raise PermissionDenied("评价结果明细仅向参评机构本身、主管部门和评价机构开放")
    evaluation = result.evaluation
    context = {
        "result": result,
        "evaluation": evaluation,
        "lines": selectors.breakdown(result),
        "out_of": evaluation.results.count(),
        "objections": result.objections.select_related("raised_by", "answered_by"),
        "may_object": own and evaluation.status == EvaluationStatus.PUBLICITY,
        "may_answer": evaluator,
    }
    return render(request, "evaluation/result.html", context)


@login_required
@require_POST
def objection_raise(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    result = get_for_user(Result.objects.all(), request.user, Action.VIEW, pk=pk)
    back = reverse("evaluation:result", args=[pk])
    text = request.POST.get("text", "")
    return button_action(
        request,
        "异议已提交，专业机构将在公示期结束前答复",
        lambda: services.objection_raise(actor=request.user, result=result, text=text),
        back,
    )


@login_required
@require_POST
def objection_answer(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    objection = Objection.objects.select_related("result").filter(pk=pk).first()
    if objection is None:
        raise Http404("异议不存在")
    get_for_user(Result.objects.all(), request.user, Action.VIEW, pk=objection.result_id)
    back = reverse("evaluation:result", args=[objection.result_id])
    answer = request.POST.get("answer", "")
    return button_action(
        request, "答复已发送", lambda: services.objection_answer(actor=request.user, objection=objection, answer=answer), back
    )


@require_GET
def excellent(request: HttpRequest) -> HttpResponse:
    """The published excellent lists: agencies (优秀技术转移转化服务机构名单) and units."""
    return render(request, "evaluation/excellent.html", {"lists": selectors.excellent_lists(request.user)})


@login_required
@require_GET
def mine(request: AuthenticatedHttpRequest) -> HttpResponse:
    with form_refusal(apply=lambda exc: messages.error(request, exc.detail), any_status=True) as refused:
        page = paginate(selectors.my_results(request.user), page=request.GET.get("page", 1))
    return render(
        request, "evaluation/mine.html", {"page": None if refused else page}, status=refused[0].status if refused else 200
    )


# ---------------------------------------------------------------- technology managers (技术经理人)


def _agency_of(request: AuthenticatedHttpRequest) -> Organisation | None:
    membership = current_membership(request)
    if membership is not None and membership.organisation.kind == OrganisationKind.AGENCY:
        return membership.organisation
    return None


@login_required
@require_GET
def managers(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The technology managers: an agency's own (register, credit, file), every one for evaluators."""
    agency = _agency_of(request)
    if agency is None and not policies.is_evaluator(request.user):
        raise PermissionDenied("只有技术转移转化服务机构、专业机构和省科技厅可以查看技术经理人")
    year = today().year
    qs = restrict(TechnologyManager.objects.select_related("agency"), request.user, Action.VIEW)
    with form_refusal(apply=lambda exc: messages.error(request, exc.detail), any_status=True) as refused:
        page = paginate(qs, page=request.GET.get("page", 1))
    standings = [manager_rules.standing(m, year) for m in page.items] if not refused else []
    engagements = (
        list(Engagement.objects.filter(facilitator=agency).select_related("unit", "enterprise").order_by("-updated_at")[:50])
        if agency
        else []
    )
    context = {
        "page": None if refused else page,
        "standings": standings,
        "year": year,
        "agency": agency,
        "engagements": engagements,
        "classes": ManagerClass.choices,
    }
    return render(request, "evaluation/managers.html", context, status=refused[0].status if refused else 200)


@login_required
@require_POST
def manager_register(request: AuthenticatedHttpRequest) -> HttpResponse:
    agency = _agency_of(request)
    if agency is None:
        raise PermissionDenied("只有技术转移转化服务机构可以登记技术经理人")
    back = reverse("evaluation:managers")
    return button_action(
        request,
        "技术经理人已登记",
        lambda: manager_rules.manager_register(
            actor=request.user,
            agency=agency,
            name=request.POST.get("name", ""),
            certificate_number=request.POST.get("certificate_number", ""),
            manager_class=request.POST.get("manager_class", ManagerClass.JUNIOR),
        ),
        back,
    )


@login_required
@require_POST
def manager_act(request: AuthenticatedHttpRequest, pk: int, action: str) -> HttpResponse:
    manager = get_for_user(TechnologyManager.objects.all(), request.user, Action.CHANGE, pk=pk)
    back = reverse("evaluation:managers")
    if action == "credit":
        try:
            engagement_id = int(request.POST.get("engagement", ""))
        except ValueError:
            engagement_id = 0
        return button_action(
            request,
            "业绩已计入",
            lambda: manager_rules.manager_credit(actor=request.user, manager=manager, engagement_id=engagement_id),
            back,
        )
    if action == "file":
        return button_action(
            request,
            "年度业务备案已提交",
            lambda: manager_rules.manager_file(
                actor=request.user, manager=manager, year=today().year, summary=request.POST.get("summary", "")
            ),
            back,
        )
    raise Http404("未知的操作")
