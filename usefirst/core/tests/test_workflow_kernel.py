"""The workflow kernel on a trial machine over organisations (not registered): what a transition
writes, the order of its refusals, the helpers for pages, and two people acting at once."""

from __future__ import annotations

import sqlite3
import threading
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection, connections, models

from usefirst.accounts.models import Membership, Organisation, OrganisationEvent, OrganisationStatus
from usefirst.core import workflow
from usefirst.core.errors import Conflict, DomainError, Forbidden, IllegalTransition
from usefirst.core.permissions import Action
from usefirst.core.testing import make_org, make_user

S = OrganisationStatus


class TrialEventType(models.TextChoices):
    SUBMIT = "submit", "提交审核"
    APPROVE = "approve", "审核通过"
    SUSPEND = "suspend", "停用"
    NOTE = "note", "备注"


def _is_admin(actor: Any, organisation: Organisation) -> bool:
    return Membership.objects.filter(user=actor, organisation=organisation, role=Membership.Role.ADMIN).exists()


HAS_COUNTY = workflow.Guard(
    "has_representative",
    "representative_missing",
    "请填写法定代表人",
    lambda org, actor: org.legal_representative != "待补充",
    error=DomainError,
    field="legal_representative",
)

TRIAL = workflow.Workflow(
    name="trial.organisation",
    model=Organisation,
    states=OrganisationStatus,
    event_model=OrganisationEvent,
    event_types=TrialEventType,
    noun="机构",
    groups=(
        workflow.StateGroup("pending", "办理中", frozenset({S.DRAFT, S.SUBMITTED, S.RETURNED})),
        workflow.StateGroup("settled", "已办结", frozenset({S.ACTIVE, S.SUSPENDED})),
    ),
    transitions=(
        workflow.Transition(
            "submit",
            {S.DRAFT, S.RETURNED},
            S.SUBMITTED,
            "提交",
            permission=_is_admin,
            forbidden=("not_org_admin", "只有管理员可以提交"),
        ),
        workflow.Transition("approve", S.SUBMITTED, S.ACTIVE, "通过", permission=Action.ADMINISTER, guards=(HAS_COUNTY,)),
        workflow.Transition("suspend", S.ACTIVE, S.SUSPENDED, "停用", permission=workflow.SYSTEM),
    ),
)


def _org(status: str = S.DRAFT, **extra: Any) -> Organisation:
    org = make_org()
    Organisation.objects.filter(pk=org.pk).update(status=status, **extra)
    org.refresh_from_db()
    return org


@pytest.fixture
def applicant(db: Any) -> tuple[Organisation, Any]:
    org = _org(S.DRAFT)
    return org, make_user(org, role=Membership.Role.ADMIN)


def test_a_declared_transition_moves_the_row_and_writes_one_event(applicant):
    org, admin = applicant
    told: list[Any] = []
    event = workflow.transition(
        TRIAL,
        org,
        "submit",
        actor=admin,
        reason="材料齐全",
        payload={"amount": Decimal("12.50")},
        also={"county": "越秀区"},
        notices=[told.append],
    )
    assert (event.event_type, event.from_status, event.to_status) == ("submit", S.DRAFT, S.SUBMITTED)
    assert (event.actor, event.reason, event.payload) == (admin, "材料齐全", {"amount": "12.50"})
    assert org.status == S.SUBMITTED and org.county == "越秀区"  # the caller's copy follows
    stored = Organisation.objects.get(pk=org.pk)
    assert (stored.status, stored.county) == (S.SUBMITTED, "越秀区")
    assert told == [event.subject] and event.subject.status == S.SUBMITTED
    assert OrganisationEvent.objects.filter(subject=org).count() == 1
    assert workflow.event_label(TRIAL, event) == "提交审核"


def test_move_hands_back_the_locked_saved_row_and_writes_the_same_event(applicant):
    org, admin = applicant
    moved = workflow.move(TRIAL, org, "submit", actor=admin, also={"county": "越秀区"})
    assert isinstance(moved, Organisation) and moved is not org
    assert (moved.status, moved.county) == (S.SUBMITTED, "越秀区")
    assert org.status == S.SUBMITTED  # the caller's copy follows, as with transition()
    event = OrganisationEvent.objects.get(subject=org)
    assert (event.event_type, event.from_status, event.to_status) == ("submit", S.DRAFT, S.SUBMITTED)


