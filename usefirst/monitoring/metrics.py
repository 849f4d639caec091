"""Metrics for Prometheus (docs/operations.md, "Metrics").

Counted in the web process: requests by method, route and status, and their latency; keyword
questions searched rather than answered from the cache, by kind and way. Read from
the database when scraped, so they are the same whichever process answers: the task queue's depth
and oldest wait per queue, tasks by state, the scheduler's last tick, and the search index's
documents against what it should hold. Task failures are counted by the worker that ran them.

With several processes (gunicorn workers, the worker), set PROMETHEUS_MULTIPROC_DIR to a shared,
emptied-at-start directory: the counters of every process are then added up on each scrape.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from typing import Any

from django.http import HttpRequest, HttpResponse
from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector

REQUESTS = Counter("usefirst_http_requests", "HTTP requests answered", ["method", "route", "status"])
LATENCY = Histogram(
    "usefirst_http_request_duration_seconds",
    "Time to answer an HTTP request",
    ["method", "route"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0),
)
TASK_FAILURES = Counter("usefirst_task_failures", "Tasks that ended in failure", ["task"])
SEARCHES = Counter("usefirst_searches", "Keyword questions searched, not answered from the cache", ["kind", "way"])


def route_of(request: HttpRequest) -> str:
    """The URL pattern that answered (bounded cardinality), not the path itself."""
    match = getattr(request, "resolver_match", None)
    if match is None:
        return "unmatched"
    return match.route or match.view_name or "unmatched"


class MetricsMiddleware:
    """Counts and times every request (first in MIDDLEWARE, so it sees the whole answer)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        route = route_of(request)
        LATENCY.labels(request.method, route).observe(time.perf_counter() - started)
        REQUESTS.labels(request.method, route, str(response.status_code)).inc()
        return response


class PlatformCollector(Collector):
    """Figures read from the database at scrape time (see usefirst.monitoring.selectors)."""

    def collect(self) -> Iterator[GaugeMetricFamily]:
        from . import selectors

        queue = selectors.queue_state()
        depth = GaugeMetricFamily("usefirst_task_queue_depth", "Tasks waiting to run", labels=["queue"])
        wait = GaugeMetricFamily("usefirst_task_oldest_wait_seconds", "Age of the oldest waiting task", labels=["queue"])
        for name, state in queue.items():
            depth.add_metric([name], state.waiting)
            if state.oldest_wait_seconds is not None:
                wait.add_metric([name], state.oldest_wait_seconds)
        yield depth
        yield wait
        states = GaugeMetricFamily("usefirst_tasks", "Task rows by state", labels=["status"])
        for status, number in selectors.tasks_by_status().items():
            states.add_metric([status], number)
        yield states
        tick = selectors.scheduler_tick_age_seconds()
        yield GaugeMetricFamily(
            "usefirst_scheduler_tick_age_seconds",
            "Seconds since the scheduler last enqueued its heartbeat (-1: never)",
            value=-1 if tick is None else tick,
        )
        index = GaugeMetricFamily("usefirst_search_documents", "Search documents", labels=["kind", "figure"])
        for kind, figures in selectors.index_state().items():
            for figure, value in figures.items():
                index.add_metric([kind, figure], value)
        yield index


def exposition() -> bytes:
    """The metrics in Prometheus' text format."""
    registry: Any
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    else:
        registry = CollectorRegistry()
        for collector in (REQUESTS, LATENCY, TASK_FAILURES, SEARCHES):
            registry.register(collector)
    registry.register(PlatformCollector())
    return generate_latest(registry)
