"""Finance pages (Chinese): a contract's schedule, receipts, distributions; the forms that
record them; an inventor's own distributions; the unit's guidance fund. Views are thin:
authorise through the chokepoint, call one service, render; refusals follow
usefirst.core.refusals (action buttons go back with the reason, forms show it)."""

from __future__ import annotations

import uuid
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from usefirst.accounts import roles
from usefirst.catalog.choices import Mode
from usefirst.contracts.models import Contract, InventorGrant
from usefirst.core.actors import AuthenticatedHttpRequest
from usefirst.core.excel import content_disposition, xlsx_response
from usefirst.core.money import format_cny
from usefirst.core.permissions import Action, get_for_user, restrict
from usefirst.core.refusals import form_refusal, refusals_return_to
from usefirst.policy.selectors import parameter_value, share_pct

from . import registration, selectors, services
from .models import (
    ConfirmedAs,
    Distribution,
    DistributionLine,
    DistributionVariant,
    GuidanceFundEntry,
    Receipt,
    ScheduleLine,
)
from .plan_types import ROYALTY_BASES, SCOPES
from .split import floor_applies


def _get[M: Model](queryset: QuerySet[M], request: AuthenticatedHttpRequest, action: Action, pk: int) -> M:
    return get_for_user(queryset, request.user, action, pk=pk)


def _contract_url(contract: Contract) -> str:
    return reverse("finance:contract", args=[contract.pk])


def _back(contract: Contract) -> HttpResponse:
    return redirect(_contract_url(contract))


def _roles(request: AuthenticatedHttpRequest, contract: Contract) -> dict[str, bool]:
    return {
        "is_unit": selectors.is_unit_member(request.user, contract),
        "is_licensee": selectors.is_licensee_member(request.user, contract),
        "is_inventor_licensor": selectors.is_inventor_licensor(request.user, contract),
    }


