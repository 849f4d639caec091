"""The lifecycles of the 安心屋 (docs/domain.md, rule 10) on the workflow kernel.

Exemption application (尽职免责认定): submitted by a member of staff with the dossier complete for
the situations claimed → determined by the unit's sector department or the provincial department
(exempted / not exempted, always with reasons) or withdrawn by the applicant while pending.

Management system (配套管理制度): filed by the unit → approved or returned with reasons by its
reviewing department; a returned system stays as a record and the unit files a new one.
"""

from __future__ import annotations

from django.db import models

from usefirst.core import workflow
from usefirst.core.permissions import Action

from .choices import ExemptionStatus, SystemStatus
from .models import ExemptionApplication, ExemptionEvent, ManagementSystem, SystemEvent

E = ExemptionStatus
M = SystemStatus
NOT_DETERMINER = ("not_exemption_determiner", "只有申请人所在单位的行业主管部门或省科技厅可以作出尽职免责认定")
NOT_SYSTEM_REVIEWER = ("not_reviewing_department", "只有单位的主管部门可以审核配套管理制度")


class ExemptionEventType(models.TextChoices):
    APPLY = "apply", "申请尽职免责"
    EXEMPT = "exempt", "认定免责"
    REFUSE = "refuse", "认定不予免责"
    WITHDRAW = "withdraw", "撤回申请"


class SystemEventType(models.TextChoices):
    FILE = "file", "报送管理制度"
    APPROVE = "approve", "审核通过"
    RETURN = "return", "退回"


EXEMPTION = workflow.register(
    workflow.Workflow(
        name="safehouse.exemption",
        model=ExemptionApplication,
        states=ExemptionStatus,
        event_model=ExemptionEvent,
        event_types=ExemptionEventType,
        noun="尽职免责申请",
        groups=(
            workflow.StateGroup("pending", "待认定", frozenset({E.SUBMITTED})),
            workflow.StateGroup("determined", "已认定", frozenset({E.EXEMPTED, E.NOT_EXEMPTED})),
            workflow.StateGroup("ended", "已撤回", frozenset({E.WITHDRAWN})),
        ),
        transitions=(
            workflow.Transition(
                "exempt", E.SUBMITTED, E.EXEMPTED, "认定免责", permission=Action.REVIEW, forbidden=NOT_DETERMINER
            ),
            workflow.Transition(
                "refuse", E.SUBMITTED, E.NOT_EXEMPTED, "认定不予免责", permission=Action.REVIEW, forbidden=NOT_DETERMINER
            ),
            workflow.Transition("withdraw", E.SUBMITTED, E.WITHDRAWN, "撤回", permission=Action.CHANGE),
        ),
    )
)

SYSTEM = workflow.register(
    workflow.Workflow(
        name="safehouse.management_system",
        model=ManagementSystem,
        states=SystemStatus,
        event_model=SystemEvent,
        event_types=SystemEventType,
        noun="配套管理制度",
        groups=(
            workflow.StateGroup("in_review", "审核中", frozenset({M.SUBMITTED})),
            workflow.StateGroup("in_force", "已通过", frozenset({M.APPROVED})),
            workflow.StateGroup("ended", "已退回", frozenset({M.RETURNED})),
        ),
        transitions=(
            workflow.Transition(
                "approve", M.SUBMITTED, M.APPROVED, "通过", permission=Action.REVIEW, forbidden=NOT_SYSTEM_REVIEWER
            ),
            workflow.Transition(
                "return", M.SUBMITTED, M.RETURNED, "退回", permission=Action.REVIEW, forbidden=NOT_SYSTEM_REVIEWER
            ),
        ),
    )
)
