"""Demo data only: what a browser cannot do on the demo site, for the journey tests (run through
`demo_time_passes`, usefirst/tests/journeys/conftest.py)."""

from __future__ import annotations

import datetime as dt

from usefirst.core import workflow
from usefirst.core.dates import today

from .choices import EvaluationStatus
from .models import Evaluation
from .workflows import EVALUATION, EvaluationEventType


def move_publicity_into_the_past(evaluation: Evaluation) -> Evaluation:
    """The publicity period (公示) cannot pass during a demo: its dates move into the past so that
    it ended yesterday, with an event row that says so. Only an evaluation in publicity moves."""
    evaluation.refresh_from_db()
    if evaluation.status != EvaluationStatus.PUBLICITY:
        return evaluation
    end = today() - dt.timedelta(days=1)
    Evaluation.objects.filter(pk=evaluation.pk).update(
        publicity_start=end - dt.timedelta(days=evaluation.objection_days - 1), publicity_end=end
    )
    workflow.record(
        EVALUATION,
        evaluation,
        EvaluationEventType.PUBLICITY_MOVED,
        actor=None,
        reason="演示数据：公示期移至过去",
        from_status=evaluation.status,
    )
    evaluation.refresh_from_db()
    return evaluation
