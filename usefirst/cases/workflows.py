"""The lifecycle of a typical case (典型案例), declared for the workflow kernel.

Case: drafted by a party of a signed contract → consent of both parties recorded → submitted to
the author's department → published (with the rounded figures) or returned with reasons → the
author may resubmit a returned case or withdraw a case at any time. The province marks a
published case exemplary (recorded, not a move)."""

from __future__ import annotations

from django.db import models

from usefirst.core import workflow
from usefirst.core.permissions import Action

from .choices import CaseStatus, Side
from .models import Case, CaseEvent

S = CaseStatus


class CaseEventType(models.TextChoices):
    CREATE = "create", "撰写案例"
    EDIT = "edit", "修改案例"
    CONSENT = "consent", "记录当事方同意"
    SUBMIT = "submit", "提交审核"
    PUBLISH = "publish", "审核发布"
    RETURN = "return", "退回"
    WITHDRAW = "withdraw", "撤回"
    EXEMPLARY = "exemplary", "标记省级示范案例"


def _both_consented(case: Case, actor: object) -> bool:
    return set(case.consents.values_list("side", flat=True)) >= {Side.LICENSOR, Side.LICENSEE}


BOTH_CONSENTED = workflow.Guard(
    "both_consented",
    "case_consent_missing",
    "尚未取得合同双方（成果单位和企业）的同意，不能提交典型案例",
    _both_consented,
)
NOT_REVIEWER = ("not_case_reviewer", "只有撰写单位的主管部门可以审核典型案例")

CASE = workflow.register(
    workflow.Workflow(
        name="cases.case",
        model=Case,
        states=CaseStatus,
        event_model=CaseEvent,
        event_types=CaseEventType,
        noun="典型案例",
        groups=(
            workflow.StateGroup("open", "进行中", frozenset({S.DRAFT, S.SUBMITTED, S.RETURNED})),
            workflow.StateGroup("published", "已发布", frozenset({S.PUBLISHED})),
            workflow.StateGroup("ended", "已结束", frozenset({S.WITHDRAWN})),
        ),
        transitions=(
            workflow.Transition(
                "submit", {S.DRAFT, S.RETURNED}, S.SUBMITTED, "提交审核", permission=Action.CHANGE, guards=(BOTH_CONSENTED,)
            ),
            workflow.Transition("publish", S.SUBMITTED, S.PUBLISHED, "发布", permission=Action.REVIEW, forbidden=NOT_REVIEWER),
            workflow.Transition("return", S.SUBMITTED, S.RETURNED, "退回", permission=Action.REVIEW, forbidden=NOT_REVIEWER),
            workflow.Transition(
                "withdraw", {S.DRAFT, S.SUBMITTED, S.RETURNED, S.PUBLISHED}, S.WITHDRAWN, "撤回", permission=Action.CHANGE
            ),
        ),
    )
)
