"""An evaluation as the example row for the generated test of every workflow."""

from __future__ import annotations

from usefirst.core.testing import make_user, workflow_example
from usefirst.evaluation.models import Evaluation


@workflow_example("evaluation.evaluation")
def evaluation() -> Evaluation:
    return Evaluation.objects.create(kind="agency", year=2026, name="示例评价", created_by=make_user())
