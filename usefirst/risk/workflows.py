"""The lifecycle of a risk product version (docs/domain.md, rule 8), declared for the workflow
kernel (usefirst/core/workflow.py).

draft → submitted → published, or returned with reasons (and submitted again); a submission may be
pulled back to draft; a published version is withdrawn by its provider, or superseded when the
provincial department publishes the product's next version (products_lifecycle.ProductLifecycle.approve
does both in one transaction). Nothing issued under a version ever changes with it.
"""

from __future__ import annotations

from django.db import models

from usefirst.core import workflow
from usefirst.core.actors import Visitor
from usefirst.core.errors import DomainError

from .choices import ClaimStatus, PolicyStatus
from .models import Claim, ClaimEvent, Policy, PolicyEvent, Product, ProductEvent
from .products_lifecycle import ProductEventType as ProductEventType  # financing and the services name it here
from .products_lifecycle import product_workflow


def _still_consistent(product: Product, actor: Visitor | None) -> bool:
    """A draft is checked again when it is submitted: its rules must still hold together."""
    from .rules import check_product

    check_product(product)
    return True


CONSISTENT = workflow.Guard(
    "consistent",
    "product_rule_inconsistent",
    "产品规则前后矛盾，请修改后再提交",
    _still_consistent,
    error=DomainError,
    in_allowed=False,
)

# The product lifecycle is shared with financing's loan products (risk/products_lifecycle.py).
PRODUCT = product_workflow(name="risk.product", model=Product, event_model=ProductEvent, noun="产品", submit_guards=(CONSISTENT,))


# ---------------------------------------------------------------- policies


class PolicyEventType(models.TextChoices):
    APPLY = "apply", "投保"
    REQUEST_INFO = "request_info", "要求补充材料"
    RESUBMIT = "resubmit", "补充材料后重新提交"
    ISSUE = "issue", "核保通过并出单"
    DECLINE = "decline", "拒保"
    START = "start", "保障开始"
    EXPIRE = "expire", "期满终止"
    CANCEL = "cancel", "退保（撤销）"
    PREMIUM_PAID = "premium_paid", "登记保费缴纳"


def _insured(actor: Visitor, policy: Policy) -> bool:
    from .policies import is_insured

    return is_insured(actor, policy)


def _underwriter(actor: Visitor, policy: Policy) -> bool:
    from .policies import is_underwriter

    return is_underwriter(actor, policy)


def _either(actor: Visitor, policy: Policy) -> bool:
    return _insured(actor, policy) or _underwriter(actor, policy)


def _no_open_claim(policy: Policy, actor: Visitor | None) -> bool:
    from .choices import CLAIM_OPEN

    return not policy.claims.filter(status__in=list(CLAIM_OPEN)).exists()


NO_OPEN_CLAIM = workflow.Guard(
    "no_open_claim", "policy_has_open_claim", "该保单尚有未结的理赔案件，结案后才能退保", _no_open_claim
)
NOT_INSURED = ("policy_not_insured", "只有投保人（被保险人）的成员可以办理")
NOT_UNDERWRITER = ("policy_not_underwriter", "只有出具该保单（担保）的机构可以办理")

P = PolicyStatus

