"""Pages of industry pools: the list, a new pool, a pool's own page (entries, proposals with their
votes, the operator's decisions and members), its digest. Thin: selectors and services."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from usefirst.accounts import roles
from usefirst.accounts.context_processors import current_membership
from usefirst.accounts.models import Organisation, OrganisationKind
from usefirst.catalog.models import Achievement
from usefirst.core.actors import AuthenticatedHttpRequest
from usefirst.core.permissions import Action, get_for_user
from usefirst.core.refusals import button_action, form_refusal

from . import selectors, services
from .choices import EntryStatus
from .models import Pool, PoolEntry


def _org(request: HttpRequest) -> Organisation | None:
    membership = current_membership(request) if request.user.is_authenticated else None
    return membership.organisation if membership else None


def pool_list(request: HttpRequest) -> HttpResponse:
    return render(request, "pools/list.html", {"pools": selectors.pools(), "may_create": services.may_operate(_org(request))})


@login_required
@require_http_methods(["GET", "POST"])
def pool_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    operator = _org(request)
    if not services.may_operate(operator):
        raise PermissionDenied("成果池由政府部门、高校或龙头企业运营")
    assert operator is not None
    error = ""
    if request.method == "POST":
        with form_refusal(any_status=True) as refused:
            pool = services.pool_create(
                actor=request.user,
                operator=operator,
                name=request.POST.get("name", ""),
                industry=request.POST.get("industry", ""),
                description=request.POST.get("description", ""),
            )
            messages.success(request, "成果池已创建，可添加成员企业、放入成果")
            return redirect("pools:detail", pool.pk)
        error = refused[0].detail if refused else ""
    return render(
        request, "pools/form.html", {"operator": operator, "error": error, "posted": request.POST}, status=400 if error else 200
    )


def _pool(request: HttpRequest, pk: int) -> Pool:
    return get_for_user(Pool.objects.select_related("operator"), request.user, Action.VIEW, pk=pk)


def pool_detail(request: HttpRequest, pk: int) -> HttpResponse:
    pool = _pool(request, pk)
    insider = selectors.is_insider(request.user, pool)
    operator = roles.is_member(request.user, pool.operator)
    org = _org(request)
    return render(
        request,
        "pools/detail.html",
        {
            "pool": pool,
            "admitted": selectors.entries(request.user, pool, EntryStatus.ADMITTED),
            "proposed": selectors.entries(request.user, pool, EntryStatus.PROPOSED) if insider else [],
            "insider": insider,
            "operator": operator,
            "may_vote": insider and org is not None and org.kind == OrganisationKind.ENTERPRISE,
            "members": pool.members.order_by("name"),
        },
    )


def pool_digest(request: HttpRequest, pk: int) -> HttpResponse:
    pool = _pool(request, pk)
    return render(request, "pools/digest.html", {"digest": selectors.digest(request.user, pool)})


def _achievement(request: HttpRequest) -> Achievement:
    raw = request.POST.get("achievement", "").strip()
    if not raw.isdigit():
        raise Http404("请填写成果编号")
    return get_for_user(Achievement.objects.all(), request.user, Action.VIEW, pk=int(raw))


@login_required
@require_POST
def pool_act(request: AuthenticatedHttpRequest, pk: int, action: str) -> HttpResponse:
    pool = _pool(request, pk)
    found = _org(request)
    if found is None:
        raise PermissionDenied("请先加入一个机构")
    org: Organisation = found
    back = reverse("pools:detail", args=[pk])
    calls: dict[str, tuple[Any, str]] = {
        "propose": (
            lambda: services.entry_propose(
                actor=request.user, pool=pool, achievement=_achievement(request), proposer=org, note=request.POST.get("note", "")
            ),
            "已推荐入池，成员企业可以投票",
        ),
        "place": (
            lambda: services.entry_place(
                actor=request.user, pool=pool, achievement=_achievement(request), note=request.POST.get("note", "")
            ),
            "已放入成果池",
        ),
        "member": (
            lambda: services.pool_add_member(
                actor=request.user,
                pool=pool,
                enterprise=Organisation.objects.filter(name=request.POST.get("member", "").strip()).first()
                or _no_such_enterprise(),
            ),
            "已添加成员企业",
        ),
    }
    if action not in calls:
        raise Http404("未知的操作")
    call, done = calls[action]
    return button_action(request, done, call, back)


def _no_such_enterprise() -> Organisation:
    from usefirst.core.errors import DomainError

    raise DomainError("平台上没有该名称的企业", code="pool_member_not_enterprise")


def _entry(request: HttpRequest, pk: int, entry_pk: int) -> PoolEntry:
    pool = _pool(request, pk)
    return get_for_user(
        PoolEntry.objects.filter(pool=pool).select_related("pool__operator"), request.user, Action.VIEW, pk=entry_pk
    )


@login_required
@require_POST
def entry_act(request: AuthenticatedHttpRequest, pk: int, entry_pk: int, action: str) -> HttpResponse:
    entry = _entry(request, pk, entry_pk)
    found = _org(request)
    if found is None:
        raise PermissionDenied("请先加入一个机构")
    org: Organisation = found
    reason = request.POST.get("reason", "")
    calls: dict[str, tuple[Any, str]] = {
        "yes": (lambda: services.entry_vote(actor=request.user, entry=entry, voter=org, approve=True), "已投赞成票"),
        "no": (lambda: services.entry_vote(actor=request.user, entry=entry, voter=org, approve=False), "已投反对票"),
        "admit": (lambda: services.entry_admit(actor=request.user, entry=entry, reason=reason), "已入池"),
        "decline": (lambda: services.entry_decline(actor=request.user, entry=entry, reason=reason), "已决定不予入池"),
        "remove": (lambda: services.entry_remove(actor=request.user, entry=entry, reason=reason), "已移出成果池"),
    }
    if action not in calls:
        raise Http404("未知的操作")
    call, done = calls[action]
    return button_action(request, done, call, reverse("pools:detail", args=[pk]))
