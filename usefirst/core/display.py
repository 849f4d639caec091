"""What a value reads like on a page, one helper per kind of value: a workflow's state and event,
a choice of a model field, a policy parameter. Pages, exports and the API take their words from
here, so a stored code (``free_use``, ``awaiting_next_step``) never reaches a person.

States also have a *tone* — waiting on someone, under way, done, refused, ended — that gives a
status badge its colour (``templates/core/_status_badge.html``, ``static/css/status.css``); the
badge's words carry the meaning, the colour only repeats it.
"""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum
from typing import Any

from django.db import models

from . import workflow

UNKNOWN = "未知状态"  # a stored value no choice declares (a removed state, a hand-edited row)


class Tone(StrEnum):
    """How far along a state is, in five kinds a reader tells apart at a glance."""

    PENDING = "pending"  # waiting for someone: a draft, a submission awaiting review, signatures
    ACTIVE = "active"  # under way: published, in force, in talks, in its free-use period
    DONE = "done"  # reached its end well: confirmed, paid, recognised, agreed
    REFUSED = "refused"  # refused or disputed: returned, rejected, declined
    ENDED = "ended"  # no longer running: withdrawn, expired, closed, cancelled, revoked

    @property
    def label(self) -> str:
        return TONE_LABELS[self]


TONE_LABELS: dict[Tone, str] = {
    Tone.PENDING: "待办理",
    Tone.ACTIVE: "进行中",
    Tone.DONE: "已完成",
    Tone.REFUSED: "未通过",
    Tone.ENDED: "已结束",
}

