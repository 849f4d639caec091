"""Pages of events: the public calendar and an event's page (its booth of items, sign-up, one's
entry code), the organiser's view (items, classification, sign-ups, check-in, outcomes,
concierges), one's own sign-ups. Thin: they call selectors and services."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from usefirst.accounts import roles
from usefirst.accounts.models import Membership, User
from usefirst.catalog.forms import error_summary
from usefirst.catalog.models import Achievement, Demand
from usefirst.core import workflow
from usefirst.core.actors import AuthenticatedHttpRequest
from usefirst.core.errors import DomainError
from usefirst.core.pagination import paginate
from usefirst.core.permissions import Action, can, get_for_user
from usefirst.core.qr import qr_data_uri
from usefirst.core.refusals import apply_to_form, button_action, form_refusal
from usefirst.core.regions import CITY_COUNTIES

from . import selectors, services
from .choices import EventKind, EventStatus, ItemClass
from .forms import EventForm
from .models import Event, EventItem, Registration
from .policies import ORGANISER_KINDS
from .workflows import EVENT


def calendar(request: HttpRequest) -> HttpResponse:
    kind = request.GET.get("kind", "")
    city = request.GET.get("city", "")
    when = "past" if request.GET.get("when") == "past" else "upcoming"
    q = request.GET.get("q", "").strip()[:50]
    events = selectors.calendar(request.user, kind=kind, city=city, when=when, q=q)
    page = paginate(events, page=request.GET.get("page") or 1)
    query = "&".join(f"{k}={v}" for k, v in {"kind": kind, "city": city, "when": when, "q": q}.items() if v)
    return render(
        request,
        "events/calendar.html",
        {
            "page": page,
            "kind": kind,
            "city": city,
            "when": when,
            "q": q,
            "kinds": EventKind.choices,
            "cities": list(CITY_COUNTIES),
            "query": query,
        },
    )


def _event(request: HttpRequest, pk: int, action: Action = Action.VIEW) -> Event:
    return get_for_user(Event.objects.select_related("organiser"), request.user, action, pk=pk)


def online(request: HttpRequest, pk: int) -> HttpResponse:
    """Leaving the platform for the organiser's meeting address: the page names where the person
    is going (as text) and goes there only when asked to (?go=1), so no page of the platform
    itself refers to another host."""
    event = _event(request, pk)
    if not event.online_url:
        raise Http404
    if request.GET.get("go") == "1":
        return redirect(event.online_url)
    shown = event.online_url.split("://", 1)[-1]
    return render(request, "events/online.html", {"event": event, "shown": shown})


def detail(request: HttpRequest, pk: int) -> HttpResponse:
    event = _event(request, pk)
    mine = selectors.live_registration(request.user, event)
    token = checkin_url = ""
    if mine is not None and mine.status == "confirmed":
        token = services.checkin_token(mine)
        checkin_url = request.build_absolute_uri(reverse("events:checkin", args=[event.pk])) + f"?t={token}"
    return render(
        request,
        "events/detail.html",
        {
            "event": event,
            "items": event.items.select_related("achievement__owner", "demand__enterprise"),
            "seats": selectors.seat_counts(event),
            "mine": mine,
            "token": token,
            "checkin_url": checkin_url,
            "checkin_qr": qr_data_uri(checkin_url) if checkin_url else "",
            "is_organiser": can(request.user, Action.CHANGE, event),
            "outcomes": selectors.outcome_summary(event) if event.status == EventStatus.HELD else None,
            "concierges": {c.achievement_id: c for c in _concierges(event)},
        },
    )


def _concierges(event: Event) -> list[Any]:
    from .models import Concierge

    ids = [i for i in event.items.values_list("achievement_id", flat=True) if i]
    return list(Concierge.objects.filter(achievement_id__in=ids, ended_at__isnull=True).select_related("person", "organisation"))


def _organiser_memberships(user: Any) -> list[Membership]:
    return list(
        roles.active_memberships(user).filter(organisation__kind__in=list(ORGANISER_KINDS)).select_related("organisation")
    )


@login_required
def organiser_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    page = paginate(selectors.organiser_events(request.user), page=request.GET.get("page") or 1)
    return render(request, "events/organiser_list.html", {"page": page, "may_create": bool(_organiser_memberships(request.user))})


@login_required
def event_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    memberships = _organiser_memberships(request.user)
    if not memberships:
        raise DomainError(
            "只有地市、开发区、孵化器和技术转移服务机构的成员可以举办活动", code="not_an_event_organiser", status=403
        )
    form = EventForm(request.POST or None)
    status = 200
    if request.method == "POST":
        form.is_valid()
        with form_refusal(form) as refused:
            event = services.event_create(actor=request.user, organiser=memberships[0].organisation, data=request.POST.dict())
            messages.success(request, "活动草稿已保存；添加展示项目后即可发布")
            return redirect("events:manage", pk=event.pk)
        if refused:
            status = 400
            form.errors.clear()
            apply_to_form(form, refused[0])
    return render(
        request,
        "events/form.html",
        {"form": form, "errors": error_summary(form), "organiser": memberships[0].organisation},
        status=status,
    )


@login_required
def event_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    event = _event(request, pk, Action.CHANGE)
    initial = {f: getattr(event, f) for f in EventForm.base_fields}
    form = EventForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        form.is_valid()
        with form_refusal(form) as refused:
            services.event_edit(actor=request.user, event=event, data=request.POST.dict())
            messages.success(request, "活动信息已修改")
            return redirect("events:manage", pk=event.pk)
        if refused:
            status = 400
            form.errors.clear()
            apply_to_form(form, refused[0])
    return render(
        request,
        "events/form.html",
        {"form": form, "errors": error_summary(form), "event": event, "organiser": event.organiser},
        status=status,
    )


@login_required
def manage(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The organiser's view of one event."""
    event = _event(request, pk, Action.CHANGE)
    registrations = event.registrations.select_related("user", "organisation").order_by("created_at", "id")
    staff = User.objects.filter(memberships__organisation=event.organiser, memberships__is_active=True, is_active=True).distinct()
    return render(
        request,
        "events/manage.html",
        {
            "event": event,
            "steps": {s.name for s in workflow.allowed(EVENT, event, request.user)},
            "items": event.items.select_related("achievement", "demand"),
            "registrations": registrations,
            "seats": selectors.seat_counts(event),
            "outcomes": selectors.outcome_summary(event),
            "classes": ItemClass.choices,
            "staff": staff,
            "concierges": {c.achievement_id: c for c in _concierges(event)},
            "concierge_history": selectors.concierge_history(event),
            "history": workflow.history(EVENT, event.events.select_related("actor")),
        },
    )


