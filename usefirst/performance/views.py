"""Pages of the performance record (thin views over services and selectors)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from usefirst.accounts.context_processors import current_membership
from usefirst.accounts.models import Organisation, OrganisationKind
from usefirst.core import workflow
from usefirst.core.actors import AuthenticatedHttpRequest
from usefirst.core.permissions import Action, get_for_user
from usefirst.core.refusals import button_action, form_refusal

from . import selectors, services
from .forms import ConsentForm, StatementForm
from .models import Consent
from .workflows import CONSENT


def _own_enterprise(request: AuthenticatedHttpRequest) -> Organisation | None:
    """The enterprise the person works as: the one chosen in the header's switcher, else the first."""
    membership = current_membership(request)
    if membership is not None and membership.organisation.kind == OrganisationKind.ENTERPRISE:
        return membership.organisation
    return selectors.enterprises_of(request.user).first()


def _render_record(request: AuthenticatedHttpRequest, enterprise: Organisation, record: selectors.Record) -> HttpResponse:
    own = selectors.is_enterprise_member(request.user, enterprise)
    return render(
        request,
        "performance/record.html",
        {
            "enterprise": enterprise,
            "record": record,
            "own": own,
            "consent": None if own else selectors.consent_for(request.user, enterprise),
            "statement_form": StatementForm() if own else None,
        },
    )


@login_required
@require_GET
def my_record(request: AuthenticatedHttpRequest) -> HttpResponse:
    enterprise = _own_enterprise(request)
    if enterprise is None:
        return redirect("performance:shared")
    return _render_record(request, enterprise, services.record_view(actor=request.user, enterprise=enterprise))


@login_required
@require_GET
def record_page(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    enterprise = get_object_or_404(Organisation, pk=pk, kind=OrganisationKind.ENTERPRISE)
    return _render_record(request, enterprise, services.record_view(actor=request.user, enterprise=enterprise))


@login_required
@require_POST
def statement_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    enterprise = get_object_or_404(Organisation, pk=pk, kind=OrganisationKind.ENTERPRISE)
    back = reverse("performance:record", args=[pk])
    return button_action(
        request,
        "已添加情况说明",
        lambda: services.statement_add(
            actor=request.user,
            enterprise=enterprise,
            entry_key=request.POST.get("entry_key", ""),
            text=request.POST.get("text", ""),
        ),
        back,
    )


@login_required
@require_http_methods(["GET", "POST"])
def consents(request: AuthenticatedHttpRequest) -> HttpResponse:
    enterprise = _own_enterprise(request)
    if enterprise is None:
        raise Http404("只有企业有履约信用档案")
    choices = selectors.grantee_choices(enterprise)
    form = ConsentForm(request.POST or None, choices=choices)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            with form_refusal(form) as refused:
                consent = services.consent_grant(
                    actor=request.user,
                    enterprise=enterprise,
                    grantee=form.cleaned_data["grantee"],
                    purpose=form.cleaned_data["purpose"],
                )
                messages.success(request, f"已授权“{consent.grantee.name}”查看本企业的履约信用档案")
                return redirect("performance:consents")
            status = 400 if refused else 200
        else:
            status = 400
    rows = [(c, workflow.allowed(CONSENT, c, request.user)) for c in selectors.consents_of(request.user, enterprise)]
    return render(request, "performance/consents.html", {"enterprise": enterprise, "form": form, "rows": rows}, status=status)


@login_required
@require_POST
def consent_revoke_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    consent = get_for_user(Consent.objects.select_related("grantee"), request.user, Action.CHANGE, pk=pk)
    return button_action(
        request,
        f"已撤回对“{consent.grantee.name}”的授权",
        lambda: services.consent_revoke(actor=request.user, consent=consent, reason=request.POST.get("reason", "")),
        reverse("performance:consents"),
    )


@login_required
@require_GET
def shared(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(request, "performance/shared.html", {"consents": selectors.shared_with(request.user)})
