"""Pages of local support measures: the public list and a measure's page; a publisher's own list,
the form, publish and withdraw. Thin: selectors and services do the work."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from usefirst.accounts.context_processors import current_membership
from usefirst.accounts.models import Organisation
from usefirst.catalog.forms import error_summary
from usefirst.core import workflow
from usefirst.core.actors import AuthenticatedHttpRequest
from usefirst.core.pagination import paginate
from usefirst.core.permissions import Action, can, get_for_user
from usefirst.core.refusals import apply_to_form, button_action, form_refusal
from usefirst.core.regions import CITY_COUNTIES

from . import selectors, services
from .choices import MeasureKind
from .forms import MeasureForm
from .models import SupportMeasure
from .workflows import MEASURE


def _publisher(request: HttpRequest) -> Organisation:
    membership = current_membership(request)
    organisation = membership.organisation if membership else None
    if not services.may_publish(organisation):
        raise PermissionDenied("只有地市管理部门和省级以上开发区可以发布地方支持措施")
    assert organisation is not None
    return organisation


def measure_list(request: HttpRequest) -> HttpResponse:
    city, county, kind = (request.GET.get(k, "").strip() for k in ("city", "county", "kind"))
    with form_refusal(any_status=True) as refused:
        page = paginate(
            selectors.public_list(request.user, city=city, county=county, kind=kind), page=request.GET.get("page") or 1
        )
    if refused:
        city = county = kind = ""
        page = paginate(selectors.public_list(request.user))
    membership = current_membership(request) if request.user.is_authenticated else None
    query = "&".join(f"{k}={v}" for k, v in (("city", city), ("county", county), ("kind", kind)) if v)
    return render(
        request,
        "measures/list.html",
        {
            "page": page,
            "city": city,
            "county": county,
            "kind": kind,
            "cities": list(CITY_COUNTIES),
            "counties": CITY_COUNTIES.get(city, []),
            "kinds": MeasureKind.choices,
            "query": query,
            "error": refused[0].detail if refused else "",
            "may_publish": services.may_publish(membership.organisation if membership else None),
        },
    )


def _measure(request: HttpRequest, pk: int, action: Action = Action.VIEW) -> SupportMeasure:
    return get_for_user(SupportMeasure.objects.select_related("publisher"), request.user, action, pk=pk)


def measure_detail(request: HttpRequest, pk: int) -> HttpResponse:
    measure = _measure(request, pk)
    mine = can(request.user, Action.CHANGE, measure)
    return render(
        request,
        "measures/detail.html",
        {
            "m": measure,
            "mine": mine,
            "steps": {s.name for s in workflow.allowed(MEASURE, measure, request.user)} if mine else set(),
            "history": workflow.history(MEASURE, measure.events.select_related("actor")) if mine else [],
        },
    )


@login_required
def my_measures(request: AuthenticatedHttpRequest) -> HttpResponse:
    publisher = _publisher(request)
    page = paginate(selectors.own(request.user, publisher), page=request.GET.get("page") or 1)
    return render(request, "measures/mine.html", {"page": page, "publisher": publisher, "query": ""})


def _form_page(request: AuthenticatedHttpRequest, measure: SupportMeasure | None) -> HttpResponse:
    publisher = measure.publisher if measure else _publisher(request)
    initial: dict[str, Any] = services.as_data(measure) if measure else {"city": publisher.city, "county": publisher.county}
    form = MeasureForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        form.is_valid()
        with form_refusal(form) as refused:
            if measure is None:
                saved = services.measure_create(actor=request.user, publisher=publisher, data=request.POST)
            else:
                saved = services.measure_update(actor=request.user, measure=measure, data=request.POST)
            messages.success(request, "支持措施已保存为草稿，核对后发布")
            return redirect("measures:detail", saved.pk)
        if refused:
            status = 400
            form.errors.clear()
            apply_to_form(form, refused[0])
    return render(
        request,
        "measures/form.html",
        {"form": form, "measure": measure, "publisher": publisher, "errors": error_summary(form)},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def measure_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _form_page(request, None)


@login_required
@require_http_methods(["GET", "POST"])
def measure_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _form_page(request, _measure(request, pk, Action.CHANGE))


def _publish(actor: Any, measure: SupportMeasure, reason: str) -> SupportMeasure:
    return services.measure_publish(actor=actor, measure=measure)


def _withdraw(actor: Any, measure: SupportMeasure, reason: str) -> SupportMeasure:
    return services.measure_withdraw(actor=actor, measure=measure, reason=reason)


ACTIONS = {
    "publish": (_publish, "已发布，企业可在成果和合同页面看到"),
    "withdraw": (_withdraw, "已撤回"),
}


@login_required
@require_POST
def measure_action(request: AuthenticatedHttpRequest, pk: int, action: str) -> HttpResponse:
    if action not in ACTIONS:
        raise PermissionDenied("未知的操作")
    measure = _measure(request, pk)
    call, done = ACTIONS[action]
    return button_action(
        request,
        done,
        lambda: call(request.user, measure, request.POST.get("reason", "")),
        reverse("measures:detail", args=[pk]),
    )
