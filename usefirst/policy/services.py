from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction

from usefirst.accounts import roles
from usefirst.core.errors import DomainError, Forbidden

from .models import ParameterVersion
from .parameters import DEFINITIONS, POLICY_END, POLICY_START


def _coerce(key: str, raw: Any) -> Any:
    definition = DEFINITIONS[key]
    try:
        if definition.kind == "decimal":
            value = Decimal(str(raw))
            if not value.is_finite() or value < 0:
                raise InvalidOperation
            return str(value)
        if definition.kind == "integer":
            number = int(raw)
            if number < 0:
                raise ValueError
            return number
        if definition.kind == "boolean":
            if isinstance(raw, bool):
                return raw
            return str(raw).lower() in ("1", "true", "yes", "on", "是")
    except (InvalidOperation, ValueError, TypeError) as exc:
        raise DomainError(f"“{definition.label}”的取值无效", code="parameter_invalid") from exc
    if definition.choices and raw not in {c for c, _ in definition.choices}:
        raise DomainError(f"“{definition.label}”的取值无效", code="parameter_invalid")
    return str(raw)


def parameter_set(*, actor: Any, key: str, value: Any, effective_from: dt.date, reason: str) -> ParameterVersion:
    """A provincial administrator sets a parameter from a date within the policy's term."""
    if not roles.is_provincial_admin(actor):
        raise Forbidden("只有省科技厅管理员可以修改政策参数", code="not_provincial_admin")
    if key not in DEFINITIONS:
        raise DomainError("未知的政策参数", code="parameter_unknown")
    if not (POLICY_START <= effective_from <= POLICY_END):
        raise DomainError("生效日期须在政策有效期（2026-02-01至2031-01-31）内", code="parameter_outside_term")
    if not reason.strip():
        raise DomainError("请填写修改理由", code="reason_required")
    with transaction.atomic():
        version = ParameterVersion(
            key=key, value=_coerce(key, value), effective_from=effective_from, changed_by=actor, reason=reason.strip()
        )
        version.full_clean()
        version.save()
    return version
