"""Pages of typical cases: the public searchable list and a case's page, drafting from one's
signed contract, the parties' consent, the department's review and the province's mark."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from usefirst.accounts import roles
from usefirst.contracts.models import Contract
from usefirst.core import workflow
from usefirst.core.actors import AuthenticatedHttpRequest
from usefirst.core.pagination import paginate
from usefirst.core.permissions import Action, can, get_for_user
from usefirst.core.refusals import button_action, form_refusal
from usefirst.core.regions import Region

from . import selectors, services
from .models import Case
from .workflows import CASE


def case_list(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()[:50]
    region = request.GET.get("region", "")
    exemplary = request.GET.get("exemplary") == "1"
    cases = selectors.published(request.user, q=q, region=region if region in Region.values else "", exemplary=exemplary)
    page = paginate(cases, page=request.GET.get("page") or 1)
    query = "&".join(f"{k}={v}" for k, v in {"q": q, "region": region, "exemplary": "1" if exemplary else ""}.items() if v)
    return render(
        request,
        "cases/list.html",
        {"page": page, "q": q, "region": region, "exemplary": exemplary, "regions": Region.choices, "query": query},
    )


def detail(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_for_user(Case.objects.select_related("author", "contract"), request.user, Action.VIEW, pk=pk)
    involved = can(request.user, Action.HISTORY, case)
    side = services.side_of(request.user, case.contract) if request.user.is_authenticated else None
    return render(
        request,
        "cases/detail.html",
        {
            "case": case,
            "involved": involved,
            "steps": {s.name for s in workflow.allowed(CASE, case, request.user)} if request.user.is_authenticated else set(),
            "consents": list(case.consents.select_related("organisation")) if involved else [],
            "my_side": side[0] if side else "",
            "may_mark": request.user.is_authenticated and roles.is_provincial_staff(request.user) and case.status == "published",
            "history": workflow.history(CASE, case.events.select_related("actor")) if involved else [],
        },
    )


def _my_contracts(user: Any) -> Any:
    mine = roles.organisation_ids(user)
    return (
        Contract.objects.filter(Q(licensor_id__in=mine) | Q(licensee_id__in=mine))
        .exclude(status__in=services.NOT_SIGNED)
        .order_by("-signed_at", "-id")
    )


@login_required
def mine(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(
        request,
        "cases/mine.html",
        {
            "cases": selectors.involved(request.user)[:200],
            "queue": selectors.review_queue(request.user),
            "contracts": _my_contracts(request.user)[:100],
        },
    )


@login_required
def case_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    contract = _my_contracts(request.user).filter(pk=request.GET.get("contract") or request.POST.get("contract") or 0).first()
    if contract is None:
        raise Http404("没有可撰写案例的合同")
    error = ""
    status = 200
    if request.method == "POST":
        with form_refusal(apply=lambda e: None) as refused:
            case = services.case_create(
                actor=request.user,
                contract=contract,
                title=request.POST.get("title", ""),
                summary=request.POST.get("summary", ""),
                story=request.POST.get("story", ""),
            )
            messages.success(request, "案例草稿已保存，已请合同另一方确认是否同意公开")
            return redirect(services.case_url(case))
        if refused:
            error, status = refused[0].detail, 400
    return render(request, "cases/form.html", {"contract": contract, "error": error, "data": request.POST}, status=status)


ACTIONS: dict[str, tuple[Any, Action, str]] = {
    "consent": (
        lambda r, c: services.case_consent(actor=r.user, case=c, allows_exact_amount=r.POST.get("exact") == "1"),
        Action.VIEW,
        "已记录本方同意",
    ),
    "submit": (lambda r, c: services.case_submit(actor=r.user, case=c), Action.VIEW, "已提交主管部门审核"),
    "publish": (
        lambda r, c: services.case_publish(actor=r.user, case=c, reason=r.POST.get("reason", "")),
        Action.VIEW,
        "案例已发布",
    ),
    "return": (
        lambda r, c: services.case_return(actor=r.user, case=c, reason=r.POST.get("reason", "")),
        Action.VIEW,
        "案例已退回",
    ),
    "withdraw": (lambda r, c: services.case_withdraw(actor=r.user, case=c), Action.VIEW, "案例已撤回"),
    "exemplary": (
        lambda r, c: services.case_mark_exemplary(actor=r.user, case=c, exemplary=r.POST.get("on", "1") == "1"),
        Action.VIEW,
        "已更新示范标记",
    ),
}


@login_required
@require_POST
def case_action(request: AuthenticatedHttpRequest, pk: int, action: str) -> HttpResponse:
    if action not in ACTIONS:
        raise Http404("未知的操作")
    service, needed, done = ACTIONS[action]
    case = get_for_user(Case.objects.select_related("contract", "author"), request.user, needed, pk=pk)
    return button_action(request, done, lambda: service(request, case), reverse("cases:detail", args=[pk]))