@login_required
def contract_finance(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    contract = _get(Contract.objects.select_related("licensor", "licensee"), request, Action.VIEW, pk)
    receipts = (
        restrict(Receipt.objects.all(), request.user, Action.VIEW)
        .filter(contract=contract)
        .select_related("reverses", "recorded_by")
        .order_by("received_on", "pk")
    )
    per_achievement = [
        (link, selectors.received_for_achievement(link.achievement_id, contract_ids=[contract.pk]))
        for link in contract.achievements.select_related("achievement").order_by("position", "pk")
    ]
    distributions = restrict(Distribution.objects.all(), request.user, Action.VIEW).filter(contract=contract)
    first = selectors.first_cooperation_contract(contract) if contract.mode == Mode.COOPERATE_LATER else None
    context: dict[str, Any] = {
        "contract": contract,
        "plan": getattr(contract, "payment_plan", None),
        "rows": selectors.schedule(contract),
        "receipts": receipts,
        "received": selectors.received_for_contract(contract),
        "per_achievement": per_achievement,
        "first_cooperation": first,
        "first_cooperation_received": selectors.received_for_first_cooperation(contract) if first else None,
        "distributions": distributions,
        "new_key": uuid.uuid4().hex,
        "beyond_plan": selectors.beyond_plan(contract)
        if selectors.is_unit_member(request.user, contract) or roles.department_ids(request.user)
        else None,
        **_roles(request, contract),
    }
    return render(request, "finance/contract_finance.html", context)


@login_required
def receipt_create_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    contract = _get(Contract.objects.all(), request, Action.CHANGE, pk)
    error = None
    field_errors: dict[str, list[str]] = {}
    values: dict[str, Any] = {"idempotency_key": uuid.uuid4().hex}
    if request.method == "POST":
        values = {k: request.POST.get(k, "") for k in ("received_on", "amount", "payer", "voucher_number", "idempotency_key")}
        with form_refusal() as refused:
            receipt, created = services.receipt_record(
                actor=request.user, contract=contract, slip=request.FILES.get("slip"), **values
            )
        if refused:
            error, field_errors = refused[0].detail, refused[0].field_errors
        else:
            if created:
                waiting = "，待付款单位确认" if receipt.payer_organisation_id else "，待成果单位确认"
                messages.success(request, f"已登记到账 {format_cny(receipt.amount)}" + ("" if receipt.is_confirmed else waiting))
            else:
                messages.info(request, "该到账已登记过（重复提交），未重复记录")
            return _back(contract)
    context = {
        "contract": contract,
        "values": values,
        "error": error,
        "field_errors": field_errors,
        "slip_threshold": Decimal(str(parameter_value("receipt_slip_threshold"))),
    }
    return render(request, "finance/receipt_form.html", context, status=400 if error else 200)


@login_required
@require_POST
def receipt_reverse_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    original = _get(Receipt.objects.select_related("contract"), request, Action.CHANGE, pk)
    refusals_return_to(request, _contract_url(original.contract))
    services.receipt_reverse(
        actor=request.user,
        original=original,
        amount=request.POST.get("amount") or None,
        reason=request.POST.get("reason", ""),
        idempotency_key=request.POST.get("idempotency_key", ""),
    )
    messages.success(request, "已登记冲销记录")
    return _back(original.contract)


@login_required
@require_POST
def receipt_confirm_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    receipt = _get(Receipt.objects.select_related("contract"), request, Action.VIEW, pk)
    how = services.may_confirm(request.user, receipt)
    # The payer and the department confirm from their list, after ticking that they checked.
    from_list = how in (ConfirmedAs.PAYER, ConfirmedAs.DEPARTMENT)
    if from_list and not request.POST.get("checked"):
        messages.error(request, f"{receipt.contract.number} {format_cny(receipt.amount)}：请先勾选“已核对”再确认到账")
        return redirect("finance:receipts_to_confirm")
    back = reverse("finance:receipts_to_confirm") if from_list else _contract_url(receipt.contract)
    refusals_return_to(request, back)
    services.receipt_confirm(actor=request.user, receipt=receipt)
    messages.success(request, f"已确认到账 {format_cny(receipt.amount)}（合同 {receipt.contract.number}）")
    return redirect(back)


@login_required
@require_POST
def receipt_dispute_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    receipt = _get(Receipt.objects.select_related("contract"), request, Action.VIEW, pk)
    refusals_return_to(request, "finance:receipts_to_confirm", naming=f"{receipt.contract.number} {format_cny(receipt.amount)}：")
    services.receipt_dispute(actor=request.user, receipt=receipt, reason=request.POST.get("reason", ""))
    messages.success(request, "已提出异议，许可方将收到通知")
    return redirect("finance:receipts_to_confirm")


@login_required
def receipt_slip_view(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    receipt = _get(Receipt.objects.all(), request, Action.VIEW, pk)
    if not receipt.slip:
        raise Http404("该到账未上传银行回单")
    return FileResponse(
        receipt.slip.open("rb"), filename=f"银行回单-{receipt.voucher_number}{Path(receipt.slip.name or '').suffix}"
    )


@login_required
def receipts_to_confirm(request: AuthenticatedHttpRequest) -> HttpResponse:
    items = [
        {"receipt": r, "how": services.may_confirm(request.user, r), "due": services.payer_answer_due(r)}
        for r in selectors.receipts_awaiting_confirmation(request.user).order_by("recorded_at", "pk")[:200]
    ]
    return render(request, "finance/receipts_to_confirm.html", {"items": items})


@login_required
def royalty_report_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    line = _get(ScheduleLine.objects.select_related("plan__contract", "item"), request, Action.CHANGE, pk)
    error = None
    if request.method == "POST":
        with form_refusal() as refused:
            services.royalty_report(actor=request.user, line=line, base_amount=request.POST.get("base_amount", ""))
            messages.success(request, "已报告提成基数")
            return _back(line.plan.contract)
        error = refused[0].detail
    terms = line.item.terms
    return render(
        request,
        "finance/royalty_form.html",
        {
            "line": line,
            "contract": line.plan.contract,
            "base_label": ROYALTY_BASES.get(terms.get("base", ""), ""),
            "rate": terms.get("rate"),
            "error": error,
        },
    )


@login_required
@require_POST
def milestone_confirm_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    line = _get(ScheduleLine.objects.select_related("plan__contract", "item"), request, Action.CHANGE, pk)
    refusals_return_to(request, _contract_url(line.plan.contract))
    line = services.milestone_confirm(actor=request.user, line=line)
    messages.success(request, f"已确认“{line.label}”" + (f"，应于 {line.due_date} 付款" if line.due_date else "，待对方确认"))
    return _back(line.plan.contract)


@login_required
@require_POST
def line_waive_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    line = _get(ScheduleLine.objects.select_related("plan__contract"), request, Action.CHANGE, pk)
    refusals_return_to(request, _contract_url(line.plan.contract))
    services.line_waive(actor=request.user, line=line, reason=request.POST.get("reason", ""))
    messages.success(request, "已豁免")
    return _back(line.plan.contract)


def _plan_items_from_post(post: Any) -> list[dict[str, Any]]:
    """The plan form: each section filled in becomes one item of the combination."""
    items: list[dict[str, Any]] = []
    for kind in ("lump_sum", "deferred"):
        if post.get(f"{kind}_amount") or post.get(f"{kind}_date"):
            items.append({"kind": kind, "terms": {"date": post.get(f"{kind}_date"), "amount": post.get(f"{kind}_amount")}})
    rows = [r.split() for r in post.get("installments", "").splitlines() if r.strip()]
    if rows:
        items.append(
            {
                "kind": "installment",
                "terms": {"installments": [{"date": r[0], "amount": r[-1] if len(r) > 1 else ""} for r in rows]},
            }
        )
    milestones = [r.rsplit(maxsplit=1) for r in post.get("milestones", "").splitlines() if r.strip()]
    if milestones:
        items.append(
            {
                "kind": "milestone",
                "terms": {
                    "milestones": [{"name": m[0], "amount": m[1] if len(m) > 1 else ""} for m in milestones],
                    "payment_days": post.get("milestone_payment_days") or 30,
                },
            }
        )
    if post.get("royalty_rate"):
        terms = {
            k: post.get(f"royalty_{k}")
            for k in ("base", "rate", "start", "periods", "period_months", "report_days", "payment_days")
        }
        for key in ("minimum", "cap"):
            if post.get(f"royalty_{key}"):
                terms[key] = post.get(f"royalty_{key}")
                terms[f"{key}_scope"] = post.get(f"royalty_{key}_scope")
        items.append({"kind": "royalty", "terms": terms})
    return items


@login_required
def plan_create_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    contract = _get(Contract.objects.all(), request, Action.CHANGE, pk)
    error = None
    if request.method == "POST":
        with form_refusal() as refused:
            services.plan_create(
                actor=request.user,
                contract=contract,
                items=_plan_items_from_post(request.POST),
                non_technical_costs=request.POST.get("non_technical_costs") or "0",
                note=request.POST.get("note", ""),
            )
            messages.success(request, "已保存付款计划")
            return _back(contract)
        error = refused[0].detail
    return render(
        request,
        "finance/plan_form.html",
        {
            "contract": contract,
            "error": error,
            # On GET the address may carry a plan to pre-fill (the payment-mode simulator's choice).
            "post": request.POST if request.method == "POST" else request.GET,
            "bases": ROYALTY_BASES,
            "scopes": SCOPES,
        },
    )


DISTRIBUTION_FIELDS = (
    "variant",
    "inventor_pct",
    "unit_pct",
    "fund_pct",
    "taxes",
    "fees",
    "conversion_costs",
    "shared_pct",
)


@login_required
def distribution_create_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Preview first (the floor check is shown before anything is saved), then save."""
    contract = _get(Contract.objects.all(), request, Action.CHANGE, pk)
    if not selectors.is_unit_member(request.user, contract):
        raise PermissionDenied("只有成果单位可以核算收益分配")
    values: dict[str, Any] = {
        "variant": "cash",
        "inventor_pct": "70",
        "unit_pct": "20",
        "fund_pct": "10",
        "taxes": "0",
        "fees": "0",
        "conversion_costs": "0",
    }
    preview = None
    error = None
    if request.method == "POST":
        values = {k: request.POST.get(k, "") for k in DISTRIBUTION_FIELDS}
        terms = {k: v for k, v in values.items() if v != "" or k != "shared_pct"}
        with form_refusal() as refused:
            if request.POST.get("action") == "save":
                distribution = services.distribution_create(
                    actor=request.user, contract=contract, note=request.POST.get("note", ""), **terms
                )
                messages.success(request, f"已核算第{distribution.sequence}批收益分配")
                if distribution.warning:
                    messages.warning(request, distribution.warning)
                return redirect("finance:distribution", pk=distribution.pk)
            preview = services.distribution_preview(contract=contract, **terms)
        error = refused[0].detail if refused else None
    return render(
        request,
        "finance/distribution_form.html",
        {
            "contract": contract,
            "values": values,
            "preview": preview,
            "error": error,
            "variants": DistributionVariant.choices,
            "grant": InventorGrant(services.contract_inventor_grant(contract)).label,
            "floor_binds": floor_applies(mode=contract.mode, grant=services.contract_inventor_grant(contract)),
            "floor_pct": share_pct("inventor_share_floor"),
        },
    )


@login_required
def distribution_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    distribution = _get(Distribution.objects.select_related("contract", "unit"), request, Action.VIEW, pk)
    lines = distribution.lines.select_related("person")
    return render(
        request,
        "finance/distribution_detail.html",
        {
            "distribution": distribution,
            "contract": distribution.contract,
            "lines": lines,
            "can_change": roles.is_member(request.user, distribution.unit),
        },
    )


@login_required
@require_POST
def distribution_pay_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    distribution = _get(Distribution.objects.select_related("contract"), request, Action.CHANGE, pk)
    refusals_return_to(request, reverse("finance:distribution", args=[distribution.pk]))
    services.distribution_pay(actor=request.user, distribution=distribution)
    messages.success(request, "已确认发放")
    return redirect("finance:distribution", pk=distribution.pk)


@login_required
@require_POST
def distribution_cancel_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    distribution = _get(Distribution.objects.select_related("contract"), request, Action.CHANGE, pk)
    refusals_return_to(request, reverse("finance:distribution", args=[distribution.pk]))
    services.distribution_cancel(actor=request.user, distribution=distribution, reason=request.POST.get("reason", ""))
    messages.success(request, "已撤销该批分配，所含到账可重新分配")
    return redirect("finance:distribution", pk=distribution.pk)


@login_required
def registration_xlsx(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    contract = _get(Contract.objects.select_related("licensor", "licensee"), request, Action.VIEW, pk)
    return xlsx_response(f"技术合同认定登记-{contract.number}.xlsx", registration.registration_xlsx(contract))


@login_required
def registration_pdf(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    contract = _get(Contract.objects.select_related("licensor", "licensee"), request, Action.VIEW, pk)
    response = HttpResponse(registration.registration_pdf(contract), content_type="application/pdf")
    response["Content-Disposition"] = content_disposition(f"技术合同认定登记-{contract.number}.pdf")
    return response


@login_required
def my_distributions(request: AuthenticatedHttpRequest) -> HttpResponse:
    lines = restrict(DistributionLine.objects.all(), request.user, Action.VIEW).filter(person__user_id=int(request.user.pk or 0))
    lines = (
        lines.exclude(distribution__status="cancelled")
        .select_related("distribution__contract")
        .order_by("-distribution__created_at")
    )
    return render(request, "finance/my_distributions.html", {"lines": lines})


@login_required
def fund_ledger(request: AuthenticatedHttpRequest) -> HttpResponse:
    entries = (
        restrict(GuidanceFundEntry.objects.all(), request.user, Action.VIEW).select_related("unit").order_by("unit", "-at", "-pk")
    )
    units = sorted({e.unit for e in entries}, key=lambda u: u.pk)
    balances = [(u, selectors.fund_balance(u)) for u in units]
    return render(request, "finance/fund.html", {"entries": entries[:200], "balances": balances})
