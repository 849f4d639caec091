"""The lifecycle of an evaluation (DOMAIN.md rules 5 and 6), declared for the workflow kernel.

draft (the scheme is edited; agencies and units send self-reports, cities pre-review them)
→ computing → under review (the 专业机构 and the province check the results; it may go back to
draft) → publicity (公示: results and the excellent list shown, objections received until the
period's last day) → published. Publishing the next version of the same year supersedes the one
before; nothing published is ever recomputed in place.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import models

from usefirst.core import workflow
from usefirst.core.actors import Visitor
from usefirst.core.dates import today
from usefirst.core.permissions import Action

from .choices import EvaluationStatus
from .models import Evaluation, EvaluationEvent, Objection

S = EvaluationStatus


class EvaluationEventType(models.TextChoices):
    CREATE = "create", "创建评价方案"
    NEW_VERSION = "new_version", "创建新版本"
    UPDATE = "update", "修改方案"
    INDICATOR_ADD = "indicator_add", "新增指标"
    INDICATOR_REMOVE = "indicator_remove", "删除指标"
    SELF_REPORT = "self_report", "提交自评报告"
    CITY_REVIEW = "city_review", "地市预审"
    COMPUTE = "compute", "开始计算"
    COMPUTED = "computed", "计算完成，进入审核"
    RETURN = "return", "退回修改方案"
    START_PUBLICITY = "start_publicity", "进入公示"
    OBJECTION = "objection", "提出异议"
    OBJECTION_ANSWER = "objection_answer", "答复异议"
    PUBLISH = "publish", "发布结果"
    SUPERSEDE = "supersede", "由新版本取代"
    PUBLICITY_MOVED = "publicity_moved", "演示数据：公示期移至过去"


def _weights_sum_to_100(evaluation: Evaluation, actor: Visitor | None) -> bool:
    total = sum((i.weight for i in evaluation.indicators.all()), Decimal("0"))
    return total == Decimal("100")


def _has_indicators(evaluation: Evaluation, actor: Visitor | None) -> bool:
    return evaluation.indicators.exists()


def _publicity_over(evaluation: Evaluation, actor: Visitor | None) -> bool:
    return evaluation.publicity_end is not None and today() > evaluation.publicity_end


def _objections_answered(evaluation: Evaluation, actor: Visitor | None) -> bool:
    return not Objection.objects.filter(result__evaluation=evaluation, answered_at__isnull=True).exists()


HAS_INDICATORS = workflow.Guard("has_indicators", "evaluation_no_indicators", "评价方案尚无指标，请先添加指标", _has_indicators)
WEIGHTS = workflow.Guard(
    "weights_sum_to_100",
    "evaluation_weights_not_100",
    "各指标权重之和须恰好为 100%，请调整后再计算",
    _weights_sum_to_100,
)
PUBLICITY_OVER = workflow.Guard(
    "publicity_over", "evaluation_publicity_running", "公示期尚未届满，期满后方可发布", _publicity_over
)
OBJECTIONS_ANSWERED = workflow.Guard(
    "objections_answered",
    "evaluation_objections_open",
    "尚有未答复的异议，专业机构答复后方可发布",
    _objections_answered,
)

EVALUATION = workflow.register(
    workflow.Workflow(
        name="evaluation.evaluation",
        model=Evaluation,
        states=EvaluationStatus,
        event_model=EvaluationEvent,
        event_types=EvaluationEventType,
        noun="评价",
        groups=(
            workflow.StateGroup("preparing", "准备中", frozenset({S.DRAFT, S.COMPUTING})),
            workflow.StateGroup("in_review", "审核与公示", frozenset({S.IN_REVIEW, S.PUBLICITY})),
            workflow.StateGroup("public", "已发布", frozenset({S.PUBLISHED})),
            workflow.StateGroup("ended", "已结束", frozenset({S.SUPERSEDED})),
        ),
        transitions=(
            workflow.Transition(
                "compute", S.DRAFT, S.COMPUTING, "计算", permission=Action.CHANGE, guards=(HAS_INDICATORS, WEIGHTS)
            ),
            workflow.Transition("computed", S.COMPUTING, S.IN_REVIEW, "完成计算", permission=Action.CHANGE),
            workflow.Transition("return", {S.COMPUTING, S.IN_REVIEW}, S.DRAFT, "退回修改", permission=Action.CHANGE),
            workflow.Transition("start_publicity", S.IN_REVIEW, S.PUBLICITY, "公示", permission=Action.REVIEW),
            workflow.Transition(
                "publish",
                S.PUBLICITY,
                S.PUBLISHED,
                "发布",
                permission=Action.REVIEW,
                guards=(PUBLICITY_OVER, OBJECTIONS_ANSWERED),
            ),
            workflow.Transition("supersede", S.PUBLISHED, S.SUPERSEDED, "由新版本取代", permission=Action.REVIEW),
        ),
    )
)
