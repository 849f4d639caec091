"""Catalog pages: parse, authorise through the chokepoint, call one service, render."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from usefirst.accounts import roles
from usefirst.accounts.context_processors import current_membership
from usefirst.accounts.models import Organisation, OrganisationKind
from usefirst.core import workflow
from usefirst.core.actors import AuthenticatedHttpRequest
from usefirst.core.audit import audit
from usefirst.core.errors import DomainError
from usefirst.core.excel import xlsx_response
from usefirst.core.pagination import PageOf
from usefirst.core.permissions import Action, can, get_for_user
from usefirst.core.refusals import button_action, form_refusal
from usefirst.core.regions import CITY_COUNTIES, Region

from . import selectors
from .choices import Mode
from .forms import (
    AchievementForm,
    AttachmentForm,
    DemandForm,
    InventorFormSet,
    IpItemFormSet,
    NewAttachmentsForm,
    ReasonForm,
    achievement_data_from,
    apply_achievement_error,
    error_summary,
)
from .models import Achievement, AchievementRevision, Attachment, Demand
from .services import achievements as achievement_services
from .services import demands as demand_services
from .services.achievements import AchievementData
from .services.attachments import attachment_add, attachment_delete
from .services.review import review_decide
from .workflows import ACHIEVEMENT, DEMAND


def _get[M: Model](queryset: QuerySet[M], request: HttpRequest, action: Action, pk: int) -> M:
    return get_for_user(queryset, request.user, action, pk=pk)


def _current_org(request: HttpRequest) -> Organisation | None:
    membership = current_membership(request)
    return membership.organisation if membership else None


def _query_without_page(request: HttpRequest) -> str:
    params = {k: v for k, v in request.GET.items() if k != "page" and v}
    return urlencode(params)


def _filter_context(for_demands: bool) -> dict[str, Any]:
    return {
        "field_choices": selectors.field_choices(),
        "city_choices": list(CITY_COUNTIES),
        "region_choices": Region.choices,
        "mode_choices": Mode.choices,
        "unit_kind_choices": [
            (k.value, k.label)
            for k in (
                OrganisationKind.UNIVERSITY,
                OrganisationKind.RESEARCH_INSTITUTE,
                OrganisationKind.MEDICAL_INSTITUTION,
                OrganisationKind.ENTERPRISE,
                OrganisationKind.OUT_OF_PROVINCE_INSTITUTE,
                OrganisationKind.OTHER_UNIT,
            )
        ],
        "sort_choices": [(k, v[0]) for k, v in (selectors.DEMAND_SORTS if for_demands else selectors.ACHIEVEMENT_SORTS).items()],
        "trl_choices": range(1, 10),
    }


def _listing(request: HttpRequest, template: str, *, for_demands: bool, extra: dict[str, Any] | None = None) -> HttpResponse:
    """A public listing page (achievements or demands): filters, one page, facets."""
    context: dict[str, Any] = {**_filter_context(for_demands), "params": request.GET, "query": _query_without_page(request)}
    context.update(extra or {})
    status = 200
    page: PageOf | None = None
    with form_refusal(apply=lambda exc: messages.error(request, exc.detail), any_status=True) as refused:
        filters = selectors.parse_filters(request.GET, for_demands=for_demands)
        if not request.GET.get("sort"):  # show the order actually applied (relevance when there are keywords)
            context["params"] = {**request.GET.dict(), "sort": filters.sort}
        kind = "demand" if for_demands else "achievement"
        listing = selectors.public_listing(kind=kind, user=request.user, filters=filters, params=request.GET)
        page = listing.page
        if not for_demands and page.count:
            context["facets"] = listing.facets()
    if refused:
        status = refused[0].status if 400 <= refused[0].status < 500 else 400
    context["page"] = page
    return render(request, template, context, status=status)


# ---------------------------------------------------------------- public pages


@require_GET
def achievement_list(request: HttpRequest) -> HttpResponse:
    return _listing(
        request,
        "catalog/achievement_list.html",
        for_demands=False,
    )


@require_GET
def achievement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    achievement = _get(Achievement.objects.select_related("owner", "field", "field__parent"), request, Action.VIEW, pk)
    user = request.user
    return render(
        request,
        "catalog/achievement_detail.html",
        {
            "a": achievement,
            "ip_items": achievement.ip_items.all(),
            "inventors": achievement.inventors.select_related("person"),
            "attachments": achievement.attachments.order_by("uploaded_at", "id"),
            "may_change": can(user, Action.CHANGE, achievement),
            "may_review": can(user, Action.REVIEW, achievement),
            "may_history": can(user, Action.HISTORY, achievement),
            "pending_revision": selectors.achievement_pending_revision(achievement=achievement),
            "reason_form": ReasonForm(),
            "attachment_form": AttachmentForm(),
        },
    )


@require_GET
def achievement_history(request: HttpRequest, pk: int) -> HttpResponse:
    achievement = _get(Achievement.objects.all(), request, Action.HISTORY, pk)
    history = workflow.history(ACHIEVEMENT, selectors.achievement_events(achievement=achievement))
    back = reverse("catalog:achievement_detail", args=[pk])
    return render(request, "catalog/history.html", {"subject": achievement, "kind": "成果", "history": history, "back": back})


@require_GET
def attachment_download(request: HttpRequest, pk: int, attachment_pk: int) -> HttpResponseBase:
    # Seeing the achievement is what entitles one to its attachments: the public for published,
    # non-restricted items; the owner's members and its reviewers for every other state.
    achievement = _get(Achievement.objects.all(), request, Action.VIEW, pk)
    attachment = achievement.attachments.filter(pk=attachment_pk).first()
    if attachment is None:
        raise Http404("未找到该附件")
    response = FileResponse(
        attachment.file.open("rb"), as_attachment=True, filename=attachment.original_name, content_type=attachment.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
def demand_list(request: HttpRequest) -> HttpResponse:
    return _listing(
        request,
        "catalog/demand_list.html",
        for_demands=True,
        extra={"size_choices": _size_choices()},
    )


def _size_choices() -> list[tuple[str, str]]:
    from usefirst.accounts.models import EnterpriseSize

    return list(EnterpriseSize.choices)


@require_GET
def demand_detail(request: HttpRequest, pk: int) -> HttpResponse:
    demand = _get(Demand.objects.select_related("enterprise", "field", "field__parent"), request, Action.VIEW, pk)
    return render(
        request,
        "catalog/demand_detail.html",
        {
            "d": demand,
            "may_change": can(request.user, Action.CHANGE, demand),
            "may_review": can(request.user, Action.REVIEW, demand),
            "may_history": can(request.user, Action.HISTORY, demand),
            "reason_form": ReasonForm(),
        },
    )


@require_GET
def demand_history(request: HttpRequest, pk: int) -> HttpResponse:
    demand = _get(Demand.objects.all(), request, Action.HISTORY, pk)
    history = workflow.history(DEMAND, selectors.demand_events(demand=demand))
    back = reverse("catalog:demand_detail", args=[pk])
    return render(request, "catalog/history.html", {"subject": demand, "kind": "技术需求", "history": history, "back": back})


# ---------------------------------------------------------------- exports

ACHIEVEMENT_HEADERS = ["编号", "成果名称", "成果单位", "技术领域", "技术成熟度", "转化方式", "状态", "发布时间", "关键词"]
DEMAND_HEADERS = ["编号", "需求名称", "需求企业", "技术领域", "所在地市", "预算下限（元）", "预算上限（元）", "截止日期", "状态"]


def _achievement_rows(queryset: QuerySet[Achievement]) -> Any:
    for a in queryset.iterator(chunk_size=500):
        yield [
            a.pk,
            a.title,
            a.owner.name,
            str(a.field),
            a.trl,
            "、".join(a.modes),
            a.get_status_display(),
            a.published_at,
            "、".join(a.keywords),
        ]


def _demand_rows(queryset: QuerySet[Demand]) -> Any:
    for d in queryset.iterator(chunk_size=500):
        yield [
            d.pk,
            d.title,
            d.enterprise.name,
            str(d.field),
            d.city,
            d.budget_min,
            d.budget_max,
            d.deadline,
            d.get_effective_status_display(),
        ]


def _export(request: HttpRequest, name: str, what: str, queryset: QuerySet[Any], headers: list[str], rows: Any) -> HttpResponse:
    audit(actor=request.user, action="catalog.export", what=what, count=queryset.count())
    return xlsx_response(name, headers=headers, rows=rows)


@require_GET
def achievement_export(request: HttpRequest) -> HttpResponse:
    with form_refusal(apply=lambda exc: messages.error(request, exc.detail), any_status=True) as refused:
        filters = selectors.parse_filters(request.GET)
    if refused:
        return redirect("catalog:achievement_list")
    queryset = selectors.achievement_list_public(user=request.user, filters=filters)
    return _export(request, "科技成果.xlsx", "achievements", queryset, ACHIEVEMENT_HEADERS, _achievement_rows(queryset))


@require_GET
def demand_export(request: HttpRequest) -> HttpResponse:
    with form_refusal(apply=lambda exc: messages.error(request, exc.detail), any_status=True) as refused:
        filters = selectors.parse_filters(request.GET, for_demands=True)
    if refused:
        return redirect("catalog:demand_list")
    queryset = selectors.demand_list_public(user=request.user, filters=filters)
    return _export(request, "技术需求.xlsx", "demands", queryset, DEMAND_HEADERS, _demand_rows(queryset))


# ---------------------------------------------------------------- the owner's workspace


def _owner_org(request: HttpRequest, *, enterprise: bool = False) -> Organisation:
    org = _current_org(request)
    if org is None:
        raise PermissionDenied("您尚未加入任何已认证的机构")
    if enterprise and org.kind != OrganisationKind.ENTERPRISE:
        raise PermissionDenied("只有企业可以发布技术需求")
    if not enterprise and not org.is_owner_unit_kind:
        raise PermissionDenied("只有成果单位可以登记成果")
    return org


@login_required
@require_GET
def my_achievements(request: AuthenticatedHttpRequest) -> HttpResponse:
    org = _owner_org(request)
    items = selectors.achievement_list_own(user=request.user, organisation=org)
    with form_refusal(apply=lambda exc: messages.error(request, exc.detail), any_status=True) as refused:
        page = selectors.paginate_params(items, request.GET)
    if refused:
        return render(request, "catalog/my_achievements.html", {"page": None, "org": org}, status=refused[0].status)
    return render(request, "catalog/my_achievements.html", {"page": page, "org": org})


def _achievement_form_page(request: AuthenticatedHttpRequest, org: Organisation, achievement: Achievement | None) -> HttpResponse:
    files_form: NewAttachmentsForm | None = None
    if request.method == "POST":
        form = AchievementForm(request.POST)
        ip_formset = IpItemFormSet(request.POST, prefix="ip")
        inventor_formset = InventorFormSet(request.POST, prefix="inv", form_kwargs={"unit": org})
        if achievement is None:
            files_form = NewAttachmentsForm(request.POST, request.FILES)
        valid = [f.is_valid() for f in (form, ip_formset, inventor_formset, files_form) if f is not None]
        if all(valid):
            data = achievement_data_from(form, ip_formset, inventor_formset)
            with form_refusal(apply=lambda exc: apply_achievement_error(exc, form, ip_formset, inventor_formset, files_form)):
                if achievement is None:
                    uploads = files_form.cleaned_data["attachments"] if files_form else []
                    achievement = achievement_services.achievement_create(
                        actor=request.user, owner=org, data=data, attachments=uploads
                    )
                    messages.success(request, f"成果草稿已保存{f'，附件 {len(uploads)} 个已上传' if uploads else ''}")
                else:
                    was_published = achievement.can_revise()
                    achievement = achievement_services.achievement_update(actor=request.user, achievement=achievement, data=data)
                    messages.success(
                        request, "修改已提交审核，审核通过前公众仍看到已发布的版本" if was_published else "成果已保存"
                    )
                return redirect("catalog:achievement_detail", pk=achievement.pk)
        status = 400
    else:
        status = 200
        if achievement is None:
            form = AchievementForm()
            ip_formset = IpItemFormSet(prefix="ip")
            inventor_formset = InventorFormSet(prefix="inv", form_kwargs={"unit": org})
            files_form = NewAttachmentsForm()
        else:
            # A second edit of a published achievement starts from the edit still under review.
            pending = selectors.achievement_pending_revision(achievement=achievement)
            current = AchievementData.from_json(pending.data) if pending else AchievementData.from_achievement(achievement)
            form = AchievementForm(initial=AchievementForm.initial_from(current))
            ip_formset = IpItemFormSet(prefix="ip", initial=[vars(i) for i in current.ip_items])
            inventor_formset = InventorFormSet(
                prefix="inv",
                form_kwargs={"unit": org},
                initial=[{"person": i.person_id, "share": i.share, "is_leader": i.is_leader} for i in current.inventors],
            )
    return render(
        request,
        "catalog/achievement_form.html",
        {
            "form": form,
            "ip_formset": ip_formset,
            "inventor_formset": inventor_formset,
            "files_form": files_form,
            "files_dropped": bool(status == 400 and request.FILES),
            "errors": error_summary(form, ip_formset, inventor_formset, files_form) if status == 400 else [],
            "a": achievement,
            "org": org,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def achievement_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _achievement_form_page(request, _owner_org(request), None)


@login_required
@require_http_methods(["GET", "POST"])
def achievement_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    achievement = _get(Achievement.objects.select_related("owner"), request, Action.CHANGE, pk)
    if not (achievement.is_editable or achievement.can_revise()):
        messages.error(request, f"成果当前状态为“{achievement.get_status_display()}”，不能修改")
        return redirect("catalog:achievement_detail", pk=pk)
    return _achievement_form_page(request, achievement.owner, achievement)


ACHIEVEMENT_OWNER_ACTIONS: dict[str, tuple[Callable[..., Any], str, bool]] = {
    "submit": (achievement_services.achievement_submit, "成果已提交审核", False),
    "withdraw": (achievement_services.achievement_withdraw, "成果已撤回", True),
    "reopen": (achievement_services.achievement_reopen, "成果已转为草稿，可以继续编辑", False),
}


@login_required
@require_POST
def achievement_transition(request: AuthenticatedHttpRequest, pk: int, action: str) -> HttpResponse:
    if action not in ACHIEVEMENT_OWNER_ACTIONS:
        raise Http404("未知的操作")
    achievement = _get(Achievement.objects.all(), request, Action.CHANGE, pk)
    service, success, takes_reason = ACHIEVEMENT_OWNER_ACTIONS[action]
    kwargs: dict[str, Any] = {"actor": request.user, "achievement": achievement}
    if takes_reason:
        kwargs["reason"] = request.POST.get("reason", "")
    return button_action(request, success, lambda: service(**kwargs), reverse("catalog:achievement_detail", args=[pk]))


@login_required
@require_POST
def attachment_upload(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    achievement = _get(Achievement.objects.all(), request, Action.CHANGE, pk)
    form = AttachmentForm(request.POST, request.FILES)
    back = reverse("catalog:achievement_detail", args=[pk])
    if not form.is_valid():
        messages.error(request, "请选择要上传的文件")
        return redirect(back)
    upload = form.cleaned_data["file"]
    return button_action(
        request,
        "附件已上传",
        lambda: attachment_add(actor=request.user, achievement=achievement, upload=upload, name=upload.name),
        back,
    )


@login_required
@require_POST
def attachment_remove(request: AuthenticatedHttpRequest, pk: int, attachment_pk: int) -> HttpResponse:
    achievement = _get(Achievement.objects.all(), request, Action.CHANGE, pk)
    attachment = Attachment.objects.filter(achievement=achievement, pk=attachment_pk).select_related("achievement").first()
    if attachment is None:
        raise Http404("未找到该附件")
    return button_action(
        request,
        "附件已删除",
        lambda: attachment_delete(actor=request.user, attachment=attachment),
        reverse("catalog:achievement_detail", args=[pk]),
    )


@login_required
@require_GET
def my_demands(request: AuthenticatedHttpRequest) -> HttpResponse:
    org = _owner_org(request, enterprise=True)
    items = selectors.demand_list_own(user=request.user, organisation=org)
    with form_refusal(apply=lambda exc: messages.error(request, exc.detail), any_status=True) as refused:
        page = selectors.paginate_params(items, request.GET)
    if refused:
        return render(request, "catalog/my_demands.html", {"page": None, "org": org}, status=refused[0].status)
    return render(request, "catalog/my_demands.html", {"page": page, "org": org})


def _demand_form_page(request: AuthenticatedHttpRequest, org: Organisation, demand: Demand | None) -> HttpResponse:
    status = 200
    if request.method == "POST":
        form = DemandForm(request.POST)
        if form.is_valid():
            with form_refusal(form, aliases={"field_id": "field"}):
                if demand is None:
                    demand = demand_services.demand_create(actor=request.user, enterprise=org, data=form.to_data())
                else:
                    demand = demand_services.demand_update(actor=request.user, demand=demand, data=form.to_data())
                messages.success(request, "技术需求已保存")
                return redirect("catalog:demand_detail", pk=demand.pk)
        status = 400
    else:
        form = DemandForm(initial=DemandForm.initial_from(demand) if demand else {"city": org.city, "county": org.county})
    return render(request, "catalog/demand_form.html", {"form": form, "d": demand, "org": org}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def demand_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _demand_form_page(request, _owner_org(request, enterprise=True), None)


@login_required
@require_http_methods(["GET", "POST"])
def demand_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    demand = _get(Demand.objects.select_related("enterprise"), request, Action.CHANGE, pk)
    if not demand.is_editable:
        messages.error(request, f"需求当前状态为“{demand.get_effective_status_display()}”，不能修改")
        return redirect("catalog:demand_detail", pk=pk)
    return _demand_form_page(request, demand.enterprise, demand)


DEMAND_OWNER_ACTIONS: dict[str, tuple[Callable[..., Any], str, bool]] = {
    "submit": (demand_services.demand_submit, "技术需求已提交审核", False),
    "withdraw": (demand_services.demand_withdraw, "技术需求已撤回为草稿", True),
    "close": (demand_services.demand_close, "技术需求已关闭", True),
}


@login_required
@require_POST
def demand_transition(request: AuthenticatedHttpRequest, pk: int, action: str) -> HttpResponse:
    if action not in DEMAND_OWNER_ACTIONS:
        raise Http404("未知的操作")
    demand = _get(Demand.objects.all(), request, Action.CHANGE, pk)
    service, success, takes_reason = DEMAND_OWNER_ACTIONS[action]
    kwargs: dict[str, Any] = {"actor": request.user, "demand": demand}
    if takes_reason:
        kwargs["reason"] = request.POST.get("reason", "")
    return button_action(request, success, lambda: service(**kwargs), reverse("catalog:demand_detail", args=[pk]))


# ---------------------------------------------------------------- review desk


def _require_department(request: HttpRequest) -> None:
    if not roles.department_ids(request.user):
        raise PermissionDenied("只有审核部门的工作人员可以访问审核页面")


@login_required
@require_GET
def review_achievements(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_department(request)
    return _review_queue(
        request,
        "catalog/review_achievements.html",
        lambda filters: selectors.achievements_waiting_review(user=request.user, filters=filters),
        {"revisions": selectors.revision_review_queue(user=request.user)},
    )


@login_required
@require_GET
def review_demands(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_department(request)
    return _review_queue(
        request,
        "catalog/review_demands.html",
        lambda filters: selectors.demands_waiting_review(user=request.user, filters=filters),
        {},
    )


def _review_queue(
    request: HttpRequest, template: str, queue: Callable[[selectors.QueueFilters], QuerySet[Any]], extra: dict[str, Any]
) -> HttpResponse:
    """A review queue: oldest first, filtered, paginated, each row with its days waiting."""
    filters = selectors.QueueFilters()
    with form_refusal(any_status=True) as refused:
        filters = selectors.QueueFilters.parse(request.GET)
    queryset = queue(filters)
    with form_refusal(any_status=True) as refused_page:
        page = selectors.paginate_params(queryset, request.GET)
    if refused_page:
        page = selectors.paginate_params(queryset, {})
    error = next((exc.detail for exc in (*refused_page, *refused)), "")
    selectors.days_waiting(page.items)
    filtered = filters != selectors.QueueFilters()
    waiting = queue(selectors.QueueFilters()).count() if filtered else page.count
    context = {
        "page": page,
        "filters": filters,
        "query": filters.as_query(),
        "waiting": waiting,
        "filtered": filtered,
        "waited_choices": selectors.WAITING_FILTERS.items(),
        "error": error,
    }
    return render(request, template, context | extra)


def _decision(request: HttpRequest) -> tuple[bool, str]:
    decision = request.POST.get("decision", "")
    if decision not in ("approve", "return"):
        raise Http404("未知的审核操作")
    return decision == "approve", request.POST.get("reason", "")


CONFIRM_LABEL = "我已核对上述信息，确认通过并发布"


def _review_error(exc: DomainError, named: str) -> dict[str, str]:
    """A refused decision for the page's summary, by the reason field when it concerns the reason."""
    if "reason" in exc.field_errors:
        reason_error = "退回须填写理由" if exc.code == "reason_required" else exc.field_errors["reason"][0]
        return {"text": named + reason_error, "href": "#reason", "reason": reason_error}
    return {"text": named + exc.detail, "href": "", "reason": ""}


