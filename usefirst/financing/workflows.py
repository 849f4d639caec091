"""The lifecycles of bank financing (docs/financing.md), declared for the workflow kernel
(usefirst/core/workflow.py).

A loan product version has the shape of a risk product version (risk/workflows.py): draft →
submitted → published, or returned with reasons; a published version is withdrawn by its bank, or
superseded when the provincial department publishes the next one. Its event types are risk's.

An application: applied → approved (amount, rate, term) or declined (reasons), or info_requested
and applied again; the applicant may withdraw it while it is open; an approved loan is settled by
the bank when repaid (its pledge is released in the same transaction). A pledge: registered →
released.
"""

from __future__ import annotations

from django.db import models

from usefirst.core import workflow
from usefirst.core.actors import Visitor
from usefirst.risk.products_lifecycle import product_workflow

from .choices import ApplicationStatus, PledgeStatus
from .models import LoanApplication, LoanApplicationEvent, LoanProduct, LoanProductEvent, Pledge, PledgeEvent

# The product lifecycle is risk's, declared by its builder (risk/products_lifecycle.py); submitting
# checks the rule in financing/services.py.
LOAN_PRODUCT = product_workflow(name="financing.product", model=LoanProduct, event_model=LoanProductEvent, noun="融资产品")


class ApplicationEventType(models.TextChoices):
    APPLY = "apply", "提交融资申请"
    REQUEST_INFO = "request_info", "要求补充材料"
    RESUBMIT = "resubmit", "补充材料后重新提交"
    APPROVE = "approve", "批准贷款"
    DECLINE = "decline", "不予批准"
    WITHDRAW = "withdraw", "撤回申请"
    SETTLE = "settle", "贷款结清"


def _applicant(actor: Visitor, application: LoanApplication) -> bool:
    from .policies import is_applicant

    return is_applicant(actor, application)


def _lender(actor: Visitor, application: LoanApplication) -> bool:
    from .policies import is_lender

    return is_lender(actor, application)


NOT_APPLICANT = ("financing_not_applicant", "只有申请人的成员可以办理")
NOT_LENDER = ("financing_not_lender", "只有受理该申请的银行可以办理")

A = ApplicationStatus

APPLICATION = workflow.register(
    workflow.Workflow(
        name="financing.application",
        model=LoanApplication,
        states=ApplicationStatus,
        event_model=LoanApplicationEvent,
        event_types=ApplicationEventType,
        noun="融资申请",
        groups=(
            workflow.StateGroup("open", "审批中", frozenset({A.APPLIED, A.INFO_REQUESTED})),
            workflow.StateGroup("lent", "贷款存续", frozenset({A.APPROVED})),
            workflow.StateGroup("ended", "已结束", frozenset({A.DECLINED, A.WITHDRAWN, A.SETTLED})),
        ),
        transitions=(
            workflow.Transition(
                "request_info", A.APPLIED, A.INFO_REQUESTED, "要求补充材料", permission=_lender, forbidden=NOT_LENDER
            ),
            workflow.Transition(
                "resubmit", A.INFO_REQUESTED, A.APPLIED, "重新提交", permission=_applicant, forbidden=NOT_APPLICANT
            ),
            workflow.Transition("approve", A.APPLIED, A.APPROVED, "批准", permission=_lender, forbidden=NOT_LENDER),
            workflow.Transition(
                "decline", {A.APPLIED, A.INFO_REQUESTED}, A.DECLINED, "不予批准", permission=_lender, forbidden=NOT_LENDER
            ),
            workflow.Transition(
                "withdraw", {A.APPLIED, A.INFO_REQUESTED}, A.WITHDRAWN, "撤回", permission=_applicant, forbidden=NOT_APPLICANT
            ),
            workflow.Transition("settle", A.APPROVED, A.SETTLED, "登记结清", permission=_lender, forbidden=NOT_LENDER),
        ),
    )
)


class PledgeEventType(models.TextChoices):
    REGISTER = "register", "登记质押"
    RELEASE = "release", "解除质押"


def _pledgee(actor: Visitor, pledge: Pledge) -> bool:
    from .policies import is_bank_member

    return is_bank_member(actor, pledge.bank_id)


P = PledgeStatus

PLEDGE = workflow.register(
    workflow.Workflow(
        name="financing.pledge",
        model=Pledge,
        states=PledgeStatus,
        event_model=PledgeEvent,
        event_types=PledgeEventType,
        noun="质押",
        transitions=(
            workflow.Transition(
                "release", P.REGISTERED, P.RELEASED, "解除质押", permission=_pledgee, forbidden=NOT_LENDER, by_system=True
            ),
        ),
    )
)
