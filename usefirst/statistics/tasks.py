"""The worker keeps the dashboards' rollup fresh: every hour (the scheduler imports this module)."""

from __future__ import annotations

from crontask import cron
from django.tasks import task


@cron("17 * * * *")
@task()
def refresh_statistics() -> int:
    """Rebuild the statistics rollup; returns the number of cells."""
    from .rollup import refresh

    return refresh().cells
