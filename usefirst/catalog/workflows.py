"""The lifecycles of achievements and demands (docs/domain.md, "Lifecycles"), declared for the
workflow kernel (usefirst/core/workflow.py).

Achievement: draft (or auto-included) → submitted → published, or returned with reasons; a
submission may be pulled back to draft; a published achievement is withdrawn by its owner or
taken down by its reviewing department; a withdrawn one may be edited again.
Demand: draft → submitted → published → closed by the enterprise, or expired by the scheduler
once its deadline has passed.
"""

from __future__ import annotations

from django.db import models

from usefirst.core import workflow
from usefirst.core.actors import Visitor
from usefirst.core.dates import today
from usefirst.core.errors import DomainError, IllegalTransition
from usefirst.core.permissions import Action

from .choices import AchievementStatus, DemandStatus
from .models import Achievement, AchievementEvent, Demand, DemandEvent

A = AchievementStatus
D = DemandStatus


class AchievementEventType(models.TextChoices):
    CREATE = "create", "创建草稿"
    IMPORT = "import", "批量导入"
    AUTO_INCLUDE = "auto_include", "验收满三年未转化，自动纳入"
    UPDATE = "update", "修改信息"
    SUBMIT = "submit", "提交审核"
    APPROVE = "approve", "审核通过并发布"
    RETURN = "return", "退回修改"
    WITHDRAW_SUBMISSION = "withdraw_submission", "撤回审核申请"
    WITHDRAW = "withdraw", "撤回发布"
    TAKE_DOWN = "take_down", "下架"
    REOPEN = "reopen", "重新编辑"
    REVISION_SUBMIT = "revision_submit", "提交修改"
    REVISION_APPROVE = "revision_approve", "修改审核通过"
    REVISION_RETURN = "revision_return", "修改被退回"


class DemandEventType(models.TextChoices):
    CREATE = "create", "创建草稿"
    UPDATE = "update", "修改信息"
    SUBMIT = "submit", "提交审核"
    APPROVE = "approve", "审核通过并发布"
    RETURN = "return", "退回修改"
    WITHDRAW = "withdraw", "撤回审核申请"
    CLOSE = "close", "关闭"
    EXPIRE = "expire", "到期"


# ---------------------------------------------------------------- achievements

NOT_RESTRICTED = workflow.Guard(
    "not_restricted",
    "restricted_not_publishable",
    "该成果涉及国防、国家安全、国家利益或重大社会公共利益，不得公开发布",
    lambda achievement, actor: not achievement.is_restricted,
    error=IllegalTransition,
)


def _still_valid(achievement: Achievement, actor: Visitor | None) -> bool:
    """A draft saved earlier may have gone stale (an inventor's consent withdrawn): check it all
    again, refusing with the messages per field of the achievement form."""
    from .services.achievements import AchievementData, _prepare

    _prepare(achievement, AchievementData.from_achievement(achievement))
    return True


STILL_VALID = workflow.Guard(
    "still_valid", "validation_failed", "成果信息有误，请修改后再提交", _still_valid, error=DomainError, in_allowed=False
)