@login_required
@require_POST
def item_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    event = _event(request, pk, Action.CHANGE)
    back = reverse("events:manage", args=[pk])

    def add() -> object:
        number = request.POST.get("number", "").strip()
        which = request.POST.get("which", "achievement")
        if not number.isdigit():
            raise DomainError("请填写成果或需求的编号（数字）", code="validation_failed")
        if which == "demand":
            demand = Demand.objects.filter(pk=int(number)).first()
            if demand is None:
                raise DomainError(f"没有编号为 {number} 的技术需求", code="validation_failed")
            return services.event_add_item(actor=request.user, event=event, demand=demand, note=request.POST.get("note", ""))
        achievement = Achievement.objects.filter(pk=int(number)).first()
        if achievement is None:
            raise DomainError(f"没有编号为 {number} 的科技成果", code="validation_failed")
        return services.event_add_item(
            actor=request.user, event=event, achievement=achievement, note=request.POST.get("note", "")
        )

    return button_action(request, "已添加展示项目", add, back)


@login_required
@require_POST
def item_classify(request: AuthenticatedHttpRequest, pk: int, item_pk: int) -> HttpResponse:
    event = _event(request, pk, Action.CHANGE)
    item = EventItem.objects.filter(event=event, pk=item_pk).select_related("event").first()
    if item is None:
        raise Http404("没有该展示项目")
    return button_action(
        request,
        "已分类",
        lambda: services.event_classify_item(
            actor=request.user, item=item, classification=request.POST.get("classification", "")
        ),
        reverse("events:manage", args=[pk]),
    )


