"""Finance endpoints of the open API: a contract's schedule and amounts received, receipts
(with idempotency keys) and reversals, milestone confirmation, royalty reports, payment
plans, distributions (with a preview that shows the floor check) and an inventor's own lines.

Amounts are sent as strings ("1234.50"): they are exact decimals with at most two places;
over-precise amounts are refused, never rounded. Errors are application/problem+json.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.security import django_auth

from usefirst.api.auth import TokenAuth
from usefirst.api.fields import ExactNumber, RequiredReasonIn
from usefirst.catalog.choices import Mode
from usefirst.contracts.models import Contract
from usefirst.core import display
from usefirst.core.actors import AuthenticatedHttpRequest
from usefirst.core.permissions import Action, get_for_user, restrict

from . import selectors, services
from .models import Distribution, DistributionLine, Receipt, ScheduleLine

router = Router(tags=["付款与收益分配"])
AUTH = [TokenAuth(), django_auth]


def _contract(request: AuthenticatedHttpRequest, pk: int, action: Action = Action.VIEW) -> Contract:
    return get_for_user(Contract.objects.select_related("licensor", "licensee"), request.user, action, pk=pk)


# ---------------------------------------------------------------- schemas


class ReceiptIn(Schema):
    received_on: dt.date
    amount: ExactNumber
    payer: str
    voucher_number: str
    idempotency_key: str


class ReversalIn(Schema):
    reason: str
    idempotency_key: str
    amount: ExactNumber | None = None
    received_on: dt.date | None = None


class ReceiptOut(Schema):
    id: int
    contract_id: int
    received_on: dt.date
    amount: Decimal
    payer: str
    voucher_number: str
    idempotency_key: str
    reverses_id: int | None
    confirmed: bool
    recorded_at: dt.datetime
    state: str
    confirmed_as: str
    disputed: bool
    dispute_reason: str
    has_slip: bool
    payer_organisation_id: int | None


class ScheduleRowOut(Schema):
    id: int
    label: str
    kind: str
    amount: Decimal | None
    stated_date: dt.date | None
    due_date: dt.date | None
    state: str
    state_label: str
    covered: Decimal
    outstanding: Decimal
    report_due: dt.date | None
    report_late: bool


class AchievementReceivedOut(Schema):
    achievement_id: int
    title: str
    price_share: Decimal
    received: Decimal


class FinanceOut(Schema):
    contract_id: int
    received: Decimal
    achievements: list[AchievementReceivedOut]
    first_cooperation_contract_id: int | None
    first_cooperation_received: Decimal | None
    schedule: list[ScheduleRowOut]


class PlanItemIn(Schema):
    kind: str
    terms: dict[str, Any]


class PlanIn(Schema):
    items: list[PlanItemIn]
    non_technical_costs: str = "0"
    note: str = ""


class RoyaltyReportIn(Schema):
    base_amount: ExactNumber


class DistributionIn(Schema):
    variant: str = "cash"
    # The grant to the inventors is a term of the contract; when sent it must match it.
    grant: str | None = None
    inventor_pct: ExactNumber
    unit_pct: ExactNumber
    fund_pct: ExactNumber = "0"
    taxes: ExactNumber = "0"
    fees: ExactNumber = "0"
    conversion_costs: ExactNumber = "0"
    shared_pct: str | None = None


class DistributionCreateIn(DistributionIn):
    note: str = ""


class ReceiptAndDistributionIn(Schema):
    receipt: ReceiptIn
    distribution: DistributionCreateIn


class InventorPartOut(Schema):
    person_id: int
    name: str
    weight: Decimal
    amount: Decimal | None
    percent: Decimal | None


class FloorOut(Schema):
    applies: bool
    floor: Decimal
    statutory: Decimal
    ok: bool
    warning: str
    refusal: str


class PreviewOut(Schema):
    variant: str
    received: Decimal
    adjustment: Decimal
    carried_in: Decimal
    costs: Decimal
    net_income: Decimal
    carry_forward: Decimal
    inventors_total: Decimal
    unit_amount: Decimal
    fund_amount: Decimal
    shared_pct: Decimal | None
    floor: FloorOut
    inventors: list[InventorPartOut]


class LineOut(Schema):
    recipient: str
    person_id: int | None
    amount: Decimal | None
    percent: Decimal | None


class DistributionOut(Schema):
    id: int
    contract_id: int
    sequence: int
    status: str
    status_display: str
    variant: str
    grant: str
    received: Decimal
    adjustment: Decimal
    carried_in: Decimal
    net_income: Decimal
    carry_forward: Decimal
    inventor_pct: Decimal
    unit_pct: Decimal
    fund_pct: Decimal
    inventors_total: Decimal
    unit_amount: Decimal
    fund_amount: Decimal
    shared_pct: Decimal | None
    warning: str
    lines: list[LineOut]


class MyLineOut(Schema):
    distribution_id: int
    contract_id: int
    contract_title: str
    status: str
    status_display: str
    amount: Decimal | None
    percent: Decimal | None
    created_at: dt.datetime


class ReceiptAndDistributionOut(Schema):
    receipt: ReceiptOut
    distribution: DistributionOut


# ---------------------------------------------------------------- helpers


def _receipt_out(r: Receipt) -> dict[str, Any]:
    return {
        "id": r.pk,
        "contract_id": r.contract_id,
        "received_on": r.received_on,
        "amount": r.amount,
        "payer": r.payer,
        "voucher_number": r.voucher_number,
        "idempotency_key": r.idempotency_key,
        "reverses_id": r.reverses_id,
        "confirmed": r.confirmed_at is not None,
        "recorded_at": r.recorded_at,
        "state": r.state_label,
        "confirmed_as": r.confirmed_as,
        "disputed": r.disputed_at is not None,
        "dispute_reason": r.dispute_reason,
        "has_slip": bool(r.slip),
        "payer_organisation_id": r.payer_organisation_id,
    }


def _distribution_out(d: Distribution) -> dict[str, Any]:
    fields = [
        "sequence",
        "status",
        "variant",
        "grant",
        "received",
        "adjustment",
        "carried_in",
        "net_income",
        "carry_forward",
        "inventor_pct",
        "unit_pct",
        "fund_pct",
        "inventors_total",
        "unit_amount",
        "fund_amount",
        "shared_pct",
        "warning",
    ]
    return {
        "id": d.pk,
        "contract_id": d.contract_id,
        **{f: getattr(d, f) for f in fields},
        "status_display": display.field_label(d, "status"),
        "lines": [
            {"recipient": x.recipient, "person_id": x.person_id, "amount": x.amount, "percent": x.percent} for x in d.lines.all()
        ],
    }


# ---------------------------------------------------------------- endpoints


@router.get("/contracts/{pk}/finance", response=FinanceOut, auth=AUTH, summary="合同的付款计划、实际到账与按成果分摊")
def contract_finance(request: AuthenticatedHttpRequest, pk: int) -> dict[str, Any]:
    contract = _contract(request, pk)
    first = selectors.first_cooperation_contract(contract) if contract.mode == Mode.COOPERATE_LATER else None
    return {
        "contract_id": contract.pk,
        "received": selectors.received_for_contract(contract),
        "achievements": [
            {
                "achievement_id": link.achievement_id,
                "title": link.achievement.title,
                "price_share": link.price_share,
                "received": selectors.received_for_achievement(link.achievement_id, contract_ids=[contract.pk]),
            }
            for link in contract.achievements.select_related("achievement").order_by("position", "pk")
        ],
        "first_cooperation_contract_id": first.pk if first else None,
        "first_cooperation_received": selectors.received_for_first_cooperation(contract) if first else None,
        "schedule": [
            {
                "id": row.line.pk,
                "label": row.line.label,
                "kind": row.line.item.kind,
                "amount": row.line.amount,
                "stated_date": row.line.stated_date,
                "due_date": row.line.due_date,
                "state": row.state,
                "state_label": row.state_label,
                "covered": row.covered,
                "outstanding": row.outstanding,
                "report_due": row.line.report_due,
                "report_late": row.report_late,
            }
            for row in selectors.schedule(contract)
        ],
    }


@router.post(
    "/contracts/{pk}/payment-plan", response={201: dict[str, int]}, auth=AUTH, summary="登记付款计划（可组合多种付款方式）"
)
def plan_create(request: AuthenticatedHttpRequest, pk: int, payload: PlanIn) -> Status[dict[str, Any]]:
    contract = _contract(request, pk, Action.CHANGE)
    plan = services.plan_create(
        actor=request.user,
        contract=contract,
        items=[i.dict() for i in payload.items],
        non_technical_costs=payload.non_technical_costs,
        note=payload.note,
    )
    return Status(201, {"id": plan.pk})


@router.get("/contracts/{pk}/receipts", response=list[ReceiptOut], auth=AUTH, summary="到账记录（含冲销）")
def receipt_list(request: AuthenticatedHttpRequest, pk: int) -> list[dict[str, Any]]:
    contract = _contract(request, pk)
    rows = restrict(Receipt.objects.all(), request.user, Action.VIEW).filter(contract=contract).order_by("received_on", "pk")
    return [_receipt_out(r) for r in rows]


@router.post(
    "/contracts/{pk}/receipts",
    response={200: ReceiptOut, 201: ReceiptOut},
    auth=AUTH,
    summary="登记到账（幂等：同一幂等键重复提交返回原记录）",
)
def receipt_create(request: AuthenticatedHttpRequest, pk: int, payload: ReceiptIn) -> Status[dict[str, Any]]:
    contract = _contract(request, pk, Action.CHANGE)
    receipt, created = services.receipt_record(actor=request.user, contract=contract, **payload.dict())
    return Status(201 if created else 200, _receipt_out(receipt))


@router.post(
    "/contracts/{pk}/receipts-with-slip",
    response={200: ReceiptOut, 201: ReceiptOut},
    auth=AUTH,
    summary="登记到账并上传银行回单（multipart：表单字段同登记到账，文件字段 slip；达到 receipt_slip_threshold 时必须上传）",
    description="与页面登记到账同一服务、同一事务：回单缺失或无效时返回 problem+json（receipt_slip_required / "
    "receipt_slip_invalid），到账与回单均不保存。幂等：同一幂等键重复提交返回原记录。",
)
def receipt_create_with_slip(
    request: AuthenticatedHttpRequest, pk: int, payload: Form[ReceiptIn], slip: File[UploadedFile | None] = None
) -> Status[dict[str, Any]]:
    contract = _contract(request, pk, Action.CHANGE)
    receipt, created = services.receipt_record(actor=request.user, contract=contract, slip=slip, **payload.dict())
    return Status(201 if created else 200, _receipt_out(receipt))


@router.post(
    "/contracts/{pk}/receipts-with-distribution",
    response={201: ReceiptAndDistributionOut},
    auth=AUTH,
    summary="登记到账并同时核算收益分配（同一事务）",
)
def receipt_and_distribution(
    request: AuthenticatedHttpRequest, pk: int, payload: ReceiptAndDistributionIn
) -> Status[dict[str, Any]]:
    contract = _contract(request, pk, Action.CHANGE)
    receipt, distribution = services.receipt_record_and_distribute(
        actor=request.user,
        contract=contract,
        receipt=payload.receipt.dict(),
        distribution={k: v for k, v in payload.distribution.dict().items() if v is not None},
    )
    return Status(201, {"receipt": _receipt_out(receipt), "distribution": _distribution_out(distribution)})


@router.post(
    "/receipts/{pk}/reverse", response={200: ReceiptOut, 201: ReceiptOut}, auth=AUTH, summary="冲销到账（负数记录，关联原记录）"
)
def receipt_reverse(request: AuthenticatedHttpRequest, pk: int, payload: ReversalIn) -> Status[dict[str, Any]]:
    original = get_for_user(Receipt.objects.select_related("contract"), request.user, Action.CHANGE, pk=pk)
    reversal, created = services.receipt_reverse(actor=request.user, original=original, **payload.dict())
    return Status(201 if created else 200, _receipt_out(reversal))


@router.post(
    "/receipts/{pk}/confirm",
    response=ReceiptOut,
    auth=AUTH,
    summary="确认到账：付款单位确认许可方登记的到账（逾期未答复的由审核部门核实）；成果单位确认成果完成人登记的到账",
)
def receipt_confirm(request: AuthenticatedHttpRequest, pk: int) -> dict[str, Any]:
    receipt = get_for_user(Receipt.objects.select_related("contract"), request.user, Action.VIEW, pk=pk)
    return _receipt_out(services.receipt_confirm(actor=request.user, receipt=receipt))


class DisputeIn(Schema):
    reason: str


@router.post(
    "/receipts/{pk}/dispute", response=ReceiptOut, auth=AUTH, summary="付款单位对到账提出异议（有异议的到账不计入实际到账）"
)
def receipt_dispute(request: AuthenticatedHttpRequest, pk: int, payload: DisputeIn) -> dict[str, Any]:
    receipt = get_for_user(Receipt.objects.select_related("contract"), request.user, Action.VIEW, pk=pk)
    return _receipt_out(services.receipt_dispute(actor=request.user, receipt=receipt, reason=payload.reason))


@router.get("/receipts/to-confirm", response=list[ReceiptOut], auth=AUTH, summary="本机构待确认（或待核实）的到账")
def receipts_to_confirm(request: AuthenticatedHttpRequest) -> list[dict[str, Any]]:
    rows = selectors.receipts_awaiting_confirmation(request.user).order_by("recorded_at", "pk")[:200]
    return [_receipt_out(r) for r in rows]


def _line(request: AuthenticatedHttpRequest, pk: int) -> ScheduleLine:
    return get_for_user(ScheduleLine.objects.select_related("plan__contract", "item"), request.user, Action.CHANGE, pk=pk)


@router.post(
    "/schedule-lines/{pk}/confirm-milestone", response=dict[str, Any], auth=AUTH, summary="确认里程碑已达成（双方各自确认）"
)
def milestone_confirm(request: AuthenticatedHttpRequest, pk: int) -> dict[str, Any]:
    line = services.milestone_confirm(actor=request.user, line=_line(request, pk))
    return {
        "id": line.pk,
        "due_date": line.due_date,
        "licensor_confirmed": line.licensor_confirmed_at is not None,
        "licensee_confirmed": line.licensee_confirmed_at is not None,
    }


@router.post("/schedule-lines/{pk}/royalty-report", response={201: dict[str, Any]}, auth=AUTH, summary="企业报告提成期的提成基数")
def royalty_report(request: AuthenticatedHttpRequest, pk: int, payload: RoyaltyReportIn) -> Status[dict[str, Any]]:
    report = services.royalty_report(actor=request.user, line=_line(request, pk), base_amount=payload.base_amount)
    line = ScheduleLine.objects.get(pk=report.line_id)
    return Status(201, {"id": report.pk, "is_late": report.is_late, "amount_due": line.amount, "due_date": line.due_date})


@router.post("/schedule-lines/{pk}/waive", response=dict[str, Any], auth=AUTH, summary="豁免一项应付款（许可方单位）")
def line_waive(request: AuthenticatedHttpRequest, pk: int, payload: RequiredReasonIn) -> dict[str, Any]:
    line = services.line_waive(actor=request.user, line=_line(request, pk), reason=payload.reason)
    return {"id": line.pk, "waived": True}


@router.post(
    "/contracts/{pk}/distributions/preview", response=PreviewOut, auth=AUTH, summary="试算收益分配（显示比例下限检查，不保存）"
)
def distribution_preview(request: AuthenticatedHttpRequest, pk: int, payload: DistributionIn) -> dict[str, Any]:
    contract = _contract(request, pk, Action.CHANGE)
    plan = services.distribution_preview(contract=contract, **{k: v for k, v in payload.dict().items() if v is not None})
    return {
        **{k: getattr(plan, k) for k in PreviewOut.model_fields if k not in ("floor", "inventors")},
        "floor": plan.floor.__dict__,
        "inventors": [
            {"person_id": p.person.pk, "name": p.person.full_name, "weight": p.weight, "amount": p.amount, "percent": p.percent}
            for p in plan.inventors
        ],
    }


@router.get("/contracts/{pk}/distributions", response=list[DistributionOut], auth=AUTH, summary="收益分配记录")
def distribution_list(request: AuthenticatedHttpRequest, pk: int) -> list[dict[str, Any]]:
    contract = _contract(request, pk)
    rows = restrict(Distribution.objects.all(), request.user, Action.VIEW).filter(contract=contract).prefetch_related("lines")
    return [_distribution_out(d) for d in rows]


@router.post(
    "/contracts/{pk}/distributions",
    response={201: DistributionOut},
    auth=AUTH,
    summary="核算并保存收益分配（低于比例下限将被拒绝）",
)
def distribution_create(request: AuthenticatedHttpRequest, pk: int, payload: DistributionCreateIn) -> Status[dict[str, Any]]:
    contract = _contract(request, pk, Action.CHANGE)
    distribution = services.distribution_create(
        actor=request.user, contract=contract, **{k: v for k, v in payload.dict().items() if v is not None}
    )
    return Status(201, _distribution_out(distribution))


def _distribution(request: AuthenticatedHttpRequest, pk: int, action: Action) -> Distribution:
    return get_for_user(Distribution.objects.select_related("contract"), request.user, action, pk=pk)


@router.post("/distributions/{pk}/pay", response=DistributionOut, auth=AUTH, summary="确认收益分配已发放")
def distribution_pay(request: AuthenticatedHttpRequest, pk: int) -> dict[str, Any]:
    return _distribution_out(
        services.distribution_pay(actor=request.user, distribution=_distribution(request, pk, Action.CHANGE))
    )


@router.post("/distributions/{pk}/cancel", response=DistributionOut, auth=AUTH, summary="撤销尚未发放的收益分配")
def distribution_cancel(request: AuthenticatedHttpRequest, pk: int, payload: RequiredReasonIn) -> dict[str, Any]:
    with transaction.atomic():
        d = services.distribution_cancel(
            actor=request.user, distribution=_distribution(request, pk, Action.CHANGE), reason=payload.reason
        )
    return _distribution_out(d)


@router.get("/me/distributions", response=list[MyLineOut], auth=AUTH, summary="我（成果完成人）的收益分配")
def my_distributions(request: AuthenticatedHttpRequest) -> list[dict[str, Any]]:
    lines = restrict(DistributionLine.objects.all(), request.user, Action.VIEW).filter(person__user=request.user)
    lines = lines.exclude(distribution__status="cancelled").select_related("distribution__contract")
    return [
        {
            "distribution_id": x.distribution_id,
            "contract_id": x.distribution.contract_id,
            "contract_title": x.distribution.contract.title,
            "status": x.distribution.status,
            "status_display": display.field_label(x.distribution, "status"),
            "amount": x.amount,
            "percent": x.percent,
            "created_at": x.distribution.created_at,
        }
        for x in lines
    ]
