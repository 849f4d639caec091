"""The lifecycle of an off-platform conversion declaration (docs/domain.md, rule 4: "no
conversion contract on or off the platform, as declared by the unit"), declared for the workflow
kernel (usefirst/core/workflow.py).

Declaration: submitted by the unit with its evidence → accepted by the unit's reviewing
department (the project leaves the sweep) or returned with reasons; the unit may withdraw it
while it is under review. A returned or withdrawn declaration stays as a record; the unit files
a new one.
"""

from __future__ import annotations

from django.db import models

from usefirst.core import workflow
from usefirst.core.permissions import Action

from .choices import DeclarationStatus
from .models import ConversionDeclaration, DeclarationEvent

S = DeclarationStatus


class DeclarationEventType(models.TextChoices):
    SUBMIT = "submit", "申报平台外转化"
    ACCEPT = "accept", "审核认可"
    RETURN = "return", "退回"
    WITHDRAW = "withdraw", "撤回申报"


DECLARATION = workflow.register(
    workflow.Workflow(
        name="inclusion.declaration",
        model=ConversionDeclaration,
        states=DeclarationStatus,
        event_model=DeclarationEvent,
        event_types=DeclarationEventType,
        noun="平台外转化申报",
        groups=(
            workflow.StateGroup("in_review", "审核中", frozenset({S.SUBMITTED})),
            workflow.StateGroup("in_force", "已认可", frozenset({S.ACCEPTED})),
            workflow.StateGroup("ended", "已结束", frozenset({S.RETURNED, S.WITHDRAWN})),
        ),
        transitions=(
            workflow.Transition(
                "accept",
                S.SUBMITTED,
                S.ACCEPTED,
                "认可",
                permission=Action.REVIEW,
                forbidden=("not_reviewing_department", "只有申报单位的主管部门可以审核平台外转化申报"),
            ),
            workflow.Transition(
                "return",
                S.SUBMITTED,
                S.RETURNED,
                "退回",
                permission=Action.REVIEW,
                forbidden=("not_reviewing_department", "只有申报单位的主管部门可以审核平台外转化申报"),
            ),
            workflow.Transition("withdraw", S.SUBMITTED, S.WITHDRAWN, "撤回", permission=Action.CHANGE),
        ),
    )
)
