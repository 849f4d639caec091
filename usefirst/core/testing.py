"""Test personas and builders shared by every app's tests (pytest fixtures).

Personas: anonymous, outsider (an unrelated enterprise), owner (a university's staff),
reviewer (the department that reviews the owner), provincial admin.
"""

from __future__ import annotations

import itertools
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from django.db import connection, connections, models

from usefirst.accounts.models import Membership, Organisation, OrganisationKind, OrganisationStatus, User
from usefirst.core.identifiers import CREDIT_CODE_ALPHABET, credit_code_check_char

_serial = itertools.count(1)

# One example row per registered workflow (usefirst/core/workflow.py), for the generated test of
# every workflow (core/tests/test_workflows.py). Each app registers its builders in
# `<app>/tests/workflow_examples.py`; the row may be in any state, the test sets the status.
WORKFLOW_EXAMPLES: dict[str, Callable[[], models.Model]] = {}


def workflow_example(name: str) -> Callable[[Callable[[], models.Model]], Callable[[], models.Model]]:
    def decorator(builder: Callable[[], models.Model]) -> Callable[[], models.Model]:
        WORKFLOW_EXAMPLES[name] = builder
        return builder

    return decorator


def make_credit_code(area: str = "440100") -> str:
    """A valid unified social credit code (fictitious), unique per call."""
    n = next(_serial)
    body = f"12{area}{n:09d}"
    body = "".join(c if c in CREDIT_CODE_ALPHABET else "0" for c in body)[:17]
    return body + credit_code_check_char(body)


def make_org(
    kind: str = OrganisationKind.UNIVERSITY,
    *,
    name: str | None = None,
    city: str = "广州市",
    county: str = "天河区",
    **extra: Any,
) -> Organisation:
    if kind == OrganisationKind.ENTERPRISE:
        extra.setdefault("enterprise_size", "small")
    org = Organisation(
        name=name or f"测试机构{next(_serial)}",
        kind=kind,
        credit_code=make_credit_code(),
        legal_representative="张三",
        city=city,
        county=county,
        status=OrganisationStatus.ACTIVE,
        **extra,
    )
    org.full_clean()
    org.save()
    return org


def make_user(
    org: Organisation | None = None, *, role: str = Membership.Role.STAFF, email: str | None = None, **extra: Any
) -> User:
    user = User.objects.create_user(
        email or f"user{next(_serial)}@example.com", "correct-horse-battery", full_name="测试用户", **extra
    )
    if org is not None:
        Membership.objects.create(user=user, organisation=org, role=role, can_sign=role == Membership.Role.ADMIN)
    return user


@pytest.fixture
def province(db: Any) -> Organisation:
    return make_org(OrganisationKind.PROVINCIAL_DEPARTMENT, name="广东省科学技术厅", city="广州市", county="越秀区")


@pytest.fixture
def provincial_admin(province: Organisation) -> User:
    return make_user(province, role=Membership.Role.ADMIN)


@pytest.fixture
def provincial_reviewer(province: Organisation) -> User:
    return make_user(province, role=Membership.Role.STAFF)


@pytest.fixture
def unit(province: Organisation) -> Organisation:
    """A university reviewed by the provincial department (no sector department in these tests)."""
    org = make_org(OrganisationKind.UNIVERSITY, name="华南测试大学")
    org.reviewing_department = province
    org.save()
    return org


@pytest.fixture
def owner(unit: Organisation) -> User:
    return make_user(unit, role=Membership.Role.ADMIN)


@pytest.fixture
def enterprise(province: Organisation) -> Organisation:
    city_dept = make_org(OrganisationKind.CITY_DEPARTMENT, name="韶关市科学技术局", city="韶关市", county="浈江区")
    org = make_org(
        OrganisationKind.ENTERPRISE, name="韶关测试科技有限公司", city="韶关市", county="浈江区", enterprise_size="small"
    )
    org.reviewing_department = city_dept
    org.save()
    return org


@pytest.fixture
def outsider(enterprise: Organisation) -> User:
    return make_user(enterprise, role=Membership.Role.ADMIN)


# ---------------------------------------------------------------- threads with their own connections


@contextmanager
def database_for_threads(tmp_path: Path) -> Iterator[Path | None]:
    """For a transactional test whose threads each open their own connection: they see what the
    test wrote so far, and lock as production does.

    PostgreSQL: the test database itself. SQLite's test database is in memory (shared cache),
    where a second writer fails with "table is locked" instead of waiting; so it is copied into
    a file (sqlite3's backup API) and the threads' connections open that file, where WAL,
    IMMEDIATE transactions and the busy timeout apply as in production. Yields that file (None
    on PostgreSQL); the test's own connection still sees the original, so read results with
    `in_a_thread`."""
    original = connections.settings["default"]
    file_backed = None
    if connection.vendor == "sqlite" and connection.is_in_memory_db():  # type: ignore[attr-defined]  # SQLite only
        file_backed = tmp_path / "threads.sqlite3"
        connection.ensure_connection()
        target = sqlite3.connect(file_backed)
        connection.connection.backup(target)
        # WAL is kept in the file. Switched here, once, because threads opening a file still in
        # rollback mode at the same moment each run the settings' `journal_mode=WAL`, and the
        # loser of that switch gets "database is locked" at once (the busy timeout does not
        # cover it), before its first query.
        target.execute("PRAGMA journal_mode=WAL")
        target.close()
        connections.settings["default"] = {**original, "NAME": str(file_backed)}
    try:
        yield file_backed
    finally:
        connections.settings["default"] = original


def delete_broker_queues(url: str, names: list[str]) -> None:
    """Delete these queues and their exchanges (of the same names) on the broker at `url`: a test
    run's own, so that nothing of it stays on a shared RabbitMQ."""
    from kombu.connection import Connection

    with Connection(url) as broker:
        channel = broker.default_channel
        for name in names:
            channel.queue_delete(name)
            channel.exchange_delete(name)


def in_a_thread[T](function: Callable[[], T]) -> T:
    """`function()` run in a thread of its own (its own connection, closed afterwards)."""
    results: list[T] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            results.append(function())
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    if errors:
        raise errors[0]
    return results[0]
