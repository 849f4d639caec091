from __future__ import annotations

import datetime as dt
from decimal import Decimal

from usefirst.core.dates import today

from .models import ParameterVersion
from .parameters import DEFINITIONS


def parameter_value(key: str, *, on: dt.date | None = None) -> Decimal | int | bool | str:
    """The value in force on a business date (default: today in Asia/Shanghai)."""
    definition = DEFINITIONS[key]
    day = on or today()
    version = (
        ParameterVersion.objects.filter(key=key, effective_from__lte=day)
        .order_by("-effective_from", "-changed_at", "-pk")
        .first()
    )
    if version is None:
        return definition.default
    raw = version.value
    if definition.kind == "decimal":
        return Decimal(str(raw))
    if definition.kind == "integer":
        return int(raw)
    if definition.kind == "boolean":
        return bool(raw)
    return str(raw)
