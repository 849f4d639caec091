"""Rule 3 under concurrent requests: 250 recognitions through 50 workers, each thread with its
own database connection, find exactly 200 granted (the default cap) and no unhandled error.

PostgreSQL runs it against the test database directly. SQLite's test database is in memory
(shared cache), where concurrent writers fail with "table is locked" instead of waiting; so on
SQLite the test copies the prepared database into a file (sqlite3's backup API) and points the
worker threads' connections at that file, where WAL and IMMEDIATE transactions apply as in
production. Either way it runs in `make test`.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import Counter
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection, connections

from usefirst.accounts.models import Membership
from usefirst.core.errors import DomainError
from usefirst.core.testing import database_for_threads, in_a_thread, make_org, make_user
from usefirst.recognition import services, sources
from usefirst.recognition.models import (
    ApplicationStatus,
    Recognition,
    RecognitionApplication,
    RecognitionPerson,
    RecognitionYear,
)

from .builders import make_achievement, make_person

REQUESTS = 250
WORKERS = 50


def _prepare(province: Any) -> tuple[Any, list[int]]:
    reviewer = make_user(province)
    units = [make_org(name=f"并发测试大学{i}") for i in range(5)]
    for unit in units:
        make_user(unit, role=Membership.Role.ADMIN)
    today = dt.date.today()  # noqa: DTZ011  (only to place the notice period in the past)
    applications = []
    for i in range(REQUESTS):
        unit = units[i % len(units)]
        achievement = make_achievement(unit, persons=[make_person(f"完成人{i}")], title=f"并发测试成果{i}")
        applications.append(
            RecognitionApplication(
                achievement=achievement,
                unit=unit,
                year=2026,
                mode="pay_later",
                amount_received=Decimal("500000.00"),
                key_technology_declared=True,
                key_technology_confirmed=True,
                status=ApplicationStatus.PUBLIC_NOTICE,
                notice_start=today - dt.timedelta(days=20),
                notice_end=today - dt.timedelta(days=10),
                recommended_by=unit,
            )
        )
    RecognitionApplication.objects.bulk_create(applications)
    return reviewer, list(RecognitionApplication.objects.order_by("pk").values_list("pk", flat=True))


def _run(reviewer: Any, ids: list[int]) -> tuple[Counter[str], list[BaseException]]:
    outcomes: Counter[str] = Counter()
    unhandled: list[BaseException] = []
    lock = threading.Lock()
    queue = list(ids)
    barrier = threading.Barrier(WORKERS)

    def worker() -> None:
        try:
            barrier.wait()
            while True:
                with lock:
                    if not queue:
                        return
                    pk = queue.pop()
                try:
                    application = RecognitionApplication.objects.get(pk=pk)
                    services.application_recognise(actor=reviewer, application=application)
                    result = "granted"
                except DomainError as exc:
                    result = exc.code
                except BaseException as exc:
                    with lock:
                        unhandled.append(exc)
                    continue
                with lock:
                    outcomes[result] += 1
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(WORKERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=600)
    return outcomes, unhandled


def _counts() -> dict[str, int]:
    return in_a_thread(
        lambda: {
            "recognitions": Recognition.objects.count(),
            "persons": RecognitionPerson.objects.count(),
            "used": RecognitionYear.objects.get(year=2026).used,
            "recognised_applications": RecognitionApplication.objects.filter(status=ApplicationStatus.RECOGNISED).count(),
            "numbers": Recognition.objects.values("number").distinct().count(),
        }
    )


@pytest.mark.slow
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_250_concurrent_recognitions_grant_exactly_200(province, monkeypatch, tmp_path):
    # The subject here is the quota, not the money: every achievement has just reached the threshold.
    monkeypatch.setattr(
        sources, "received_for_achievement", lambda achievement, **kw: sources.Received(amount=Decimal("500000.00"))
    )
    reviewer, ids = _prepare(province)
    services.quota_for_year(2026)

    with database_for_threads(tmp_path) as file_backed:
        outcomes, unhandled = _run(reviewer, ids)
        counts = _counts()

    print(f"\n[{connection.vendor}{' file' if file_backed else ''}] {dict(outcomes)} {counts}")
    assert unhandled == []
    assert outcomes == Counter({"granted": 200, "recognition_quota_exhausted": 50})
    assert counts == {"recognitions": 200, "persons": 200, "used": 200, "recognised_applications": 200, "numbers": 200}
