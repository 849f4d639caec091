"""Matchmaking pages: parse, authorise through the chokepoint, call one service, render."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from usefirst.accounts.context_processors import current_membership
from usefirst.accounts.models import Organisation
from usefirst.catalog.choices import AchievementStatus
from usefirst.catalog.models import Achievement, Demand
from usefirst.core import workflow
from usefirst.core.actors import AuthenticatedHttpRequest
from usefirst.core.errors import DomainError, NotFound
from usefirst.core.pagination import paginate
from usefirst.core.permissions import Action, can, get_for_user
from usefirst.core.refusals import form_refusal

from . import hooks, selectors, services
from .choices import ENDED_STATUSES, Side
from .forms import CloseForm, DeclineForm, FacilitatorForm, IntentForm, MessageForm, StatusFilterForm
from .models import Engagement
from .workflows import ENGAGEMENT, sides_of

MESSAGES_PER_PAGE = 20


def _get[M: Model](queryset: QuerySet[M], request: AuthenticatedHttpRequest, action: Action, pk: Any) -> M:
    return get_for_user(queryset, request.user, action, pk=pk)


def _status(refused: list[DomainError]) -> int:
    """The status a page re-rendered with a refusal answers with."""
    return refused[0].status if 400 <= refused[0].status < 500 else 400


def _current_org(request: AuthenticatedHttpRequest) -> Organisation | None:
    membership = current_membership(request)
    return membership.organisation if membership else None


def _engagements() -> QuerySet[Engagement]:
    return Engagement.objects.select_related("unit", "enterprise", "achievement", "demand", "facilitator", "proposed_facilitator")


# ---------------------------------------------------------------- intent


def _intent_item(request: AuthenticatedHttpRequest) -> tuple[Achievement | None, Demand | None]:
    source = request.POST if request.method == "POST" else request.GET
    achievement_id, demand_id = source.get("achievement_id", ""), source.get("demand_id", "")
    if demand_id.isdigit():
        return None, _get(Demand.objects.select_related("enterprise"), request, Action.VIEW, int(demand_id))
    if achievement_id.isdigit():
        return _get(Achievement.objects.select_related("owner"), request, Action.VIEW, int(achievement_id)), None
    raise Http404("请指明对接的成果或需求")


@login_required
@require_http_methods(["GET", "POST"])
def intent_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    achievement, demand = _intent_item(request)
    org = _current_org(request)
    if org is None:
        raise PermissionDenied("您尚未加入任何已认证的机构")
    own_achievements = None
    if demand is not None:
        own_achievements = Achievement.objects.filter(owner=org, status=AchievementStatus.PUBLISHED, restriction="")
    form = IntentForm(request.POST or None, achievements=own_achievements)
    status = 200
    if request.method == "POST" and form.is_valid():
        # Every refusal, a 403 too (an organisation not yet certified), is shown on this page.
        with form_refusal(apply=lambda exc: messages.error(request, exc.detail), any_status=True) as refused:
            engagement = services.engagement_create(
                actor=request.user,
                organisation=org,
                achievement=achievement if demand is None else form.cleaned_data.get("achievement"),
                demand=demand,
                message=form.cleaned_data["message"],
            )
            messages.success(request, "对接意向已提交，已通知对方")
            return redirect("matchmaking:engagement_detail", pk=engagement.pk)
        status = _status(refused)
    elif request.method == "POST":
        status = 400
    existing = selectors.open_engagement_for(organisation=org, achievement=achievement, demand=demand)
    context = {"form": form, "achievement": achievement, "demand": demand, "org": org, "existing": existing}
    return render(request, "matchmaking/intent_new.html", context, status=status)


# ---------------------------------------------------------------- lists


@login_required
@require_GET
def my_engagements(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = StatusFilterForm(request.GET or None)
    context: dict[str, Any] = {"form": form, "page": None, "org": _current_org(request)}
    context["query"] = urlencode({k: v for k, v in request.GET.items() if k != "page" and v})
    with form_refusal(apply=lambda exc: messages.error(request, exc.detail), any_status=True) as refused:
        queryset = selectors.engagement_list(user=request.user, status=request.GET.get("status", ""))
        context["page"] = paginate(queryset, page=request.GET.get("page", 1), page_size=request.GET.get("page_size", 20))
        items = list(context["page"].items)
        stages = selectors.deal_stages(items)
        for engagement in items:
            setattr(engagement, "stage", stages[engagement.pk])  # noqa: B010 (shown in the list)
    return render(request, "matchmaking/my_engagements.html", context, status=refused[0].status if refused else 200)


@login_required
@require_GET
def decline_reasons(request: AuthenticatedHttpRequest) -> HttpResponse:
    org = _current_org(request)
    if org is None:
        raise PermissionDenied("您尚未加入任何已认证的机构")
    summary = selectors.decline_summary(organisation=org)
    return render(request, "matchmaking/decline_reasons.html", {"org": org, "summary": summary})


# ---------------------------------------------------------------- the engagement


def _detail(request: AuthenticatedHttpRequest, engagement: Engagement, *, status: int = 200, **forms: Any) -> HttpResponse:
    sides = sides_of(request.user, engagement) if can(request.user, Action.CHANGE, engagement) else set()
    # The buttons: the moves this person may take now (state, side and rule).
    moves = {step.name: True for step in workflow.allowed(ENGAGEMENT, engagement, request.user)} if sides else {}
    with form_refusal(any_status=True) as refused:
        page = paginate(
            selectors.engagement_messages(engagement=engagement), page=request.GET.get("page", 1), page_size=MESSAGES_PER_PAGE
        )
    if refused:  # a wrong page of messages is a page that does not exist
        raise NotFound(refused[0].detail, code=refused[0].code)
    single = next(iter(sides)) if len(sides) == 1 else ""
    context = {
        "e": engagement,
        "sides": sides,
        "is_party": bool(sides),
        "my_side": single,
        "may": moves,
        "may_confirm_facilitator": bool(single)
        and engagement.can_confirm_facilitator()
        and engagement.facilitator_confirmed_at(single) is None,
        "may_message": bool(sides) and engagement.status not in ENDED_STATUSES,
        "history": workflow.history(ENGAGEMENT, selectors.engagement_events(engagement=engagement)),
        "page": page,
        "decline_form": forms.get("decline_form") or DeclineForm(),
        "close_form": forms.get("close_form") or CloseForm(),
        "message_form": forms.get("message_form") or MessageForm(),
        "facilitator_form": forms.get("facilitator_form") or FacilitatorForm(agencies=selectors.agencies()),
        "Side": Side,
        "contracts": hooks.engagement_contracts.ask(request.user, engagement.pk),
        "stage": selectors.deal_stages([engagement])[engagement.pk],
    }
    return render(request, "matchmaking/engagement_detail.html", context, status=status)


@login_required
@require_GET
def engagement_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _detail(request, _get(_engagements(), request, Action.VIEW, pk))


ACTIONS = {
    "accept",
    "decline",
    "withdraw",
    "close",
    "propose-agreement",
    "confirm-agreement",
    "propose-facilitator",
    "confirm-facilitator",
}
DONE = {
    "accept": "已接受对接意向，进入洽谈",
    "decline": "已婉拒，并告知对方原因",
    "withdraw": "对接意向已撤回",
    "close": "对接已关闭",
    "propose-agreement": "已提出达成一致，等待对方确认",
    "confirm-agreement": "双方已达成一致，可起草合同",
    "propose-facilitator": "已提议服务机构，对方确认后生效",
    "confirm-facilitator": "服务机构已确认",
}


@login_required
@require_POST
def engagement_action(request: AuthenticatedHttpRequest, pk: int, action: str) -> HttpResponse:
    if action not in ACTIONS:
        raise Http404("未知的操作")
    engagement = _get(_engagements(), request, Action.CHANGE, pk)
    user = request.user
    forms: dict[str, Any] = {}
    # Every refusal, a 403 too (only the other side may confirm), is shown on the engagement page.
    with form_refusal(apply=lambda exc: messages.error(request, exc.detail), any_status=True) as refused:
        if action == "accept":
            services.engagement_accept(actor=user, engagement=engagement)
        elif action == "decline":
            decline = forms["decline_form"] = DeclineForm(request.POST)
            if not decline.is_valid():
                raise DomainError("请选择婉拒原因", code="validation_failed")
            services.engagement_decline(
                actor=user, engagement=engagement, reason=decline.cleaned_data["reason"], detail=decline.cleaned_data["detail"]
            )
        elif action in ("withdraw", "close"):
            close = forms["close_form"] = CloseForm(request.POST)
            if not close.is_valid():
                raise DomainError("说明不超过 500 字", code="validation_failed")
            services.engagement_close(actor=user, engagement=engagement, reason=close.cleaned_data["reason"])
        elif action == "propose-agreement":
            services.engagement_propose_agreement(actor=user, engagement=engagement)
        elif action == "confirm-agreement":
            services.engagement_confirm_agreement(actor=user, engagement=engagement)
        elif action == "propose-facilitator":
            proposal = forms["facilitator_form"] = FacilitatorForm(request.POST, agencies=selectors.agencies())
            if not proposal.is_valid():
                raise DomainError("请选择服务机构", code="validation_failed")
            services.engagement_propose_facilitator(actor=user, engagement=engagement, agency=proposal.cleaned_data["agency"])
        else:
            services.engagement_confirm_facilitator(actor=user, engagement=engagement)
    if refused:
        engagement.refresh_from_db()
        return _detail(request, engagement, status=_status(refused), **forms)
    messages.success(request, DONE[action])
    return redirect("matchmaking:engagement_detail", pk=pk)


@login_required
@require_POST
def message_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    engagement = _get(_engagements(), request, Action.CHANGE, pk)
    form = MessageForm(request.POST)
    with form_refusal(apply=lambda exc: messages.error(request, exc.detail), any_status=True) as refused:
        if not form.is_valid():
            raise DomainError("请填写留言内容（不超过 2000 字）", code="validation_failed")
        services.message_post(actor=request.user, engagement=engagement, body=form.cleaned_data["body"])
    if refused:
        return _detail(request, engagement, status=_status(refused), message_form=form)
    messages.success(request, "留言已发送")
    return redirect("matchmaking:engagement_detail", pk=pk)