def test_a_move_the_table_does_not_declare_is_refused_and_changes_nothing(applicant, provincial_admin):
    org, _ = applicant
    with pytest.raises(IllegalTransition) as exc:
        workflow.transition(TRIAL, org, "approve", actor=provincial_admin)
    assert exc.value.code == "illegal_transition"
    assert exc.value.detail == "机构当前状态为“待验证邮箱”，不能通过"
    assert Organisation.objects.get(pk=org.pk).status == S.DRAFT
    assert not OrganisationEvent.objects.filter(subject=org).exists()


def test_a_row_moved_meanwhile_is_a_stale_state(applicant):
    org, admin = applicant
    seen = Organisation.objects.get(pk=org.pk)
    workflow.transition(TRIAL, org, "submit", actor=admin)
    with pytest.raises(Conflict) as exc:
        workflow.transition(TRIAL, seen, "submit", actor=admin)
    assert exc.value.code == "stale_state"
    assert "已变更为“待审核”" in exc.value.detail
    assert OrganisationEvent.objects.filter(subject=org).count() == 1


def test_an_expected_status_that_no_longer_holds_is_a_stale_state(applicant):
    org, admin = applicant
    with pytest.raises(Conflict) as exc:
        workflow.transition(TRIAL, org, "submit", actor=admin, expected_status=S.RETURNED)
    assert exc.value.code == "stale_state"
    assert Organisation.objects.get(pk=org.pk).status == S.DRAFT


def test_who_may_take_a_transition_is_checked_first(applicant, outsider, provincial_admin):
    org, _ = applicant
    with pytest.raises(Forbidden) as exc:
        workflow.transition(TRIAL, org, "submit", actor=outsider)
    assert (exc.value.code, exc.value.detail) == ("not_org_admin", "只有管理员可以提交")
    with pytest.raises(Forbidden):  # a user transition is not a job's
        workflow.transition(TRIAL, org, "submit", actor=None)
    active = _org(S.ACTIVE)
    with pytest.raises(Forbidden) as exc:  # nor is a job's a user's
        workflow.transition(TRIAL, active, "suspend", actor=provincial_admin)
    assert exc.value.code == "forbidden"
    assert workflow.transition(TRIAL, active, "suspend", actor=None).actor is None
    assert Organisation.objects.get(pk=org.pk).status == S.DRAFT


def test_a_failing_guard_refuses_with_its_own_code_and_changes_nothing(provincial_admin):
    org = _org(S.SUBMITTED, legal_representative="待补充")
    with pytest.raises(DomainError) as exc:
        workflow.transition(TRIAL, org, "approve", actor=provincial_admin)
    assert (exc.value.code, exc.value.field_errors) == ("representative_missing", {"legal_representative": ["请填写法定代表人"]})
    assert Organisation.objects.get(pk=org.pk).status == S.SUBMITTED
    assert not OrganisationEvent.objects.filter(subject=org).exists()


def test_a_failing_notice_rolls_the_move_back(applicant):
    org, admin = applicant

    def broken(_: Any) -> None:
        raise RuntimeError("mail server down")

    with pytest.raises(RuntimeError):
        workflow.transition(TRIAL, org, "submit", actor=admin, notices=[broken])
    assert Organisation.objects.get(pk=org.pk).status == S.DRAFT
    assert not OrganisationEvent.objects.filter(subject=org).exists()


def test_pages_ask_which_transitions_an_actor_may_take(applicant, provincial_admin, outsider):
    org, admin = applicant
    assert [t.name for t in workflow.allowed(TRIAL, org, admin)] == ["submit"]
    assert workflow.allowed(TRIAL, org, outsider) == []
    submitted = _org(S.SUBMITTED)
    assert [t.name for t in workflow.allowed(TRIAL, submitted, provincial_admin)] == ["approve"]
    assert workflow.possible(TRIAL, submitted, "approve")
    assert not workflow.possible(TRIAL, _org(S.SUBMITTED, legal_representative="待补充"), "approve")  # the guard fails
    assert workflow.state_label(TRIAL, S.RETURNED) == "已退回"
    group = workflow.group_of(TRIAL, S.SUSPENDED)
    assert group is not None and (group.name, group.label) == ("settled", "已办结")