ACHIEVEMENT = workflow.register(
    workflow.Workflow(
        name="catalog.achievement",
        model=Achievement,
        states=AchievementStatus,
        event_model=AchievementEvent,
        event_types=AchievementEventType,
        noun="成果",
        groups=(
            workflow.StateGroup("preparing", "准备中", frozenset({A.AUTO_INCLUDED, A.DRAFT, A.RETURNED, A.WITHDRAWN})),
            workflow.StateGroup("in_review", "审核中", frozenset({A.SUBMITTED})),
            workflow.StateGroup("public", "已公开", frozenset({A.PUBLISHED})),
            workflow.StateGroup("ended", "已下架", frozenset({A.TAKEN_DOWN})),
        ),
        transitions=(
            workflow.Transition(
                "submit",
                {A.AUTO_INCLUDED, A.DRAFT, A.RETURNED},
                A.SUBMITTED,
                "提交",
                permission=Action.CHANGE,
                guards=(NOT_RESTRICTED, STILL_VALID),
            ),
            workflow.Transition("approve", A.SUBMITTED, A.PUBLISHED, "发布", permission=Action.REVIEW, guards=(NOT_RESTRICTED,)),
            workflow.Transition("return", A.SUBMITTED, A.RETURNED, "退回", permission=Action.REVIEW),
            workflow.Transition("withdraw_submission", A.SUBMITTED, A.DRAFT, "撤回", permission=Action.CHANGE),
            workflow.Transition("withdraw", A.PUBLISHED, A.WITHDRAWN, "撤回", permission=Action.CHANGE),
            workflow.Transition("take_down", A.PUBLISHED, A.TAKEN_DOWN, "下架", permission=Action.REVIEW),
            workflow.Transition("reopen", A.WITHDRAWN, A.DRAFT, "重新编辑", permission=Action.CHANGE),
        ),
    )
)


# ---------------------------------------------------------------- demands


def _deadline_ahead(demand: Demand, actor: Visitor | None) -> bool:
    return bool(demand.deadline >= today())


def _deadline_passed(demand: Demand, actor: Visitor | None) -> bool:
    return demand.effective_status == DemandStatus.EXPIRED


DEMAND = workflow.register(
    workflow.Workflow(
        name="catalog.demand",
        model=Demand,
        states=DemandStatus,
        event_model=DemandEvent,
        event_types=DemandEventType,
        noun="需求",
        groups=(
            workflow.StateGroup("preparing", "准备中", frozenset({D.DRAFT, D.RETURNED})),
            workflow.StateGroup("in_review", "审核中", frozenset({D.SUBMITTED})),
            workflow.StateGroup("public", "已公开", frozenset({D.PUBLISHED})),
            workflow.StateGroup("ended", "已结束", frozenset({D.CLOSED, D.EXPIRED})),
        ),
        refusal=lambda demand, step: f"需求当前状态为“{demand.get_effective_status_display()}”，不能{step.label}",
        transitions=(
            workflow.Transition(
                "submit",
                {D.DRAFT, D.RETURNED},
                D.SUBMITTED,
                "提交",
                permission=Action.CHANGE,
                guards=(
                    # The owner still sees the button and is told why, by the deadline field.
                    workflow.Guard(
                        "deadline_ahead",
                        "deadline_passed",
                        "截止日期已过，请修改截止日期后再提交",
                        _deadline_ahead,
                        error=DomainError,
                        field="deadline",
                        field_message="截止日期已过",
                        in_allowed=False,
                    ),
                ),
            ),
            workflow.Transition(
                "approve",
                D.SUBMITTED,
                D.PUBLISHED,
                "发布",
                permission=Action.REVIEW,
                guards=(
                    workflow.Guard(
                        "deadline_ahead",
                        "deadline_passed",
                        "该需求的截止日期已过，不能发布，请退回修改",
                        _deadline_ahead,
                        error=IllegalTransition,
                    ),
                ),
            ),
            workflow.Transition("return", D.SUBMITTED, D.RETURNED, "退回", permission=Action.REVIEW),
            workflow.Transition("withdraw", D.SUBMITTED, D.DRAFT, "撤回", permission=Action.CHANGE),
            workflow.Transition(
                "close",
                D.PUBLISHED,
                D.CLOSED,
                "关闭",
                permission=Action.CHANGE,
                guards=(
                    workflow.Guard(
                        "not_expired",
                        "illegal_transition",
                        "需求当前状态为“已过期”，不能关闭",
                        lambda demand, actor: not _deadline_passed(demand, actor),
                        error=IllegalTransition,
                    ),
                ),
            ),
            workflow.Transition(
                "expire",
                D.PUBLISHED,
                D.EXPIRED,
                "到期",
                permission=workflow.SYSTEM,
                guards=(workflow.Guard("deadline_passed", "deadline_not_passed", "需求尚未到截止日期", _deadline_passed),),
            ),
        ),
    )
)
