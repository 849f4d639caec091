"""The lifecycle of a risk product version (docs/domain.md, rule 8), declared for the workflow
kernel (usefirst/core/workflow.py).

draft → submitted → published, or returned with reasons (and submitted again); a submission may be
pulled back to draft; a published version is withdrawn by its provider, or superseded when the
provincial department publishes the product's next version (products.product_approve does both in
one transaction). Nothing issued under a version ever changes with it.
"""

from __future__ import annotations

from django.db import models

from usefirst.core import workflow
from usefirst.core.actors import Visitor
from usefirst.core.errors import DomainError
from usefirst.core.permissions import Action

from .choices import ProductStatus
from .models import Product, ProductEvent

S = ProductStatus


class ProductEventType(models.TextChoices):
    CREATE = "create", "创建草稿"
    NEW_VERSION = "new_version", "创建新版本"
    UPDATE = "update", "修改信息"
    SUBMIT = "submit", "提交审核"
    WITHDRAW_SUBMISSION = "withdraw_submission", "撤回审核申请"
    APPROVE = "approve", "审核通过并发布"
    RETURN = "return", "退回修改"
    WITHDRAW = "withdraw", "下线"
    SUPERSEDE = "supersede", "由新版本取代"


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

PRODUCT = workflow.register(
    workflow.Workflow(
        name="risk.product",
        model=Product,
        states=ProductStatus,
        event_model=ProductEvent,
        event_types=ProductEventType,
        noun="产品",
        groups=(
            workflow.StateGroup("preparing", "准备中", frozenset({S.DRAFT, S.RETURNED})),
            workflow.StateGroup("in_review", "审核中", frozenset({S.SUBMITTED})),
            workflow.StateGroup("public", "已发布", frozenset({S.PUBLISHED})),
            workflow.StateGroup("ended", "已结束", frozenset({S.WITHDRAWN, S.SUPERSEDED})),
        ),
        transitions=(
            workflow.Transition(
                "submit", {S.DRAFT, S.RETURNED}, S.SUBMITTED, "提交", permission=Action.CHANGE, guards=(CONSISTENT,)
            ),
            workflow.Transition("withdraw_submission", S.SUBMITTED, S.DRAFT, "撤回", permission=Action.CHANGE),
            workflow.Transition("approve", S.SUBMITTED, S.PUBLISHED, "发布", permission=Action.REVIEW),
            workflow.Transition("return", S.SUBMITTED, S.RETURNED, "退回", permission=Action.REVIEW),
            workflow.Transition("withdraw", S.PUBLISHED, S.WITHDRAWN, "下线", permission=Action.CHANGE),
            workflow.Transition("supersede", S.PUBLISHED, S.SUPERSEDED, "由新版本取代", permission=Action.REVIEW),
        ),
    )
)