# The tone of every state of every registered workflow (core/tests/test_display.py checks that
# none is missing), and of the other statuses pages show with a badge.
TONES: dict[str, dict[str, Tone]] = {
    "accounts.organisation": {
        "draft": Tone.PENDING,
        "submitted": Tone.PENDING,
        "active": Tone.DONE,
        "returned": Tone.REFUSED,
        "suspended": Tone.ENDED,
    },
    "catalog.achievement": {
        "auto_included": Tone.PENDING,
        "draft": Tone.PENDING,
        "submitted": Tone.PENDING,
        "published": Tone.ACTIVE,
        "returned": Tone.REFUSED,
        "withdrawn": Tone.ENDED,
        "taken_down": Tone.ENDED,
    },
    "catalog.demand": {
        "draft": Tone.PENDING,
        "submitted": Tone.PENDING,
        "published": Tone.ACTIVE,
        "returned": Tone.REFUSED,
        "closed": Tone.ENDED,
        "expired": Tone.ENDED,
    },
    "contracts.contract": {
        "drafted": Tone.PENDING,
        "signing": Tone.PENDING,
        "signed": Tone.ACTIVE,
        "free_use": Tone.ACTIVE,
        "awaiting_next_step": Tone.PENDING,
        "next_step_agreed": Tone.DONE,
        "ended": Tone.ENDED,
        "cancelled": Tone.ENDED,
    },
    "finance.distribution": {"computed": Tone.PENDING, "paid": Tone.DONE, "cancelled": Tone.ENDED},
    "finance.receipt": {"pending": Tone.PENDING, "confirmed": Tone.DONE, "disputed": Tone.REFUSED},
    "finance.schedule_line": {"open": Tone.PENDING, "waived": Tone.ENDED},
    "events.event": {"draft": Tone.PENDING, "published": Tone.ACTIVE, "held": Tone.DONE, "cancelled": Tone.ENDED},
    "cases.case": {
        "draft": Tone.PENDING,
        "submitted": Tone.PENDING,
        "published": Tone.ACTIVE,
        "returned": Tone.REFUSED,
        "withdrawn": Tone.ENDED,
    },
    "inclusion.declaration": {
        "submitted": Tone.PENDING,
        "accepted": Tone.DONE,
        "returned": Tone.REFUSED,
        "withdrawn": Tone.ENDED,
    },
    "safehouse.exemption": {
        "submitted": Tone.PENDING,
        "exempted": Tone.DONE,
        "not_exempted": Tone.REFUSED,
        "withdrawn": Tone.ENDED,
    },
    "safehouse.management_system": {"submitted": Tone.PENDING, "approved": Tone.DONE, "returned": Tone.REFUSED},
    "sources.batch": {"submitted": Tone.PENDING, "reviewed": Tone.DONE, "withdrawn": Tone.ENDED},
    "pools.entry": {"proposed": Tone.PENDING, "admitted": Tone.ACTIVE, "declined": Tone.REFUSED, "removed": Tone.ENDED},
    "measures.measure": {"draft": Tone.PENDING, "published": Tone.ACTIVE, "withdrawn": Tone.ENDED},
    "matchmaking.engagement": {
        "intent": Tone.PENDING,
        "talking": Tone.ACTIVE,
        "agreed": Tone.DONE,
        "declined": Tone.REFUSED,
        "withdrawn": Tone.ENDED,
        "closed": Tone.ENDED,
    },
    "evaluation.evaluation": {
        "draft": Tone.PENDING,
        "computing": Tone.ACTIVE,
        "in_review": Tone.PENDING,
        "publicity": Tone.ACTIVE,
        "published": Tone.DONE,
        "superseded": Tone.ENDED,
    },
    "financing.product": {
        "draft": Tone.PENDING,
        "submitted": Tone.PENDING,
        "published": Tone.ACTIVE,
        "returned": Tone.REFUSED,
        "withdrawn": Tone.ENDED,
        "superseded": Tone.ENDED,
    },
    "financing.application": {
        "applied": Tone.PENDING,
        "info_requested": Tone.PENDING,
        "approved": Tone.ACTIVE,
        "declined": Tone.REFUSED,
        "withdrawn": Tone.ENDED,
        "settled": Tone.DONE,
    },
    "financing.pledge": {"registered": Tone.ACTIVE, "released": Tone.ENDED},
    "risk.product": {
        "draft": Tone.PENDING,
        "submitted": Tone.PENDING,
        "published": Tone.ACTIVE,
        "returned": Tone.REFUSED,
        "withdrawn": Tone.ENDED,
        "superseded": Tone.ENDED,
    },
    "risk.policy": {
        "applied": Tone.PENDING,
        "info_requested": Tone.PENDING,
        "issued": Tone.ACTIVE,
        "declined": Tone.REFUSED,
        "in_force": Tone.ACTIVE,
        "expired": Tone.ENDED,
        "cancelled": Tone.ENDED,
    },
    "risk.claim": {
        "opened": Tone.PENDING,
        "documents_complete": Tone.PENDING,
        "assessed": Tone.ACTIVE,
        "paid": Tone.DONE,
        "declined": Tone.REFUSED,
        "subrogated": Tone.DONE,
    },
    "recognition.application": {
        "draft": Tone.PENDING,
        "recommended": Tone.PENDING,
        "public_notice": Tone.ACTIVE,
        "recognised": Tone.DONE,
        "rejected": Tone.REFUSED,
        "revoked": Tone.ENDED,
    },
    "recognition.misconduct": {"active": Tone.ACTIVE, "appealed": Tone.PENDING, "withdrawn": Tone.ENDED},
    "performance.consent": {"active": Tone.ACTIVE, "revoked": Tone.ENDED},
    "reporting.report": {
        "draft": Tone.PENDING,
        "submitted": Tone.PENDING,
        "department_accepted": Tone.PENDING,
        "returned": Tone.REFUSED,
        "accepted": Tone.DONE,
    },
    "reporting.case": {
        "found": Tone.PENDING,
        "notified": Tone.ACTIVE,
        "plan_submitted": Tone.PENDING,
        "plan_returned": Tone.REFUSED,
        "closed": Tone.DONE,
    },
}


# ---------------------------------------------------------------- choices


def choice_label(choices: type[models.Choices] | Any, value: object, *, empty: str = "—") -> str:
    """The Chinese label of `value` among `choices` (a TextChoices class, or a field's
    ``choices`` list); ``empty`` for no value and 未知状态 for one no choice declares — never
    the stored code."""
    if value is None or value == "":
        return empty
    pairs = choices.choices if isinstance(choices, type) and issubclass(choices, models.Choices) else choices
    for key, label in pairs or ():
        if isinstance(label, list | tuple):  # an optgroup
            for inner_key, inner_label in label:
                if str(inner_key) == str(value):
                    return str(inner_label)
        elif str(key) == str(value):
            return str(label)
    return UNKNOWN


