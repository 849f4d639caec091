"""A risk product as the example row for the generated test of every workflow."""

from __future__ import annotations

from usefirst.core.testing import workflow_example
from usefirst.risk.models import Product

from .builders import make_product


@workflow_example("risk.product")
def product() -> Product:
    return make_product()
