"""Child processes a test or a bench started (a demo site, gunicorn nodes): stopped the one way."""

from __future__ import annotations

import subprocess
from collections.abc import Iterable


def stop(processes: Iterable[subprocess.Popen[bytes]], *, timeout: float = 30) -> None:
    """Asks each process to end (SIGTERM), then waits up to `timeout` seconds for each and kills
    the ones still running."""
    running = list(processes)
    for process in running:
        process.terminate()
    for process in running:
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
