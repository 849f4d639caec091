"""The one place where recognition rows are locked (docs/architecture.md, "How a request flows").

Row locks order concurrent writers on PostgreSQL; on SQLite they do nothing (IMMEDIATE
transactions serialise writers instead). The limits themselves rest on database constraints
(see models.py), so they hold on both.
"""

from __future__ import annotations

from .models import Objection, Recognition, RecognitionApplication, RecognitionYear


def lock_application(pk: int) -> RecognitionApplication:
    return RecognitionApplication.objects.select_for_update().select_related("achievement", "unit").get(pk=pk)


def lock_recognition(pk: int) -> Recognition:
    return Recognition.objects.select_for_update().get(pk=pk)


def lock_year(year: int) -> RecognitionYear:
    return RecognitionYear.objects.select_for_update().get(year=year)


def lock_objection(pk: int) -> Objection:
    return Objection.objects.select_for_update().get(pk=pk)