POLICY = workflow.register(
    workflow.Workflow(
        name="risk.policy",
        model=Policy,
        states=PolicyStatus,
        event_model=PolicyEvent,
        event_types=PolicyEventType,
        noun="保单",
        groups=(
            workflow.StateGroup("underwriting", "核保中", frozenset({P.APPLIED, P.INFO_REQUESTED})),
            workflow.StateGroup("effective", "有效", frozenset({P.ISSUED, P.IN_FORCE})),
            workflow.StateGroup("ended", "已结束", frozenset({P.DECLINED, P.EXPIRED, P.CANCELLED})),
        ),
        transitions=(
            workflow.Transition(
                "request_info", P.APPLIED, P.INFO_REQUESTED, "要求补充材料", permission=_underwriter, forbidden=NOT_UNDERWRITER
            ),
            workflow.Transition("resubmit", P.INFO_REQUESTED, P.APPLIED, "重新提交", permission=_insured, forbidden=NOT_INSURED),
            workflow.Transition("issue", P.APPLIED, P.ISSUED, "出单", permission=_underwriter, forbidden=NOT_UNDERWRITER),
            workflow.Transition(
                "decline", {P.APPLIED, P.INFO_REQUESTED}, P.DECLINED, "拒保", permission=_underwriter, forbidden=NOT_UNDERWRITER
            ),
            workflow.Transition("start", P.ISSUED, P.IN_FORCE, "开始保障", permission=workflow.SYSTEM),
            workflow.Transition("expire", P.IN_FORCE, P.EXPIRED, "期满终止", permission=workflow.SYSTEM),
            workflow.Transition(
                "cancel",
                {P.APPLIED, P.INFO_REQUESTED, P.ISSUED, P.IN_FORCE},
                P.CANCELLED,
                "退保",
                permission=_either,
                guards=(NO_OPEN_CLAIM,),
                forbidden=NOT_INSURED,
            ),
        ),
    )
)


# ---------------------------------------------------------------- claims


class ClaimEventType(models.TextChoices):
    OPEN = "open", "报案"
    OFFER = "offer", "平台按付款逾期自动发起"
    OFFER_BREACH = "offer_breach", "平台按违约记录自动发起"
    DOCUMENT_ADDED = "document_added", "提供理赔材料"
    COMPLETE_DOCUMENTS = "complete_documents", "确认材料齐全"
    ASSESS = "assess", "核定损失"
    PAY = "pay", "赔付（代偿）"
    DECLINE = "decline", "拒赔"
    SUBROGATE = "subrogate", "登记追偿"


def _claim_insured(actor: Visitor, claim: Claim) -> bool:
    return _insured(actor, claim.policy)


def _claim_underwriter(actor: Visitor, claim: Claim) -> bool:
    return _underwriter(actor, claim.policy)


def _claim_either(actor: Visitor, claim: Claim) -> bool:
    return _either(actor, claim.policy)


def _documents_complete(claim: Claim, actor: Visitor | None) -> bool:
    from .claims import missing_documents

    return not missing_documents(claim)


DOCUMENTS_COMPLETE = workflow.Guard(
    "documents_complete",
    "claim_documents_missing",
    "理赔材料不齐全：请先提供产品要求的全部材料",
    _documents_complete,
    error=DomainError,
)

C = ClaimStatus

CLAIM = workflow.register(
    workflow.Workflow(
        name="risk.claim",
        model=Claim,
        states=ClaimStatus,
        event_model=ClaimEvent,
        event_types=ClaimEventType,
        noun="理赔案件",
        groups=(
            workflow.StateGroup("open", "处理中", frozenset({C.OPENED, C.DOCUMENTS_COMPLETE, C.ASSESSED})),
            workflow.StateGroup("closed", "已结案", frozenset({C.PAID, C.DECLINED, C.SUBROGATED})),
        ),
        transitions=(
            workflow.Transition(
                "complete_documents",
                C.OPENED,
                C.DOCUMENTS_COMPLETE,
                "确认材料齐全",
                permission=_claim_either,
                guards=(DOCUMENTS_COMPLETE,),
                forbidden=NOT_INSURED,
            ),
            workflow.Transition(
                "assess", C.DOCUMENTS_COMPLETE, C.ASSESSED, "核定", permission=_claim_underwriter, forbidden=NOT_UNDERWRITER
            ),
            workflow.Transition("pay", C.ASSESSED, C.PAID, "赔付", permission=_claim_underwriter, forbidden=NOT_UNDERWRITER),
            workflow.Transition(
                "decline",
                {C.OPENED, C.DOCUMENTS_COMPLETE, C.ASSESSED},
                C.DECLINED,
                "拒赔",
                permission=_claim_underwriter,
                forbidden=NOT_UNDERWRITER,
            ),
            workflow.Transition(
                "subrogate", C.PAID, C.SUBROGATED, "登记追偿", permission=_claim_underwriter, forbidden=NOT_UNDERWRITER
            ),
        ),
    )
)
