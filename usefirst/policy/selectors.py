from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import QuerySet

from usefirst.core.dates import today
from usefirst.core.display import parameter_text
from usefirst.core.money import percent_of

from .models import ParameterVersion
from .parameters import DEFINITIONS, ParameterDefinition

Value = Decimal | int | bool | str


def typed_value(definition: ParameterDefinition, raw: object) -> Value:
    if definition.kind == "decimal":
        return Decimal(str(raw))
    if definition.kind == "integer":
        return int(str(raw))
    if definition.kind == "boolean":
        return bool(raw)
    return str(raw)


def parameter_value(key: str, *, on: dt.date | None = None) -> Value:
    """The value in force on a business date (default: today in Asia/Shanghai).

    Of several versions from the same date, the one recorded last wins.
    """
    return parameter_values([key], on=on)[key]


def parameter_values(keys: list[str], *, on: dt.date | None = None) -> dict[str, Value]:
    """Several parameters in force on a business date, in one query: of each key's versions
    effective by then, the latest effective date wins, and of one date the one recorded last."""
    day = on or today()
    found: dict[str, Value] = {}
    versions = ParameterVersion.objects.filter(key__in=keys, effective_from__lte=day).order_by(
        "key", "-effective_from", "-changed_at", "-pk"
    )
    for version in versions:
        if version.key not in found:
            found[version.key] = typed_value(DEFINITIONS[version.key], version.value)
    return {key: found[key] if key in found else DEFINITIONS[key].default for key in keys}


def share_pct(key: str, *, on: dt.date | None = None) -> Decimal:
    """A share parameter (`inventor_share_floor`, `statutory_share_floor`) as a percent to the
    cent, the one reading of rule 1's figures: 0.70 in force reads 70.00."""
    value = parameter_value(key, on=on)
    if DEFINITIONS[key].kind != "decimal" or isinstance(value, bool):
        raise TypeError(f"{key} is not a share")
    return percent_of(value)


def display_value(definition: ParameterDefinition, value: Value) -> str:
    """How a value reads on the page and in the API, as people write it: 70%, 50 万元, 3 年,
    30 日, 是/否, a choice's label (usefirst.core.display.parameter_text)."""
    return parameter_text(definition.unit, value, definition.choices)


def parameter_history(key: str) -> QuerySet[ParameterVersion]:
    """Every version of a parameter, newest effective date first (the parameter's event history)."""
    return ParameterVersion.objects.filter(key=key).select_related("changed_by").order_by("-effective_from", "-changed_at", "-pk")


@dataclass
class HistoryRow:
    version: ParameterVersion
    display: str
    state: str  # "in_force", "scheduled" or "superseded"

    @property
    def state_label(self) -> str:
        return {"in_force": "现行", "scheduled": "待生效", "superseded": "已被取代"}[self.state]


@dataclass
class ParameterOverview:
    definition: ParameterDefinition
    value: Value
    display: str
    is_default: bool
    history: list[HistoryRow] = field(default_factory=list)


def parameter_overview(*, on: dt.date | None = None) -> list[ParameterOverview]:
    """Every defined parameter with the value in force on `on` and its full history."""
    day = on or today()
    versions: dict[str, list[ParameterVersion]] = {}
    for version in ParameterVersion.objects.select_related("changed_by").order_by("-effective_from", "-changed_at", "-pk"):
        versions.setdefault(version.key, []).append(version)
    overview = []
    for key, definition in DEFINITIONS.items():
        rows = versions.get(key, [])
        current = next((v for v in rows if v.effective_from <= day), None)
        value = typed_value(definition, current.value) if current else definition.default
        history = [
            HistoryRow(
                version=v,
                display=display_value(definition, typed_value(definition, v.value)),
                state="in_force" if v is current else ("scheduled" if v.effective_from > day else "superseded"),
            )
            for v in rows
        ]
        overview.append(
            ParameterOverview(
                definition=definition,
                value=value,
                display=display_value(definition, value),
                is_default=current is None,
                history=history,
            )
        )
    return overview