def field_label(obj: models.Model, field_name: str, *, empty: str = "—") -> str:
    """The label of the choice stored in ``obj.<field_name>`` (what ``get_FOO_display`` gives,
    but 未知状态 rather than the code when the value is not a declared choice)."""
    field = obj._meta.get_field(field_name)
    return choice_label(getattr(field, "choices", None) or (), getattr(obj, field_name), empty=empty)


# ---------------------------------------------------------------- workflow states and events


def workflow_of(subject: models.Model | type[models.Model] | str) -> workflow.Workflow | None:
    """The registered workflow of a model (or object), or by its name (“contracts.contract”)."""
    if isinstance(subject, str):
        try:
            return workflow.get(subject)
        except KeyError:
            return None
    model = subject if isinstance(subject, type) else type(subject)
    return next((wf for wf in workflow.registered() if issubclass(model, wf.model)), None)


def state_label(workflow_name: str, value: object) -> str:
    """“免费使用期内” for ``("contracts.contract", "free_use")``; 未知状态 for a value the
    workflow does not declare."""
    wf = workflow_of(workflow_name)
    if wf is None:
        raise LookupError(f"no workflow named {workflow_name!r}")
    return choice_label(wf.states, value)


def event_label(workflow_name: str, value: object) -> str:
    """“提交审核” for ``("catalog.achievement", "submit")``: an event type by its Chinese name."""
    wf = workflow_of(workflow_name)
    if wf is None:
        raise LookupError(f"no workflow named {workflow_name!r}")
    return choice_label(wf.event_types, value, empty="状态变更")


def state_tone(workflow_name: str, value: object) -> Tone:
    """The tone of a state (pending when the table does not know it: it asks for a look)."""
    return TONES.get(workflow_name, {}).get(str(value), Tone.PENDING)


def current_state(obj: models.Model) -> tuple[str, str] | None:
    """(workflow name, the state shown) of an object under a registered workflow. A demand
    reads its effective status: a published demand past its deadline shows as expired."""
    wf = workflow_of(obj)
    if wf is None:
        return None
    value = getattr(obj, "effective_status", None) or wf.status_of(obj)
    return wf.name, str(value)


# ---------------------------------------------------------------- policy parameters


def percent_text(share: Decimal) -> str:
    """0.70 → “70%”; 0.125 → “12.5%”."""
    pct = (share * 100).normalize()
    text = f"{pct:f}"
    return f"{text}%"


def yuan_text(amount: Decimal) -> str:
    """An amount in yuan as a policy writes it: 500000 → “50 万元”, 50000 → “5 万元”,
    1234.5 → “1,234.50 元”."""
    if amount >= 10000 and amount % 100 == 0:
        wan = (amount / 10000).normalize()
        return f"{wan:f} 万元"
    return f"{amount:,.2f} 元"


def parameter_text(unit: str, value: Decimal | int | bool | str, choices: tuple[tuple[str, str], ...] = ()) -> str:
    """A policy parameter's value as people write it, by the unit its definition declares:
    ``share`` 70%, ``yuan`` 50 万元, ``years`` 3 年, ``days`` 30 日, ``count`` 200 项,
    ``trl`` 第 6 级, ``weight`` +10%; 是/否 for a yes-or-no setting; a choice by its label."""
    if isinstance(value, bool):
        return "是" if value else "否"
    if choices:
        return choice_label(choices, value)
    if unit == "share":
        return percent_text(Decimal(str(value)))
    if unit == "weight":
        return "+" + percent_text(Decimal(str(value)))
    if unit == "yuan":
        return yuan_text(Decimal(str(value)))
    suffix = {"years": "年", "days": "日", "count": "项", "trl": "级"}.get(unit)
    if unit == "trl":
        return f"第 {value} 级"
    return f"{value} {suffix}" if suffix else str(value)
