"""Background work: large achievement imports are written by the worker."""

from __future__ import annotations

from django.tasks import task


@task()
def run_achievement_import(batch_id: int) -> str:
    from .imports.achievements import achievement_import_run

    return str(achievement_import_run(batch_id=batch_id).outcome)