def _review_item(
    request: AuthenticatedHttpRequest, subject: Achievement | Demand, *, kind: str, template: str, queue_url: str
) -> HttpResponse:
    """One item's review page: what it says, then the decision. Approval needs the reviewer to
    tick the confirmation (checked here, not only in the browser); a refusal re-shows the page
    with the item named and nothing changed."""
    errors: list[dict[str, str]] = []
    reason_error = ""
    status = 200
    reason = ""
    if request.method == "POST":
        approve, reason = _decision(request)
        if approve and request.POST.get("checked") != "yes":
            errors.append({"text": f"{kind}《{subject.title}》：通过前请勾选“{CONFIRM_LABEL}”", "href": "#checked"})
        else:
            with form_refusal(apply=lambda exc: errors.append(_review_error(exc, f"{kind}《{subject.title}》："))) as refused:
                review_decide(actor=request.user, subject=subject, approve=approve, reason=reason)
            if not refused:
                done = "已审核通过并发布" if approve else "已退回，理由已告知提交单位"
                messages.success(request, f"{kind}《{subject.title}》{done}")
                return redirect(queue_url)
            reason_error = errors[-1]["reason"]
        status = 400
        subject.refresh_from_db()
    return render(
        request,
        template,
        {
            "subject": subject,
            "errors": errors,
            "reason": reason,
            "reason_error": reason_error,
            "confirm_label": CONFIRM_LABEL,
            "queue_url": queue_url,
            "waiting": subject.status == "submitted",
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def review_achievement_decide(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    achievement = _get(
        Achievement.objects.select_related("owner", "field").prefetch_related("inventors__person", "ip_items", "attachments"),
        request,
        Action.REVIEW,
        pk,
    )
    return _review_item(
        request,
        achievement,
        kind="成果",
        template="catalog/review_achievement.html",
        queue_url=reverse("catalog:review_achievements"),
    )


@login_required
@require_POST
def review_achievement_take_down(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    achievement = _get(Achievement.objects.all(), request, Action.REVIEW, pk)
    return button_action(
        request,
        "成果已下架",
        lambda: achievement_services.achievement_take_down(
            actor=request.user, achievement=achievement, reason=request.POST.get("reason", "")
        ),
        reverse("catalog:achievement_detail", args=[pk]),
    )


@login_required
@require_http_methods(["GET", "POST"])
def review_revision(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    revision = AchievementRevision.objects.select_related("achievement").filter(pk=pk).first()
    if revision is None:
        raise Http404("未找到该修改")
    # Authorised through the achievement it revises.
    achievement = _get(Achievement.objects.all(), request, Action.REVIEW, revision.achievement_id)
    if request.method == "POST":
        approve, reason = _decision(request)
        named = f"成果《{achievement.title}》的修改："
        if approve and request.POST.get("checked") != "yes":
            messages.error(request, f"{named}通过前请勾选“我已核对上述信息，确认通过”")
            return redirect("catalog:review_revision", pk=pk)
        with form_refusal(
            apply=lambda exc: messages.error(request, named + ("退回须填写理由" if exc.code == "reason_required" else exc.detail))
        ) as refused:
            review_decide(actor=request.user, subject=revision, approve=approve, reason=reason)
        if refused:
            return redirect("catalog:review_revision", pk=pk)
        messages.success(request, named + ("已审核通过" if approve else "已退回"))
        return redirect("catalog:review_achievements")
    current = AchievementData.from_achievement(achievement).to_json()
    changes = [
        (name, current.get(name), value)
        for name, value in revision.data.items()
        if name not in ("ip_items", "inventors") and current.get(name) != value
    ]
    return render(
        request,
        "catalog/review_revision.html",
        {
            "revision": revision,
            "a": achievement,
            "changes": changes,
            "reason_form": ReasonForm(),
            "ip_changed": current["ip_items"] != revision.data.get("ip_items"),
            "inventors_changed": current["inventors"] != revision.data.get("inventors"),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def review_demand_decide(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    demand = _get(Demand.objects.select_related("enterprise", "field"), request, Action.REVIEW, pk)
    return _review_item(
        request, demand, kind="技术需求", template="catalog/review_demand.html", queue_url=reverse("catalog:review_demands")
    )


@login_required
@require_GET
def review_achievements_export(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_department(request)
    queryset = selectors.achievement_reviewed_list(user=request.user)
    return _export(
        request, "本部门审核的成果.xlsx", "review_achievements", queryset, ACHIEVEMENT_HEADERS, _achievement_rows(queryset)
    )


@login_required
@require_GET
def review_demands_export(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_department(request)
    queryset = selectors.demand_reviewed_list(user=request.user)
    return _export(request, "本部门审核的技术需求.xlsx", "review_demands", queryset, DEMAND_HEADERS, _demand_rows(queryset))
