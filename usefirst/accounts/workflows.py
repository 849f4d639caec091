"""The organisation's lifecycle (docs/domain.md, "Lifecycles"), declared for the workflow kernel.

draft (e-mail not yet verified) → submitted → active, or returned with reasons → (corrected)
submitted again; active ↔ suspended by the provincial department.
"""

from __future__ import annotations

from django.db import models

from usefirst.core import workflow
from usefirst.core.actors import Visitor
from usefirst.core.errors import Forbidden
from usefirst.core.permissions import Action

from . import roles
from .models import Membership, Organisation, OrganisationEvent, OrganisationStatus

S = OrganisationStatus


class OrganisationEventType(models.TextChoices):
    REGISTER = "register", "自助注册"
    CREATE = "create", "由管理命令创建"
    SUBMIT = "submit", "提交审核"
    APPROVE = "approve", "审核通过"
    RETURN = "return", "退回修改"
    SUSPEND = "suspend", "停用"
    REINSTATE = "reinstate", "恢复"


def is_admin_of(actor: Visitor, organisation: Organisation) -> bool:
    """Admin of the organisation whatever its status (an applicant corrects a returned one)."""
    return Membership.objects.filter(
        user_id=getattr(actor, "pk", 0) or 0, organisation=organisation, role=Membership.Role.ADMIN, is_active=True
    ).exists()


NOT_OWN_ORGANISATION = workflow.Guard(
    "not_own_organisation",
    "own_organisation",
    "不能停用本人所在的机构",
    lambda organisation, actor: actor is None or not roles.is_member(actor, organisation),
    error=Forbidden,
)
NOT_REVIEWER = ("not_reviewer", "您所在部门不负责审核该机构")


ORGANISATION = workflow.register(
    workflow.Workflow(
        name="accounts.organisation",
        model=Organisation,
        states=OrganisationStatus,
        event_model=OrganisationEvent,
        event_types=OrganisationEventType,
        noun="机构",
        groups=(
            workflow.StateGroup("registering", "注册办理中", frozenset({S.DRAFT, S.SUBMITTED, S.RETURNED})),
            workflow.StateGroup("registered", "已注册", frozenset({S.ACTIVE, S.SUSPENDED})),
        ),
        refusal=lambda organisation, step: (
            f"机构当前状态为“{organisation.get_status_display()}”，不能变更为“{OrganisationStatus(step.target).label}”"
        ),
        transitions=(
            workflow.Transition(
                "submit",
                {S.DRAFT, S.RETURNED},
                S.SUBMITTED,
                "提交审核",
                permission=is_admin_of,
                forbidden=("not_org_admin", "只有本机构管理员可以执行此操作"),
            ),
            workflow.Transition("approve", S.SUBMITTED, S.ACTIVE, "通过", permission=Action.REVIEW, forbidden=NOT_REVIEWER),
            workflow.Transition("return", S.SUBMITTED, S.RETURNED, "退回", permission=Action.REVIEW, forbidden=NOT_REVIEWER),
            workflow.Transition(
                "suspend",
                S.ACTIVE,
                S.SUSPENDED,
                "停用",
                permission=Action.ADMINISTER,
                forbidden=("not_provincial_admin", "只有省科技厅管理员可以停用机构"),
                guards=(NOT_OWN_ORGANISATION,),
            ),
            workflow.Transition(
                "reinstate",
                S.SUSPENDED,
                S.ACTIVE,
                "恢复",
                permission=Action.ADMINISTER,
                forbidden=("not_provincial_admin", "只有省科技厅管理员可以恢复机构"),
            ),
        ),
    )
)
