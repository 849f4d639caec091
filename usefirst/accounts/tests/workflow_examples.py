"""The organisation as an example row for the generated test of every workflow."""

from __future__ import annotations

from usefirst.accounts.models import Organisation
from usefirst.core.testing import make_org, workflow_example


@workflow_example("accounts.organisation")
def organisation() -> Organisation:
    return make_org()
