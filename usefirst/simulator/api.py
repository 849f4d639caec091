"""The simulator endpoint: the same rule (`compute.parse_deal`) and arithmetic as the page.
Amounts travel as strings of exact decimals; a float is refused (problem+json
`simulator_invalid`)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.urls import reverse
from ninja import Router, Schema
from ninja.security import django_auth

from usefirst.api.auth import TokenAuth
from usefirst.core.actors import AuthenticatedHttpRequest
from usefirst.core.dates import today

from . import compute, selectors

router = Router(tags=["付款方式模拟"])
AUTH = [TokenAuth(), django_auth]


class MilestoneIn(Schema):
    name: str
    year: int
    amount: str


class SimulationIn(Schema):
    price: str
    term_years: int
    discount_rate: str
    revenue_low: str
    revenue_expected: str
    revenue_high: str
    growth: str = "0"
    royalty_rate: str = "0"
    entry_fee: str = "0"
    entry_royalty_rate: str = "0"
    deferred_years: int | None = None
    milestones: list[MilestoneIn] = []
    default_probability: str = "0"
    premium_rate: str = "0"
    start: dt.date | None = None
    contract_id: int | None = None


class OutcomeOut(Schema):
    mode: str
    mode_display: str
    scenario: str
    scenario_display: str
    flows: list[Decimal]
    total: Decimal
    pv: Decimal
    inventors: list[Decimal]
    inventors_total: Decimal
    inventors_pv: Decimal
    unit_total: Decimal
    unit_pv: Decimal
    at_risk: Decimal
    at_risk_pv: Decimal
    expected_loss: Decimal
    premium: Decimal


class PlanPrefillOut(Schema):
    mode: str
    mode_display: str
    fields: dict[str, str]
    url: str | None


class SimulationOut(Schema):
    inventor_floor_pct: Decimal
    discount_rate_pct: Decimal
    revenues: dict[str, list[Decimal]]
    outcomes: list[OutcomeOut]
    plan_prefill: list[PlanPrefillOut]
    risk_method: str


RISK_METHOD = (
    "简化估算：未投保预期损失 = 签约后应付款项现值 × 违约概率；投保保费 = 签约后应付款项合计 × 费率，"
    "损失由保险承担（不计免赔额）。不是保险产品的报价。"
)


@router.post("/simulator", response=SimulationOut, auth=AUTH, summary="比较各种付款方式（不保存）")
def simulate(request: AuthenticatedHttpRequest, payload: SimulationIn) -> dict[str, Any]:
    data: dict[str, Any] = payload.dict(exclude={"milestones", "contract_id"})
    data["start"] = payload.start.isoformat() if payload.start else ""
    data["milestones"] = "\n".join(f"{m.name} {m.year} {m.amount}" for m in payload.milestones)
    if payload.deferred_years is None:
        data.pop("deferred_years")
    deal = compute.parse_deal(data, inventor_floor=selectors.inventor_floor(), today=today())
    target = None
    if payload.contract_id is not None:
        target = selectors.next_stage(selectors.contract_for(request.user, payload.contract_id))
    result = compute.simulate(deal)
    prefill = []
    for mode, label in compute.MODES.items():
        fields = compute.plan_fields(deal, mode)
        url = reverse("finance:plan_create", args=[target.pk]) + "?" + urlencode(fields) if target is not None else None
        prefill.append({"mode": mode, "mode_display": label, "fields": fields, "url": url})
    return {
        "inventor_floor_pct": deal.inventor_floor,
        "discount_rate_pct": deal.discount_rate,
        "revenues": result.revenues,
        "outcomes": [
            {
                **{k: getattr(o, k) for k in OutcomeOut.model_fields if not k.endswith("_display")},
                "mode_display": o.mode_label,
                "scenario_display": o.scenario_label,
            }
            for o in result.outcomes
        ],
        "plan_prefill": prefill,
        "risk_method": RISK_METHOD,
    }
