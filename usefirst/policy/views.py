from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render

from usefirst.accounts import roles
from usefirst.core.actors import AuthenticatedHttpRequest
from usefirst.core.dates import today
from usefirst.core.refusals import form_refusal

from .forms import ParameterSetForm
from .parameters import DEFINITIONS, POLICY_END, POLICY_START
from .selectors import parameter_overview
from .services import parameter_set


@login_required
def parameter_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Provincial administrators read and set parameters; other provincial staff only read."""
    if not roles.is_provincial_staff(request.user):
        raise PermissionDenied("只有省科技厅工作人员可以查看政策参数管理页面")
    can_edit = roles.is_provincial_admin(request.user)
    bound: ParameterSetForm | None = None
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied("只有省科技厅管理员可以修改政策参数")
        key = request.POST.get("key", "")
        if key not in DEFINITIONS:
            raise PermissionDenied("未知的政策参数")
        bound = ParameterSetForm(request.POST, definition=DEFINITIONS[key])
        if bound.is_valid():
            posted = bound
            with form_refusal(apply=lambda exc: posted.add_error(None, exc.detail)):
                parameter_set(
                    actor=request.user,
                    key=key,
                    value=bound.cleaned_data["value"],
                    effective_from=bound.cleaned_data["effective_from"],
                    reason=bound.cleaned_data["reason"],
                )
                messages.success(
                    request, f"已设置“{DEFINITIONS[key].label}”，自 {bound.cleaned_data['effective_from']:%Y-%m-%d} 起生效"
                )
                return redirect(f"{request.path}#param-{key}")
    rows = []
    for item in parameter_overview():
        form = None
        if can_edit:
            form = bound if bound is not None and bound.definition.key == item.definition.key else None
            form = form or ParameterSetForm(definition=item.definition)
        rows.append((item, form))
    return render(
        request,
        "policy/parameter_list.html",
        {"rows": rows, "can_edit": can_edit, "today": today(), "policy_start": POLICY_START, "policy_end": POLICY_END},
    )
