from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse

from . import daily_jobs
from .actors import AuthenticatedHttpRequest
from .errors import DomainError
from .refusals import form_refusal
from .selectors import HOME_CACHE_SECONDS, home_page


def favicon(request: HttpRequest) -> HttpResponse:
    """Clients that ask for /favicon.ico without reading the page's icon link get the site's icon."""
    return HttpResponsePermanentRedirect(static("img/favicon.svg"))


def home(request: HttpRequest) -> HttpResponse:
    """The portal's front page: search, the latest public items, figures and notices (the same
    for everyone, read at most every few minutes), and where each kind of visitor starts."""
    return render(request, "core/home.html", {"home": home_page(), "fresh_minutes": HOME_CACHE_SECONDS // 60})


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A refused form submission (the page had expired, or cookies are off) explained in Chinese
    on the site's 403 page, instead of Django's English one."""
    message = "页面已过期或浏览器禁用了 Cookie，提交未被处理。请刷新页面后重新提交；如仍不行，请允许本站使用 Cookie。"
    return render(request, "403.html", {"exception": message}, status=403)


def _operator(request: HttpRequest) -> None:
    if not daily_jobs.may_operate(request.user):
        raise PermissionDenied("每日任务运行情况只对省科技厅管理员开放")


@login_required
def daily_job_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Each daily job: its last finished date, the dates it owes, its running and failed runs."""
    _operator(request)
    states = daily_jobs.overview()
    first, last = daily_jobs.runnable_dates()
    return render(
        request,
        "core/daily_jobs.html",
        {
            "states": states,
            "refresh": any(state.running or state.queued for state in states),
            "today": last,
            "first": first,
            "catch_up_days": daily_jobs.CATCH_UP_DAYS,
        },
    )


def _put_on(errors: dict[str, str], exc: DomainError) -> None:
    errors["business_date" if "business_date" in exc.field_errors else "form"] = exc.detail


@login_required
def daily_job_run(request: AuthenticatedHttpRequest, name: str) -> HttpResponse:
    """Confirm, then run one job for one date again (in the background, as the command does)."""
    _operator(request)
    daily = daily_jobs.jobs().get(name)
    if daily is None:
        raise Http404("未知的每日任务")
    first, last = daily_jobs.runnable_dates()
    source = request.POST if request.method == "POST" else request.GET
    raw = source.get("business_date", "").strip() or last.isoformat()
    errors: dict[str, str] = {}
    try:
        day: dt.date | None = dt.date.fromisoformat(raw)
    except ValueError:
        day = None
        errors["business_date"] = f"业务日期“{raw}”无效，请按 YYYY-MM-DD 填写"
    if request.method == "POST" and day is not None:
        if request.POST.get("confirmed") != "1":
            errors["confirmed"] = "请勾选确认后再运行"
        else:
            with form_refusal(apply=lambda exc: _put_on(errors, exc)) as refused:
                daily_jobs.request_run(actor=request.user, name=name, day=day)
            if not refused:
                messages.success(
                    request, f"已提交后台运行：“{daily.label}” {day:%Y-%m-%d}。运行状态见下表，本页在运行期间自动刷新。"
                )
                return redirect(reverse("core:daily_jobs") + f"#job-{name}")
    row = daily_jobs.run_record(name, day) if day is not None else None
    due = daily.due(day) if daily.due is not None and day is not None and not errors.get("business_date") else None
    return render(
        request,
        "core/daily_job_run.html",
        {
            "job": daily,
            "day": day,
            "raw": raw,
            "row": row,
            "due": due,
            "errors": errors,
            "first": first,
            "last": last,
        },
        status=400 if errors else 200,
    )
