from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from usefirst.core.actors import AuthenticatedHttpRequest
from usefirst.core.errors import NotFound
from usefirst.core.pagination import paginate
from usefirst.core.permissions import Action, get_for_user
from usefirst.core.refusals import form_refusal

from .forms import PreferenceForm
from .models import Notification
from .selectors import inbox as inbox_selector
from .selectors import preference_for
from .services import notification_mark_read, preference_update


@login_required
def inbox(request: AuthenticatedHttpRequest) -> HttpResponse:
    unread_only = request.GET.get("unread") == "1"
    rows = inbox_selector(request.user, unread_only=unread_only)
    with form_refusal(any_status=True) as refused:
        page = paginate(rows, page=request.GET.get("page", 1))
    if refused:
        return render(
            request,
            "notifications/inbox.html",
            {"page": None, "error": refused[0].detail, "unread_only": unread_only},
            status=404,
        )
    return render(request, "notifications/inbox.html", {"page": page, "unread_only": unread_only})


@login_required
@require_POST
def mark_read(request: AuthenticatedHttpRequest) -> HttpResponse:
    if request.POST.get("all") == "1":
        count = notification_mark_read(user=request.user)
    else:
        ids = [int(i) for i in request.POST.getlist("ids") if i.isdigit()]
        count = notification_mark_read(user=request.user, notification_ids=ids)
    messages.success(request, f"已将 {count} 条通知标记为已读")
    return _back_to_inbox(request)


@login_required
@require_POST
def open_notification(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Mark one notification read and follow its link (only links within this site)."""
    with form_refusal(any_status=True) as refused:
        notification = get_for_user(Notification.objects.all(), request.user, Action.VIEW, pk=pk)
    if refused:  # another person's notification is not there for this one
        raise NotFound(refused[0].detail)
    notification_mark_read(user=request.user, notification_ids=[notification.pk])
    if notification.url and url_has_allowed_host_and_scheme(
        notification.url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return HttpResponseRedirect(notification.url)
    return _back_to_inbox(request)


@login_required
def preferences(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = PreferenceForm(request.POST or None, instance=preference_for(request.user))
    if request.method == "POST" and form.is_valid():
        preference_update(
            actor=request.user, email_enabled=form.cleaned_data["email_enabled"], digest=form.cleaned_data["digest"]
        )
        messages.success(request, "通知设置已保存")
        return redirect("notifications:preferences")
    return render(request, "notifications/preferences.html", {"form": form})


def _back_to_inbox(request: HttpRequest) -> HttpResponse:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return HttpResponseRedirect(target)
    return redirect("notifications:inbox")
