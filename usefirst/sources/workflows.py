"""The lifecycle of a recommendation batch, declared for the workflow kernel
(usefirst/core/workflow.py).

Batch: submitted by the recommending organisation (its rows passed the entry gates and the
de-duplication) → reviewed by the city or the province, each row accepted or refused with its
reason; the recommender may withdraw a batch still awaiting review.
"""

from __future__ import annotations

from django.db import models

from usefirst.core import workflow
from usefirst.core.permissions import Action

from .choices import BatchStatus
from .models import BatchEvent, RecommendationBatch

S = BatchStatus


class BatchEventType(models.TextChoices):
    SUBMIT = "submit", "提交推荐"
    REVIEW = "review", "逐条审核"
    WITHDRAW = "withdraw", "撤回推荐"


BATCH = workflow.register(
    workflow.Workflow(
        name="sources.batch",
        model=RecommendationBatch,
        states=BatchStatus,
        event_model=BatchEvent,
        event_types=BatchEventType,
        noun="成果推荐批次",
        groups=(
            workflow.StateGroup("in_review", "审核中", frozenset({S.SUBMITTED})),
            workflow.StateGroup("ended", "已结束", frozenset({S.REVIEWED, S.WITHDRAWN})),
        ),
        transitions=(
            workflow.Transition(
                "review",
                S.SUBMITTED,
                S.REVIEWED,
                "审核",
                permission=Action.REVIEW,
                forbidden=("not_batch_reviewer", "只有该批次的审核部门可以审核推荐成果"),
            ),
            workflow.Transition("withdraw", S.SUBMITTED, S.WITHDRAWN, "撤回", permission=Action.CHANGE),
        ),
    )
)
