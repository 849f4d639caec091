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

from typing import Any

from django.db import models

from usefirst.core import workflow
from usefirst.core.permissions import Action

from .models import (
    Distribution,
    DistributionStatus,
    FinanceEvent,
    ReceiptStatus,
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


def _latest_live(distribution: Distribution, actor: Any) -> bool:
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
