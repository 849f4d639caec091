"""The lifecycles of the finance app (docs/domain.md, "Actually received" and "Distribution"),
declared for the workflow kernel (usefirst/core/workflow.py).

Receipt: recorded as pending → confirmed by the paying organisation (or, past its answer period,
by the unit's reviewing department; or by the unit for an inventor-licensor's entry), or disputed
by the payer. A receipt the unit confirms itself, and every reversal, is born confirmed; a
reversal is an event of the receipt it corrects.
Distribution: computed → paid out, or cancelled (only the latest live one).
Schedule line: open → waived by the licensor unit; milestone confirmations and royalty reports are
events of the line, and a payment plan's creation is recorded on its first line.

Finance's event rows (`FinanceEvent`) hang off the contract: every workflow here names the
contract as the subject and puts the item's id in the payload (`receipt`, `distribution`, `line`).
"""

from __future__ import annotations

from django.db import models

from usefirst.core import workflow
from usefirst.core.actors import Visitor
from usefirst.core.permissions import Action

from . import selectors
from .models import (
    ConfirmedAs,
    Distribution,
    DistributionStatus,
    FinanceEvent,
    Receipt,
    ReceiptStatus,
    ScheduleLine,
    ScheduleLineStatus,
)

D = DistributionStatus
R = ReceiptStatus
L = ScheduleLineStatus


class FinanceEventType(models.TextChoices):
    """Everything finance records on a contract, transitions and other events alike."""

    PLAN_CREATE = "plan_create", "登记付款计划"
    MILESTONE_CONFIRM = "milestone_confirm", "确认里程碑达成"
    ROYALTY_REPORT = "royalty_report", "报告提成基数"
    LINE_WAIVE = "line_waive", "豁免付款"
    RECEIPT_RECORD = "receipt_record", "登记到账"
    RECEIPT_CONFIRM = "receipt_confirm", "确认到账"
    RECEIPT_DISPUTE = "receipt_dispute", "对到账提出异议"
    RECEIPT_REVERSE = "receipt_reverse", "冲销到账"
    DISTRIBUTION_CREATE = "distribution_create", "核算收益分配"
    DISTRIBUTION_PAY = "distribution_pay", "确认发放"
    DISTRIBUTION_CANCEL = "distribution_cancel", "撤销分配"


# ---------------------------------------------------------------- distributions


def _latest_live(distribution: Distribution, actor: Visitor | None) -> bool:
    """Only the latest live distribution may be cancelled: a later one took its carry-forward."""
    later = Distribution.objects.filter(contract_id=distribution.contract_id, sequence__gt=distribution.sequence)
    return not later.exclude(status=D.CANCELLED).exists()


LATEST_LIVE = workflow.Guard("latest_live", "illegal_transition", "只能撤销最近一批分配", _latest_live)


def _distribution_refusal(distribution: Distribution, step: workflow.Transition) -> str:
    if step.name == FinanceEventType.DISTRIBUTION_CANCEL:
        return "已发放的分配不能撤销；如有差错，请冲销到账，差额将结转到下次分配"
    return f"{distribution.get_status_display()}的分配不能再发放"


DISTRIBUTION = workflow.register(
    workflow.Workflow(
        name="finance.distribution",
        model=Distribution,
        states=DistributionStatus,
        event_model=FinanceEvent,
        event_types=FinanceEventType,
        noun="收益分配",
        groups=(
            workflow.StateGroup("open", "待发放", frozenset({D.COMPUTED})),
            workflow.StateGroup("ended", "已结束", frozenset({D.PAID, D.CANCELLED})),
        ),
        refusal=_distribution_refusal,
        subject_of=lambda distribution: distribution.contract,
        payload_of=lambda distribution: {"distribution": distribution.pk},
        transitions=(
            workflow.Transition(
                "distribution_pay",
                D.COMPUTED,
                D.PAID,
                "发放",
                permission=Action.CHANGE,
                forbidden=("forbidden", "只有成果单位可以确认发放"),
            ),
            workflow.Transition(
                "distribution_cancel",
                D.COMPUTED,
                D.CANCELLED,
                "撤销",
                permission=Action.CHANGE,
                forbidden=("forbidden", "只有成果单位可以撤销分配"),
                guards=(LATEST_LIVE,),
            ),
        ),
    )
)


# ---------------------------------------------------------------- receipts


def _may_confirm(actor: Visitor, receipt: Receipt) -> bool:
    """The payer, the department past the payer's answer period, or the unit under the
    simplified procedure (services.may_confirm, docs/domain.md, "Actually received")."""
    from .services import may_confirm

    return bool(may_confirm(actor, receipt))


def _is_payer(actor: Visitor, receipt: Receipt) -> bool:
    from .services import may_confirm

    return may_confirm(actor, receipt) == ConfirmedAs.PAYER


def _receipt_refusal(receipt: Receipt, step: workflow.Transition) -> str:
    if step.name == FinanceEventType.RECEIPT_DISPUTE:
        return "该到账已确认或已有异议"
    if receipt.status == R.DISPUTED:
        return "付款方已对该到账提出异议，不能确认；请许可方核实后冲正或重新登记"
    return "该到账已确认"


RECEIPT = workflow.register(
    workflow.Workflow(
        name="finance.receipt",
        model=Receipt,
        states=ReceiptStatus,
        event_model=FinanceEvent,
        event_types=FinanceEventType,
        noun="到账",
        groups=(
            workflow.StateGroup("open", "待确认", frozenset({R.PENDING})),
            workflow.StateGroup("counted", "计入实际到账", frozenset({R.CONFIRMED})),
            workflow.StateGroup("ended", "不计入", frozenset({R.DISPUTED})),
        ),
        refusal=_receipt_refusal,
        subject_of=lambda receipt: receipt.contract,
        payload_of=lambda receipt: {"receipt": receipt.pk},
        transitions=(
            workflow.Transition(
                "receipt_confirm",
                R.PENDING,
                R.CONFIRMED,
                "确认",
                permission=_may_confirm,
                forbidden=("receipt_not_payer", "只有付款单位可以确认该到账；付款方逾期未答复的，由审核部门核实"),
            ),
            workflow.Transition(
                "receipt_dispute",
                R.PENDING,
                R.DISPUTED,
                "提出异议",
                permission=_is_payer,
                forbidden=("receipt_not_payer", "只有付款单位可以对到账提出异议"),
            ),
        ),
    )
)


# ---------------------------------------------------------------- schedule lines


def _licensor_unit(actor: Visitor, line: ScheduleLine) -> bool:
    return selectors.is_unit_member(actor, line.plan.contract)


LINE = workflow.register(
    workflow.Workflow(
        name="finance.schedule_line",
        model=ScheduleLine,
        states=ScheduleLineStatus,
        event_model=FinanceEvent,
        event_types=FinanceEventType,
        noun="付款事项",
        groups=(
            workflow.StateGroup("open", "待履行", frozenset({L.OPEN})),
            workflow.StateGroup("ended", "已豁免", frozenset({L.WAIVED})),
        ),
        refusal=lambda line, step: "该事项已豁免",
        subject_of=lambda line: line.plan.contract,
        payload_of=lambda line: {"line": line.pk},
        transitions=(
            workflow.Transition(
                "line_waive",
                L.OPEN,
                L.WAIVED,
                "豁免",
                permission=_licensor_unit,
                forbidden=("forbidden", "只有许可方单位可以豁免付款"),
            ),
        ),
    )
)