@login_required
@require_POST
def concierge(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    event = _event(request, pk, Action.CHANGE)

    def assign() -> object:
        item = (
            event.items.filter(pk=request.POST.get("item") or 0, achievement__isnull=False).select_related("achievement").first()
        )
        person = User.objects.filter(pk=request.POST.get("person") or 0).first()
        if item is None or item.achievement is None or person is None:
            raise DomainError("请选择展示的成果和服务专员", code="validation_failed")
        return services.concierge_assign(actor=request.user, achievement=item.achievement, person=person, event=event)

    return button_action(request, "已指定服务专员", assign, reverse("events:manage", args=[pk]))


EVENT_ACTIONS: dict[str, tuple[Any, str]] = {
    "publish": (lambda r, e: services.event_publish(actor=r.user, event=e), "活动已发布到活动日历"),
    "hold": (lambda r, e: services.event_hold(actor=r.user, event=e), "已确认活动举办；展示项目转为常设线上展厅"),
    "cancel": (
        lambda r, e: services.event_cancel(actor=r.user, event=e, reason=r.POST.get("reason", "")),
        "活动已取消，已报名者将收到通知",
    ),
}


@login_required
@require_POST
def event_action(request: AuthenticatedHttpRequest, pk: int, action: str) -> HttpResponse:
    if action not in EVENT_ACTIONS:
        raise Http404("未知的操作")
    event = _event(request, pk)
    service, done = EVENT_ACTIONS[action]
    return button_action(request, done, lambda: service(request, event), reverse("events:manage", args=[pk]))


@login_required
@require_POST
def signup(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    event = _event(request, pk)
    membership = roles.active_memberships(request.user).select_related("organisation").first()
    registration: list[Registration] = []

    def sign() -> object:
        registration.append(
            services.registration_signup(
                actor=request.user,
                event=event,
                organisation=membership.organisation if membership else None,
                note=request.POST.get("note", ""),
            )
        )
        return registration[0]

    response = button_action(request, "已提交报名", sign, reverse("events:detail", args=[pk]))
    if registration:
        messages.info(request, f"报名状态：{registration[0].get_status_display()}")
    return response


REGISTRATION_ACTIONS: dict[str, tuple[Any, Action, str]] = {
    "cancel": (lambda r, reg: services.registration_cancel(actor=r.user, registration=reg), Action.CHANGE, "已取消报名"),
    "approve": (lambda r, reg: services.registration_approve(actor=r.user, registration=reg), Action.REVIEW, "已通过报名"),
    "reject": (
        lambda r, reg: services.registration_reject(actor=r.user, registration=reg, reason=r.POST.get("reason", "")),
        Action.REVIEW,
        "已不予通过",
    ),
}


@login_required
@require_POST
def registration_action(request: AuthenticatedHttpRequest, pk: int, action: str) -> HttpResponse:
    if action not in REGISTRATION_ACTIONS:
        raise Http404("未知的操作")
    service, needed, done = REGISTRATION_ACTIONS[action]
    registration = get_for_user(Registration.objects.select_related("event"), request.user, needed, pk=pk)
    back = reverse("events:my_registrations") if action == "cancel" else reverse("events:manage", args=[registration.event_id])
    return button_action(request, done, lambda: service(request, registration), back)


@login_required
def my_registrations(request: AuthenticatedHttpRequest) -> HttpResponse:
    page = paginate(selectors.my_registrations(request.user), page=request.GET.get("page") or 1)
    return render(request, "events/my_registrations.html", {"page": page})


@login_required
def checkin(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The door: the organiser's staff open the scanned link (or type the code) and confirm."""
    event = _event(request, pk, Action.CHANGE)
    token = request.POST.get("token") or request.GET.get("t", "")
    error = ""
    done: Registration | None = None
    status = 200
    if request.method == "POST":
        refused: list[DomainError] = []
        with form_refusal(apply=refused.append) as caught:
            done = services.checkin(actor=request.user, event=event, token=token)
        if caught:
            error = caught[0].detail
            status = 400
        else:
            token = ""
    return render(
        request,
        "events/checkin.html",
        {"event": event, "token": token, "error": error, "done": done, "seats": selectors.seat_counts(event)},
        status=status,
    )
