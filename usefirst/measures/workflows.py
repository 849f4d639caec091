"""The lifecycle of a local support measure, declared for the workflow kernel.

Measure: a draft by its publisher (a city's department or a development zone) → published (shown
on the measures list and on the pages of achievements and deals it may apply to) → withdrawn
(kept as a record). A published measure is not edited: it is withdrawn and published anew.
"""

from __future__ import annotations

from django.db import models

from usefirst.core import workflow
from usefirst.core.permissions import Action

from .choices import MeasureStatus
from .models import MeasureEvent, SupportMeasure

S = MeasureStatus


class MeasureEventType(models.TextChoices):
    CREATE = "create", "创建草稿"
    EDIT = "edit", "修改草稿"
    PUBLISH = "publish", "发布"
    WITHDRAW = "withdraw", "撤回"


MEASURE = workflow.register(
    workflow.Workflow(
        name="measures.measure",
        model=SupportMeasure,
        states=MeasureStatus,
        event_model=MeasureEvent,
        event_types=MeasureEventType,
        noun="支持措施",
        transitions=(
            workflow.Transition("publish", S.DRAFT, S.PUBLISHED, "发布", permission=Action.CHANGE),
            workflow.Transition("withdraw", S.PUBLISHED, S.WITHDRAWN, "撤回", permission=Action.CHANGE),
        ),
    )
)
