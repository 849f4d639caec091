"""A typical case as the example row for the generated test of every workflow (a contract row
from the contracts app's own example)."""

from __future__ import annotations

from usefirst.cases.models import Case
from usefirst.core.testing import WORKFLOW_EXAMPLES, make_user, workflow_example


@workflow_example("cases.case")
def case() -> Case:
    from django.utils.module_loading import autodiscover_modules

    autodiscover_modules("tests.workflow_examples")
    contract = WORKFLOW_EXAMPLES["contracts.contract"]()
    author = contract.licensor
    return Case.objects.create(
        contract=contract, author=author, title="先用后转典型案例", summary="简介", story="正文", created_by=make_user(author)
    )
