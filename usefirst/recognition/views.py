"""Pages of recognition. Thin: parse input, authorise through the chokepoint, call one service,
render. Refusals follow usefirst.core.refusals: the action buttons go back with the reason."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from usefirst.accounts import roles
from usefirst.accounts.models import Organisation, Person
from usefirst.catalog.models import Achievement
from usefirst.core import workflow
from usefirst.core.actors import AuthenticatedHttpRequest
from usefirst.core.audit import audit
from usefirst.core.dates import today
from usefirst.core.errors import DomainError, NotFound
from usefirst.core.excel import xlsx_response
from usefirst.core.pagination import paginate
from usefirst.core.permissions import Action, get_for_user, restrict
from usefirst.core.refusals import button_action, form_refusal

from . import documents, selectors, services
from .eligibility import KIND_LABELS, evaluate
from .models import ApplicationStatus, MisconductRecord, Objection, Recognition, RecognitionApplication
from .workflows import APPLICATION, MISCONDUCT

YEAR_INVALID = "年度应为 2026 年以后的四位年份"


def _year(request: HttpRequest, default: int) -> tuple[int, str]:
    """The year filter, or the default with the reason the given one was set aside."""
    raw = (request.GET.get("year") or "").strip()
    if not raw:
        return default, ""
    if not raw.isdigit() or not 2026 <= int(raw) <= 2100:
        return default, YEAR_INVALID
    return int(raw), ""


def _export_year(request: HttpRequest) -> int:
    year, error = _year(request, today().year)
    if error:
        raise NotFound(error, code="invalid_filter")
    return year


# ---------------------------------------------------------------- public pages


@require_safe
def public_list(request: HttpRequest) -> HttpResponse:
    year: int | None
    year, error = _year(request, 0)
    year = year or None
    page = paginate(selectors.public_recognitions(year=year), page=request.GET.get("page") or 1)
    return render(
        request,
        "recognition/public_list.html",
        {"page": page, "year": year, "years": selectors.years_with_data(), "error": error, "text": services.RECOGNITION_TEXT},
    )


@require_safe
def public_export(request: HttpRequest) -> HttpResponse:
    year: int | None = _export_year(request) if request.GET.get("year") else None
    rows = list(selectors.public_recognitions(year=year)[:10_000])
    audit(actor=request.user, action="recognition.public_export", count=len(rows), year=year)
    return xlsx_response(f"视同省级科技计划立项认定项目{year or ''}.xlsx", documents.public_list_xlsx(rows))


@require_safe
def notice_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    recognition = get_for_user(Recognition.objects.select_related("achievement", "unit"), request.user, Action.VIEW, pk=pk)
    try:
        content = documents.notice_pdf(recognition)
    except documents.PdfUnavailable as exc:
        messages.error(request, f"暂时无法生成认定通知书：{exc}")
        return redirect("recognition:public_list")
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{recognition.number}.pdf"'
    return response


@require_safe
def public_notices(request: HttpRequest) -> HttpResponse:
    """Projects in public notice (公示) today; signed-in visitors may object."""
    items = selectors.in_public_notice()
    return render(request, "recognition/public_notices.html", {"items": items, "text": services.RECOGNITION_TEXT})


@require_POST
@login_required
def objection_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    application = RecognitionApplication.objects.filter(pk=pk, status=ApplicationStatus.PUBLIC_NOTICE).first()
    if application is None:
        raise Http404("该项目不在公示期内")
    return button_action(
        request,
        "异议已提交，省科学技术厅将答复",
        lambda: services.objection_submit(
            actor=request.user,
            application=application,
            contact_name=request.POST.get("contact_name", ""),
            text=request.POST.get("text", ""),
        ),
        "recognition:public_notices",
    )


@require_safe
def statistics(request: HttpRequest) -> HttpResponse:
    year, error = _year(request, today().year)
    tables = []
    for key, (label, _field, _labels) in selectors.DIMENSIONS.items():
        rows = selectors.statistics(year=year, dimension=key)
        tables.append(
            {"key": key, "label": label, "rows": rows, "svg": documents.statistics_svg(rows, title=f"{year}年度按{label}统计")}
        )
    by_year = selectors.yearly()
    tables.insert(
        0, {"key": "year", "label": "年度", "rows": by_year, "svg": documents.statistics_svg(by_year, title="历年申请与认定")}
    )
    used, cap = selectors.quota(year)
    return render(
        request,
        "recognition/statistics.html",
        {"year": year, "years": selectors.years_with_data(), "tables": tables, "used": used, "cap": cap, "error": error},
    )


@require_safe
def statistics_export(request: HttpRequest) -> HttpResponse:
    year = _export_year(request)
    tables = {"year": ("历年", selectors.yearly())}
    for key, (label, _f, _l) in selectors.DIMENSIONS.items():
        tables[key] = (f"{year}年按{label}", selectors.statistics(year=year, dimension=key))
    return xlsx_response(f"认定统计{year}.xlsx", documents.statistics_xlsx(year, tables))


# ---------------------------------------------------------------- applications


@login_required
def application_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    year, error = _year(request, today().year)
    status = request.GET.get("status") or ""
    if status and status not in ApplicationStatus.values:
        error, status = "状态筛选无效", ""
    page = paginate(selectors.applications_for(request.user, year=year, status=status), page=request.GET.get("page") or 1)
    on = today()
    for item in page.items:  # days a recommended application has waited for the provincial review
        item.days_waiting = (on - timezone.localdate(item.recommended_at)).days if item.recommended_at else None
    provincial = roles.is_provincial_staff(request.user)
    ranked = selectors.ranking(request.user, year=year) if provincial else []
    used, cap = selectors.quota(year)
    eligible = list(selectors.eligible_to_apply(request.user, year=services.batch_year()))
    return render(
        request,
        "recognition/application_list.html",
        {
            "eligible": eligible,
            "page": page,
            "year": year,
            "years": selectors.years_with_data(),
            "status": status,
            "statuses": ApplicationStatus.choices,
            "ranked": ranked,
            "provincial": provincial,
            "used": used,
            "cap": cap,
            "error": error,
        },
    )


@login_required
def application_new(request: AuthenticatedHttpRequest, achievement_pk: int) -> HttpResponse:
    """The eligibility checks of one achievement and the pre-filled application."""
    achievement = get_for_user(Achievement.objects.select_related("owner"), request.user, Action.CHANGE, pk=achievement_pk)
    if request.method == "POST":
        with form_refusal(apply=lambda exc: messages.error(request, exc.detail)) as refused:
            application = services.application_create(
                actor=request.user, achievement=achievement, statement=request.POST.get("statement", "")
            )
        if not refused:
            messages.success(request, "认定申请已起草，请提交推荐")
            return redirect("recognition:application_detail", application.pk)
    on = today()
    result = evaluate(achievement, year=services.batch_year(on), on=on)
    existing = RecognitionApplication.objects.filter(achievement=achievement).order_by("-pk").first()
    return render(
        request,
        "recognition/application_new.html",
        {"achievement": achievement, "result": result, "kind_labels": KIND_LABELS, "existing": existing},
    )


@login_required
def application_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    application = get_for_user(
        RecognitionApplication.objects.select_related("achievement", "unit", "recommended_by", "basis_contract"),
        request.user,
        Action.VIEW,
        pk=pk,
    )
    user = request.user
    provincial = roles.is_provincial_staff(user)
    on = today()
    live = evaluate(
        application.achievement,
        year=application.year,
        on=on,
        recommended=application.recommended_at is not None,
        key_technology_confirmed=application.key_technology_confirmed,
        exclude_recognition_id=getattr(getattr(application, "recognition", None), "pk", None),
    )
    objections = restrict(Objection.objects.filter(application=application), user, Action.VIEW)
    recognition = Recognition.objects.filter(application=application).first()
    moves = {step.name for step in workflow.allowed(APPLICATION, application, user)}
    return render(
        request,
        "recognition/application_detail.html",
        {
            "application": application,
            "result": live,
            "kind_labels": KIND_LABELS,
            "history": workflow.history(APPLICATION, application.events.select_related("actor")),
            "objections": objections,
            "recognition": recognition,
            "provincial": provincial,
            "can_recommend": "recommend" in moves,
            "can_review": "reject" in moves,  # the provincial review, from recommendation to the end of the notice
            "notice_over": application.notice_end is not None and on > application.notice_end,
            "recognise_confirmation": RECOGNISE_CONFIRMATION,
        },
    )


RECOGNISE_CONFIRMATION = "我已核对公示期已满、异议均已答复，确认认定"


@require_POST
@login_required
def application_action(request: AuthenticatedHttpRequest, pk: int, action: str) -> HttpResponse:
    if action == "recommend":
        selectors.application_to_recommend(request.user, pk)
    application = get_for_user(RecognitionApplication.objects.all(), request.user, Action.VIEW, pk=pk)
    user, post = request.user, request.POST
    back = f"/recognition/applications/{application.pk}/"
    calls: dict[str, tuple[str, Callable[[], Any]]] = {
        "recommend": (
            "已推荐",
            lambda: services.application_recommend(actor=user, application=application, opinion=post.get("opinion", "")),
        ),
        "select": (
            "已进入公示",
            lambda: services.application_select(
                actor=user,
                application=application,
                key_technology_confirmed=post.get("key_technology") == "yes",
                opinion=post.get("opinion", ""),
            ),
        ),
        "reject": (
            "已作出不予认定决定",
            lambda: services.application_reject(actor=user, application=application, reason=post.get("reason", "")),
        ),
        "recognise": ("已认定", lambda: services.application_recognise(actor=user, application=application)),
        "revoke": (
            "认定已撤销",
            lambda: services.recognition_revoke(
                actor=user, recognition=Recognition.objects.get(application=application), reason=post.get("reason", "")
            ),
        ),
    }
    if action not in calls:
        raise Http404("未知操作")
    if action == "revoke" and not Recognition.objects.filter(application=application).exists():
        raise Http404("该申请没有认定记录")
    if action == "recognise" and roles.is_provincial_staff(user) and post.get("checked") != "yes":
        messages.error(request, f"《{application.achievement.title}》：认定前请勾选“{RECOGNISE_CONFIRMATION}”")
        return redirect(back)
    done, call = calls[action]
    return button_action(request, f"《{application.achievement.title}》{done}", call, back)


@require_POST
@login_required
def objection_answer(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    objection = get_for_user(Objection.objects.all(), request.user, Action.REVIEW, pk=pk)
    return button_action(
        request,
        "已答复",
        lambda: services.objection_answer(
            actor=request.user,
            objection=objection,
            answer=request.POST.get("answer", ""),
            upheld=request.POST.get("upheld") == "yes",
        ),
        f"/recognition/applications/{objection.application_id}/",
    )


@login_required
def quota(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not roles.is_provincial_staff(request.user):
        raise PermissionDenied("只有省科学技术厅可以查看年度名额")
    year = today().year
    if request.method == "POST":
        if not roles.is_provincial_admin(request.user):
            raise PermissionDenied("只有省科学技术厅管理员可以调整年度名额")
        raw_year, raw_cap = request.POST.get("year", ""), request.POST.get("cap", "")
        if not (raw_year.isdigit() and raw_cap.isdigit()):
            messages.error(request, "年度和上限应为整数")
        else:
            return button_action(
                request,
                "年度上限已调整",
                lambda: services.quota_raise(
                    actor=request.user, year=int(raw_year), new_cap=int(raw_cap), reason=request.POST.get("reason", "")
                ),
                "recognition:quota",
            )
    services.quota_for_year(year)
    from .models import QuotaChange, RecognitionYear

    return render(
        request,
        "recognition/quota.html",
        {
            "years": RecognitionYear.objects.all(),
            "changes": QuotaChange.objects.select_related("actor")[:50],
            "year": year,
            "can_raise": roles.is_provincial_admin(request.user),
        },
    )


# ---------------------------------------------------------------- misconduct records


def _date(value: str, label: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError as exc:
        raise DomainError(f"{label}应为日期，如 2026-03-01", code="validation_failed") from exc


@login_required
def misconduct_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    provincial = roles.is_provincial_staff(request.user)
    if request.method == "POST":
        if not provincial:
            raise PermissionDenied("只有省科学技术厅可以记录科研失信")
        post = request.POST

        def record() -> MisconductRecord:
            organisation = person = None
            if post.get("organisation_code"):
                organisation = Organisation.objects.filter(credit_code=post["organisation_code"].strip().upper()).first()
                if organisation is None:
                    raise DomainError("未找到该统一社会信用代码的机构", code="misconduct_subject_not_found")
            if post.get("person_id"):
                person = Person.objects.filter(pk=int(post["person_id"]) if post["person_id"].isdigit() else 0).first()
                if person is None:
                    raise DomainError("未找到该人员", code="misconduct_subject_not_found")
            return services.misconduct_record(
                actor=request.user,
                organisation=organisation,
                person=person,
                period_start=_date(post.get("period_start", ""), "记录期起"),
                period_end=_date(post.get("period_end", ""), "记录期止"),
                reason=post.get("reason", ""),
                referral=post.get("referral", ""),
            )

        return button_action(request, "科研失信记录已登记，并已通知当事方", record, "recognition:misconduct_list")
    page = paginate(selectors.misconduct_for(request.user), page=request.GET.get("page") or 1)
    return render(request, "recognition/misconduct_list.html", {"page": page, "provincial": provincial})


@login_required
def misconduct_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    record = get_for_user(
        MisconductRecord.objects.select_related("subject_organisation", "subject_person"), request.user, Action.VIEW, pk=pk
    )
    if request.method == "POST":
        step = request.POST.get("step")
        back = f"/recognition/misconduct/{record.pk}/"
        if step == "appeal":
            return button_action(
                request,
                "申诉已提交",
                lambda: services.misconduct_appeal(actor=request.user, record=record, text=request.POST.get("text", "")),
                back,
            )
        if step == "decide":
            return button_action(
                request,
                "申诉已处理",
                lambda: services.misconduct_decide_appeal(
                    actor=request.user,
                    record=record,
                    withdraw=request.POST.get("withdraw") == "yes",
                    answer=request.POST.get("answer", ""),
                ),
                back,
            )
        raise Http404("未知操作")
    return render(
        request,
        "recognition/misconduct_detail.html",
        {
            "record": record,
            "history": workflow.history(MISCONDUCT, record.events.select_related("actor")),
            "moves": {step.name for step in workflow.allowed(MISCONDUCT, record, request.user)},
        },
    )