def test_an_event_that_is_not_a_transition_keeps_the_status(applicant):
    org, admin = applicant
    event = workflow.record(TRIAL, org, "note", actor=admin, reason="补充说明", payload={"page": 2})
    assert (event.event_type, event.from_status, event.to_status, event.payload) == ("note", S.DRAFT, S.DRAFT, {"page": 2})
    with pytest.raises(ValueError):
        workflow.record(TRIAL, org, "unknown", actor=admin)


def test_the_history_says_in_chinese_what_happened_who_did_it_and_how_the_status_moved(applicant):
    org, admin = applicant
    workflow.transition(TRIAL, org, "submit", actor=admin, reason="材料齐全\n请审核")
    workflow.record(TRIAL, org, "note", actor=admin, reason="补充说明")
    OrganisationEvent.objects.create(
        subject=org, actor=None, from_status=S.SUBMITTED, to_status=S.ACTIVE
    )  # an untyped, older row
    rows = workflow.history(TRIAL, OrganisationEvent.objects.filter(subject=org).order_by("pk"))
    said = [(r.what, r.from_label, r.to_label, r.moved, r.actor, r.reason) for r in rows]
    assert said == [
        ("提交审核", "待验证邮箱", "待审核", True, admin.full_name, "材料齐全\n请审核"),
        ("备注", "待审核", "待审核", False, admin.full_name, "补充说明"),
        ("", "待审核", "已认证", True, "系统", ""),
    ]


def test_a_declaration_that_names_unknown_states_or_events_is_refused():
    def declare(*transitions: workflow.Transition) -> workflow.Workflow:
        return workflow.Workflow(
            name="trial.broken",
            model=Organisation,
            states=OrganisationStatus,
            event_model=OrganisationEvent,
            event_types=TrialEventType,
            transitions=transitions,
        )

    with pytest.raises(ValueError, match="unknown states"):
        declare(workflow.Transition("submit", "nowhere", S.ACTIVE, "提交", permission=Action.CHANGE))
    with pytest.raises(ValueError, match="not one of"):
        declare(workflow.Transition("launch", S.DRAFT, S.ACTIVE, "发射", permission=Action.CHANGE))
    step = workflow.Transition("submit", S.DRAFT, S.SUBMITTED, "提交", permission=Action.CHANGE)
    with pytest.raises(ValueError, match="twice"):
        declare(step, step)
    assert declare(step).noun_text == "机构"  # the model's verbose name when no noun is given


# ---------------------------------------------------------------- two people at once


def _file_backed(tmp_path: Any) -> dict[str, Any] | None:
    """SQLite's in-memory test database fails concurrent writers instead of making them wait;
    copy it into a file, where WAL and IMMEDIATE transactions behave as in production."""
    if connection.vendor != "sqlite" or not connection.is_in_memory_db():
        return None
    original = connections.settings["default"]
    path = tmp_path / "workflow.sqlite3"
    connection.ensure_connection()
    target = sqlite3.connect(path)
    connection.connection.backup(target)
    target.close()
    connections.settings["default"] = {**original, "NAME": str(path)}
    return original


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_concurrent_transitions_of_one_object_one_wins_the_other_is_told_it_is_stale(tmp_path):
    org = _org(S.DRAFT)
    admin = make_user(org, role=Membership.Role.ADMIN)
    original = _file_backed(tmp_path)
    outcomes: list[str] = []
    lock = threading.Lock()
    barrier = threading.Barrier(2)

    def worker() -> None:
        try:
            seen = Organisation.objects.get(pk=org.pk)
            barrier.wait()
            try:
                workflow.transition(TRIAL, seen, "submit", actor=admin)
                result = "moved"
            except DomainError as exc:
                result = exc.code
            with lock:
                outcomes.append(result)
        finally:
            connections.close_all()

    result: dict[str, Any] = {}

    def read() -> None:
        try:
            result["status"] = Organisation.objects.get(pk=org.pk).status
            result["events"] = OrganisationEvent.objects.filter(subject_id=org.pk).count()
        finally:
            connections.close_all()

    try:
        threads = [threading.Thread(target=worker) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
        reader = threading.Thread(target=read)
        reader.start()
        reader.join()
    finally:
        if original is not None:
            connections.settings["default"] = original
    print(f"\n[{connection.vendor}] {sorted(outcomes)} {result}")
    assert sorted(outcomes) == ["moved", "stale_state"]
    assert result == {"status": S.SUBMITTED, "events": 1}
