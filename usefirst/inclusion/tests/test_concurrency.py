"""Two workers sweeping at once (two dates caught up in parallel, or a forced re-run during the
tick) include a project once: one `AutoInclusion`, one achievement, one notice."""

import datetime as dt
import threading

import pytest
from django.db import connections

from usefirst.catalog.models import Achievement
from usefirst.core.testing import database_for_threads, in_a_thread
from usefirst.inclusion.models import AutoInclusion
from usefirst.inclusion.services import sweep_include
from usefirst.notifications.models import Notification

from .builders import make_project


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_sweeps_at_once_include_a_project_once(provincial_reviewer, unit, owner, tmp_path):
    make_project(provincial_reviewer, unit)
    barrier = threading.Barrier(2)
    results: list[dict[str, int]] = []
    lock = threading.Lock()

    def worker(day: dt.date) -> None:
        try:
            barrier.wait()
            counts = sweep_include(day)
            with lock:
                results.append(counts)
        finally:
            connections.close_all()

    with database_for_threads(tmp_path):
        threads = [threading.Thread(target=worker, args=(day,)) for day in (dt.date(2026, 11, 26), dt.date(2026, 11, 27))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        counts = in_a_thread(
            lambda: (
                AutoInclusion.objects.count(),
                Achievement.objects.count(),
                Notification.objects.filter(kind="inclusion.auto_included").count(),
            )
        )
    assert sorted(r["included"] for r in results) == [0, 1]
    assert counts == (1, 1, 1)
