"""The workflow kernel: every lifecycle of the platform declared as one state machine, and the one
service that moves an object along it (docs/architecture.md, "The workflow kernel").

Declaring a workflow (in the app's ``workflows.py``, imported when the apps are ready)::

    class AchievementEventType(models.TextChoices):      # one per domain, Chinese labels
        CREATE = "create", "创建草稿"                     # events that are not transitions too
        SUBMIT = "submit", "提交审核"
        ...

    ACHIEVEMENT = workflow.register(workflow.Workflow(
        name="catalog.achievement",                      # stable, unique
        model=Achievement,
        states=AchievementStatus,                        # the status TextChoices (Chinese labels)
        event_model=AchievementEvent,                    # a TransitionEvent subclass
        event_types=AchievementEventType,                # every transition name is one of them
        noun="成果",                                     # used in refusals: “成果当前状态为…”
        groups=(workflow.StateGroup("open", "进行中", {...}),),   # optional
        transitions=(
            workflow.Transition(
                "submit", {S.DRAFT, S.RETURNED}, S.SUBMITTED, "提交",
                permission=Action.CHANGE,                # usefirst.core.permissions.can(actor, …, obj)
                guards=(NOT_RESTRICTED,),
            ),
            workflow.Transition("expire", S.PUBLISHED, S.EXPIRED, "到期", permission=workflow.SYSTEM),
            ...
        ),
    ))

``Transition(name, sources, target, label, *, permission, guards=(), forbidden=..., by_system=False)``:
``name`` is the event type written on the event row (a value of ``event_types``); ``sources`` one
state or several; ``label`` the Chinese verb of buttons and refusals (“不能提交”). ``permission``
says who may take it: an ``Action`` (asked of the chokepoint, ``can(actor, action, obj)``), a
predicate ``(actor, obj) -> bool`` for rules the chokepoint does not hold (a contract's
signatories), or ``SYSTEM`` (only jobs, ``actor=None``). ``by_system=True`` lets a job take a
user's transition as well. ``forbidden=(code, message)`` is the refusal when the permission fails.

``Guard(name, code, message, check, *, error=Conflict, field="", field_message="", in_allowed=True)``:
``check(obj, actor) -> bool`` gets the locked row; False refuses with ``error(message, code=code)``
(and ``field_message`` or the message at ``field`` when given). A check may instead raise a
``DomainError`` of its own, for a refusal with details per field. ``in_allowed=False`` keeps a
costly check out of ``allowed()`` and ``possible()`` (buttons; ``possible`` passes
``actor=None``): it runs only when the transition is taken.

Taking a transition — ``transition(wf, obj, name, *, actor, reason="", payload=None, also=None,
notices=(), expected_status=None) -> event row``, or ``move(...)`` with the same arguments, which
returns the locked, saved row instead — in one ``transaction.atomic()``:

1. re-reads the row with ``select_for_update()``;
2. refuses an actor without the permission (``Forbidden``, the transition's ``forbidden`` code);
3. refuses a stale state (``Conflict``, code ``stale_state``): the row is no longer in
   ``expected_status`` when one is given, or the caller's copy was in a source state and the row
   has moved on meanwhile (two people acting at once: exactly one wins);
4. refuses a move the table does not declare (``IllegalTransition``, ``illegal_transition``, with
   the workflow's Chinese refusal);
5. runs the guards in order;
6. sets the status and the ``also`` fields (a dict), saves only those fields, writes the event row
   (``event_type`` = the transition's name, from/to, actor, reason, payload; ``Decimal`` and dates
   in the payload are stored as text), and calls each of ``notices`` with the locked row.

Notices call ``usefirst.notifications.services.notify``, which writes the inbox rows in the same
transaction (a rolled-back move tells nobody) and queues every e-mail with
``transaction.on_commit``. The caller's ``obj`` gets the new status and ``also`` values; the
returned event's ``subject`` is the locked, saved row. Workflows whose event rows hang off another
object (finance events on their contract) give ``subject_of(obj)`` to name it and
``payload_of(obj)`` for the keys that say which of its items moved.

Events that are not transitions (creation, edits, a revision submitted) are written with
``record(wf, obj, event_type, *, actor, reason="", payload=None, from_status=None)``.

For pages and the API: ``allowed(wf, obj, actor)`` (the transitions this actor may take now),
``possible(wf, obj, name)`` (the state and the guards allow it, whoever asks), ``state_label``,
``group_of``, ``event_label`` (“提交审核” for a history row), and ``history(wf, events)``: the rows
every history page shows through ``templates/core/_history.html``.

Registry: ``register(wf)`` (returns it), ``registered()``, ``get(name)``. The core app imports
every app's ``workflows`` module when the apps are ready, and ``core/tests/test_workflows.py`` walks
every registered workflow (each app gives it an example row in ``tests/workflow_examples.py``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Final, Literal, cast

from django.db import models, transaction

from .actors import Actor, Visitor
from .errors import Conflict, DomainError, Forbidden, IllegalTransition
from .models import TransitionEvent
from .permissions import Action, can

SYSTEM: Final = "system"

Permission = Action | Callable[[Visitor, Any], bool] | Literal["system"]
Notice = Callable[[Any], object]


@dataclass(frozen=True)
class Guard:
    """A named condition a transition needs besides the state, refusing with its own code."""

    name: str
    code: str
    message: str
    check: Callable[[Any, Visitor | None], bool]
    error: type[DomainError] = Conflict
    field: str = ""
    field_message: str = ""
    in_allowed: bool = True

    def refusal(self) -> DomainError:
        fields = {self.field: [self.field_message or self.message]} if self.field else None
        return self.error(self.message, code=self.code, field_errors=fields)


@dataclass(frozen=True, init=False)
class Transition:
    name: str
    sources: frozenset[str]
    target: str
    label: str
    permission: Permission
    guards: tuple[Guard, ...]
    forbidden: tuple[str, str]
    by_system: bool

    def __init__(
        self,
        name: str,
        sources: str | Iterable[str],
        target: str,
        label: str,
        *,
        permission: Permission,
        guards: Sequence[Guard] = (),
        forbidden: tuple[str, str] = ("forbidden", "您没有执行此操作的权限"),
        by_system: bool = False,
    ) -> None:
        values = {
            "name": name,
            "sources": frozenset([sources] if isinstance(sources, str) else sources),
            "target": target,
            "label": label,
            "permission": permission,
            "guards": tuple(guards),
            "forbidden": forbidden,
            "by_system": by_system,
        }
        for key, value in values.items():
            object.__setattr__(self, key, value)

    def permits(self, actor: Visitor | None, obj: models.Model) -> bool:
        if actor is None:
            return self.permission == SYSTEM or self.by_system
        if self.permission == SYSTEM:
            return False
        if isinstance(self.permission, Action):
            return can(actor, self.permission, obj)
        return bool(self.permission(actor, obj))


@dataclass(frozen=True)
class StateGroup:
    name: str
    label: str
    states: frozenset[str]


@dataclass(frozen=True)
class Workflow:
    name: str
    model: type[models.Model]
    states: type[models.TextChoices]
    event_model: type[TransitionEvent]
    event_types: type[models.TextChoices]
    transitions: tuple[Transition, ...]
    status_field: str = "status"
    noun: str = ""
    groups: tuple[StateGroup, ...] = ()
    # The Chinese refusal of a move the table does not declare (default: “成果当前状态为“草稿”，不能发布”).
    refusal: Callable[[Any, Transition], str] | None = None
    subject_of: Callable[[Any], models.Model] | None = None
    payload_of: Callable[[Any], Mapping[str, Any]] | None = None
    by_name: Mapping[str, Transition] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        states = set(self.states.values)
        events = set(self.event_types.values)
        by_name: dict[str, Transition] = {}
        for step in self.transitions:
            if step.name in by_name:
                raise ValueError(f"{self.name}: transition {step.name!r} declared twice")
            if step.name not in events:
                raise ValueError(f"{self.name}: transition {step.name!r} is not one of {self.event_types.__name__}")
            unknown = (step.sources | {step.target}) - states
            if unknown or not step.sources:
                raise ValueError(f"{self.name}: transition {step.name!r} names unknown states {sorted(unknown)}")
            by_name[step.name] = step
        for group in self.groups:
            if not group.states <= states:
                raise ValueError(f"{self.name}: group {group.name!r} names unknown states")
        object.__setattr__(self, "by_name", by_name)

    def transition(self, name: str) -> Transition:
        try:
            return self.by_name[name]
        except KeyError:
            raise LookupError(f"{self.name} has no transition {name!r}") from None

    def status_of(self, obj: Any) -> str:
        return str(getattr(obj, self.status_field))

    def describe_refusal(self, obj: Any, step: Transition) -> str:
        if self.refusal is not None:
            return self.refusal(obj, step)
        return f"{self.noun_text}当前状态为“{state_label(self, self.status_of(obj))}”，不能{step.label}"

    @property
    def noun_text(self) -> str:
        return self.noun or str(self.model._meta.verbose_name)


# ---------------------------------------------------------------- registry

_REGISTRY: dict[str, Workflow] = {}


def register(workflow: Workflow) -> Workflow:
    existing = _REGISTRY.get(workflow.name)
    if existing is not None and existing.model is not workflow.model:
        raise ValueError(f"workflow {workflow.name!r} registered twice")
    _REGISTRY[workflow.name] = workflow
    return workflow


def registered() -> list[Workflow]:
    return [_REGISTRY[name] for name in sorted(_REGISTRY)]


def get(name: str) -> Workflow:
    return _REGISTRY[name]


# ---------------------------------------------------------------- taking a transition


def transition(
    workflow: Workflow,
    obj: models.Model,
    name: str,
    *,
    actor: Actor | None,
    reason: str = "",
    payload: Mapping[str, Any] | None = None,
    also: Mapping[str, Any] | None = None,
    notices: Iterable[Notice] = (),
    expected_status: str | None = None,
) -> TransitionEvent:
    """Take the transition `name` on `obj` (see the module docstring for the order of refusals);
    returns the event row written."""
    event, _ = _take(workflow, obj, name, actor, reason, payload, also, notices, expected_status)
    return event


def move[M: models.Model](
    workflow: Workflow,
    obj: M,
    name: str,
    *,
    actor: Actor | None,
    reason: str = "",
    payload: Mapping[str, Any] | None = None,
    also: Mapping[str, Any] | None = None,
    notices: Iterable[Notice] = (),
    expected_status: str | None = None,
) -> M:
    """The same as `transition`, for services that hand the moved object back: returns the
    locked, saved row (with its status and `also` fields as just written)."""
    _, locked = _take(workflow, obj, name, actor, reason, payload, also, notices, expected_status)
    return locked


def _take[M: models.Model](
    workflow: Workflow,
    obj: M,
    name: str,
    actor: Actor | None,
    reason: str,
    payload: Mapping[str, Any] | None,
    also: Mapping[str, Any] | None,
    notices: Iterable[Notice],
    expected_status: str | None,
) -> tuple[TransitionEvent, M]:
    step = workflow.transition(name)
    seen = workflow.status_of(obj)
    with transaction.atomic():
        locked = cast(M, workflow.model._default_manager.select_for_update().get(pk=obj.pk))
        if not step.permits(actor, locked):
            code, message = step.forbidden
            raise Forbidden(message, code=code)
        current = workflow.status_of(locked)
        moved_meanwhile = current != seen and seen in step.sources
        if (expected_status is not None and current != expected_status) or (current not in step.sources and moved_meanwhile):
            raise Conflict(
                f"{workflow.noun_text}的状态已变更为“{state_label(workflow, current)}”，请刷新后再操作",
                code="stale_state",
            )
        if current not in step.sources:
            raise IllegalTransition(workflow.describe_refusal(locked, step), code="illegal_transition")
        for guard in step.guards:
            if not guard.check(locked, actor):
                raise guard.refusal()
        changes = {workflow.status_field: step.target, **(also or {})}
        for attribute, value in changes.items():
            setattr(locked, attribute, value)
        locked.save(update_fields=list(changes))
        event = _write(
            workflow,
            locked,
            event_type=step.name,
            from_status=current,
            actor=actor,
            reason=reason,
            payload=payload,
        )
        for notice in notices:
            notice(locked)
    if obj is not locked:
        for attribute, value in changes.items():
            setattr(obj, attribute, value)
    return event, locked


def record(
    workflow: Workflow,
    obj: models.Model,
    event_type: str,
    *,
    actor: Actor | None,
    reason: str = "",
    payload: Mapping[str, Any] | None = None,
    from_status: str | None = None,
) -> TransitionEvent:
    """An event row that is not a transition (creation: `from_status=""`; an edit; a revision):
    the status stays what it is. The caller holds the transaction and any lock it needs."""
    if event_type not in workflow.event_types.values:
        raise ValueError(f"{workflow.name}: {event_type!r} is not one of {workflow.event_types.__name__}")
    current = workflow.status_of(obj)
    return _write(
        workflow,
        obj,
        event_type=event_type,
        from_status=current if from_status is None else from_status,
        actor=actor,
        reason=reason,
        payload=payload,
    )


def _jsonable(value: Any) -> Any:
    if isinstance(value, Decimal | dt.date):  # dt.datetime is a dt.date
        return str(value) if isinstance(value, Decimal) else value.isoformat()
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value


def _write(
    workflow: Workflow,
    obj: models.Model,
    *,
    event_type: str,
    from_status: str,
    actor: Actor | None,
    reason: str,
    payload: Mapping[str, Any] | None,
) -> TransitionEvent:
    data = {**(workflow.payload_of(obj) if workflow.payload_of else {}), **(payload or {})}
    return workflow.event_model._default_manager.create(  # type: ignore[misc]  # concrete subclasses add `subject`
        subject=workflow.subject_of(obj) if workflow.subject_of else obj,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        event_type=event_type,
        from_status=from_status,
        to_status=workflow.status_of(obj),
        reason=reason,
        payload=_jsonable(data),
    )


# ---------------------------------------------------------------- reading


def possible(workflow: Workflow, obj: Any, name: str) -> bool:
    """The state and the guards (those shown in `allowed`) allow the move, whoever asks."""
    step = workflow.transition(name)
    return workflow.status_of(obj) in step.sources and _guards_pass(step, obj, None)


def allowed(workflow: Workflow, obj: Any, actor: Visitor | None) -> list[Transition]:
    """The transitions `actor` may take on `obj` now, in declaration order (for buttons)."""
    status = workflow.status_of(obj)
    return [
        step
        for step in workflow.transitions
        if status in step.sources and step.permits(actor, obj) and _guards_pass(step, obj, actor)
    ]


def _guards_pass(step: Transition, obj: Any, actor: Visitor | None) -> bool:
    for guard in step.guards:
        if not guard.in_allowed:
            continue
        try:
            if not guard.check(obj, actor):
                return False
        except DomainError:
            return False
    return True


def state_label(workflow: Workflow, status: str) -> str:
    try:
        return str(workflow.states(status).label)
    except ValueError:
        return status


def group_of(workflow: Workflow, status: str) -> StateGroup | None:
    return next((group for group in workflow.groups if status in group.states), None)


@dataclass(frozen=True)
class HistoryRow:
    """One event of an object's history as every history page shows it, in words
    (``templates/core/_history.html``)."""

    at: dt.datetime
    actor: str  # the person's name, or 系统 for a job
    what: str  # “提交审核”; empty for rows written before event types were recorded
    from_label: str  # “草稿”, or — when the object was created
    to_label: str
    reason: str

    @property
    def moved(self) -> bool:
        return self.from_label != self.to_label


def history(workflow: Workflow, events: Iterable[TransitionEvent]) -> list[HistoryRow]:
    """The event rows of one object, as the pages show them: what happened, who did it and how
    the status moved, every status by its Chinese label. ``events`` come in the order shown."""
    return [
        HistoryRow(
            at=event.at,
            actor=event.actor.full_name if event.actor is not None else "系统",
            what=event_label(workflow, event),
            from_label=state_label(workflow, event.from_status) if event.from_status else "—",
            to_label=state_label(workflow, event.to_status),
            reason=event.reason,
        )
        for event in events
    ]


def event_label(workflow: Workflow, event: TransitionEvent) -> str:
    """“提交审核” for a history row; rows written before event types were recorded have none."""
    event_type = getattr(event, "event_type", "")
    if event_type in workflow.event_types.values:
        return str(workflow.event_types(event_type).label)
    return ""
