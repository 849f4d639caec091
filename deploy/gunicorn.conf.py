"""gunicorn settings for a web node (docs/deployment.md). Every value can be overridden from the
environment (GUNICORN_*), the rest of the configuration is the application's (USEFIRST_*).

    DJANGO_SETTINGS_MODULE=usefirst.settings.production \\
        .venv/bin/gunicorn -c deploy/gunicorn.conf.py usefirst.wsgi:application
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8001")
workers = int(os.environ.get("GUNICORN_WORKERS", "3"))  # about 2 per core
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
# The application, its templates and the search dictionary are loaded once in the master and
# shared copy-on-write by the workers (the jieba dictionary alone is ~65 MiB per process
# otherwise).
preload_app = True
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))  # a PDF or an export can take a while
graceful_timeout = 30
keepalive = 5
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "5000"))  # recycle a worker now and then
max_requests_jitter = 500
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = "-"
# the proxy's request id, the client as the proxy saw it, the time taken in microseconds
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(D)sus rid=%({x-request-id}i)s'

_metrics_dir = os.environ.get("PROMETHEUS_MULTIPROC_DIR", "")


def on_starting(server: Any) -> None:
    """Empty the shared metrics directory: counters start at zero with the service."""
    if _metrics_dir:
        shutil.rmtree(_metrics_dir, ignore_errors=True)
        Path(_metrics_dir).mkdir(parents=True, exist_ok=True)


def child_exit(server: Any, worker: Any) -> None:
    """A worker that ends leaves its gauges behind no more (prometheus_client's multiprocess mode)."""
    if _metrics_dir:
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)  # type: ignore[no-untyped-call]
