from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from usefirst.accounts import roles
from usefirst.core.actors import Actor
from usefirst.core.audit import audit
from usefirst.core.errors import DomainError, Forbidden, from_validation_error
from usefirst.core.text import clean_reason

from .models import ParameterVersion
from .parameters import DEFINITIONS, POLICY_END, POLICY_START

_TRUE = {"1", "true", "yes", "on", "是"}
_FALSE = {"0", "false", "no", "off", "否"}


def _coerce(key: str, raw: Any) -> Any:
    """The value as stored (JSON): decimals as strings (exact), integers, booleans, choice keys."""
    definition = DEFINITIONS[key]
    invalid = DomainError(f"“{definition.label}”的取值无效", code="parameter_invalid", field_errors={"value": ["取值无效"]})
    try:
        if definition.kind == "decimal":
            if isinstance(raw, float | bool):
                raise InvalidOperation
            value = Decimal(str(raw).strip())
            if not value.is_finite() or value < 0:
                raise InvalidOperation
            return str(value)
        if definition.kind == "integer":
            if isinstance(raw, bool) or (isinstance(raw, float) and not raw.is_integer()):
                raise ValueError
            number = int(str(raw).strip())
            if number < 0:
                raise ValueError
            return number
        if definition.kind == "boolean":
            if isinstance(raw, bool):
                return raw
            text = str(raw).strip().lower()
            if text in _TRUE:
                return True
            if text in _FALSE:
                return False
            raise ValueError
    except (InvalidOperation, ValueError, TypeError) as exc:
        raise invalid from exc
    if definition.choices and raw not in {c for c, _ in definition.choices}:
        raise invalid
    return str(raw)


def parameter_set(*, actor: Actor, key: str, value: Any, effective_from: dt.date, reason: str) -> ParameterVersion:
    """A provincial administrator sets a parameter from a date within the policy's term.

    Versions are never edited: a correction is a new version, so the history keeps who
    changed what, when and why. A date in the past is allowed (a decision recorded late)
    as long as it lies within the term.
    """
    if not roles.is_provincial_admin(actor):
        raise Forbidden("只有省科技厅管理员可以修改政策参数", code="not_provincial_admin")
    if key not in DEFINITIONS:
        raise DomainError("未知的政策参数", code="parameter_unknown")
    if not (POLICY_START <= effective_from <= POLICY_END):
        raise DomainError(
            f"生效日期须在政策有效期（{POLICY_START:%Y-%m-%d}至{POLICY_END:%Y-%m-%d}）内",
            code="parameter_outside_term",
            field_errors={"effective_from": ["生效日期须在政策有效期内"]},
        )
    reason = clean_reason(reason, label="修改理由")
    with transaction.atomic():
        version = ParameterVersion(
            key=key, value=_coerce(key, value), effective_from=effective_from, changed_by=actor, reason=reason.strip()
        )
        try:
            version.full_clean()
        except ValidationError as exc:
            raise from_validation_error(exc) from exc
        version.save()
        audit(
            actor=actor,
            action="policy.parameter_set",
            obj=version,
            key=key,
            value=version.value,
            effective_from=effective_from.isoformat(),
        )
    return version
