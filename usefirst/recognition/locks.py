"""The one place where recognition rows are locked (docs/architecture.md, "How a request flows").

Row locks order concurrent writers on PostgreSQL; on SQLite they do nothing (IMMEDIATE
transactions serialise writers instead). The limits themselves rest on database constraints
(see models.py), so they hold on both. Applications and misconduct records are locked by the
workflow kernel when they move (usefirst/core/workflow.py).
"""

from __future__ import annotations

from .models import Objection, Recognition, RecognitionYear


def lock_recognition(pk: int) -> Recognition:
    return Recognition.objects.select_for_update().get(pk=pk)


def lock_year(year: int) -> RecognitionYear:
    return RecognitionYear.objects.select_for_update().get(year=year)


def lock_quota(year: int) -> RecognitionYear | None:
    """The year's quota row, if it has one: taken first by every write that touches both an
    application and the quota (recognition, revocation), so that they queue in one order; a
    year's recognitions are numbered one at a time under it."""
    return RecognitionYear.objects.select_for_update().filter(year=year).first()


def lock_objection(pk: int) -> Objection:
    return Objection.objects.select_for_update().get(pk=pk)
