"""The simulator page: the form, and once it is valid the comparison tables (thin view)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from usefirst.core.actors import AuthenticatedHttpRequest
from usefirst.core.dates import today
from usefirst.core.refusals import form_refusal

from . import compute, selectors
from .forms import SimulatorForm


def _defaults(contract: Any) -> dict[str, str]:
    initial = {"term_years": "5", "discount_rate": "6", "growth": "0", "default_probability": "10", "premium_rate": "2"}
    if contract is not None and contract.price:
        initial["price"] = str(contract.price)
    return initial


@login_required
@require_GET
def simulator_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    """GET only: the simulation changes nothing, so its inputs travel in the address (a result can
    be bookmarked or sent to the other side)."""
    contract_id = request.GET.get("contract", "")
    contract = selectors.contract_for(request.user, int(contract_id)) if contract_id.isdigit() else None
    target = selectors.next_stage(contract) if contract is not None else None
    submitted = "price" in request.GET
    form = SimulatorForm(request.GET if submitted else None, initial=_defaults(contract))
    result = None
    status = 200
    floor = selectors.inventor_floor()
    if submitted and form.is_valid():
        with form_refusal(form) as refused:
            deal = compute.parse_deal(form.cleaned_data, inventor_floor=floor, today=today())
            result = compute.simulate(deal)
        status = 400 if refused else 200
    prefill: list[tuple[str, str, str]] = []
    if result is not None:
        for mode, label in compute.MODES.items():
            query = urlencode(compute.plan_fields(result.deal, mode))
            url = reverse("finance:plan_create", args=[target.pk]) + "?" + query if target is not None else ""
            prefill.append((mode, label, url))
    return render(
        request,
        "simulator/page.html",
        {
            "form": form,
            "result": result,
            "tables": _tables(result) if result is not None else None,
            "floor": floor,
            "contract": contract,
            "target": target,
            "may_prefill": target is not None and selectors.may_prefill(request.user, target),
            "prefill": prefill,
        },
        status=status,
    )


def _tables(result: compute.Result) -> dict[str, Any]:
    """Rows for the templates: the summary (mode × scenario), and per scenario the cash out per year."""
    summary = [result.of(mode, scenario) for mode in compute.MODES for scenario in compute.SCENARIOS]
    yearly = []
    for scenario, label in compute.SCENARIOS.items():
        rows = []
        for year in result.years:
            revenue = result.revenues[scenario][year - 1] if year else None
            rows.append((year, revenue, [result.of(mode, scenario).flows[year] for mode in compute.MODES]))
        totals = [result.of(mode, scenario).total for mode in compute.MODES]
        yearly.append({"label": label, "rows": rows, "totals": totals})
    return {"summary": summary, "yearly": yearly, "modes": list(compute.MODES.values())}
