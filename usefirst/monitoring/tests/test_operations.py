"""Operations, as the people running the platform meet them: the load balancer's probes, the
monitoring scraper, one request id from the proxy's log to the worker's, and errors reported."""

from __future__ import annotations

import json
import logging
import threading
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client, override_settings
from django.utils import timezone

from usefirst.core.client import carrying, current_request_id
from usefirst.core.logging import JsonLineFormatter, RequestContextFilter
from usefirst.monitoring import health, selectors
from usefirst.monitoring.tests import tasks_for_tests

pytestmark = pytest.mark.django_db

DB_TASKS = {"default": {"BACKEND": "usefirst.core.task_backend.DatabaseBackend", "QUEUES": ["default"]}}


@pytest.fixture
def error_log(tmp_path: Path, settings: Any) -> Path:
    path = tmp_path / "errors.jsonl"
    settings.ERROR_REPORTER = {"BACKEND": "usefirst.core.error_reporting.JsonLinesReporter", "OPTIONS": {"path": str(path)}}
    return path


def test_liveness_answers_without_asking_anything(client: Client, django_assert_num_queries: Any) -> None:
    with django_assert_num_queries(0):
        response = client.get("/health/live")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_readiness_is_ok_with_the_database_and_503_without(client: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    assert client.get("/health/ready").json()["status"] == "ok"

    def unreachable(alias: str = "default") -> float:
        raise ConnectionError("connection refused")

    monkeypatch.setattr(selectors, "database_latency_ms", unreachable)
    response = client.get("/health/ready")
    assert response.status_code == 503
    assert response.json()["checks"] == [{"name": "database", "status": "fail"}]


def test_the_health_report_names_every_part_to_the_monitoring_network_only(client: Client, settings: Any) -> None:
    response = client.get("/health/", REMOTE_ADDR="127.0.0.1")
    assert response.status_code == 200
    names = [c["name"] for c in response.json()["checks"]]
    assert names == ["database", "queue", "scheduler", "index"]
    assert client.get("/health/", REMOTE_ADDR="203.0.113.9").status_code == 404
    assert client.get("/metrics", REMOTE_ADDR="203.0.113.9").status_code == 404
    settings.MONITORING_NETWORKS = ["203.0.113.0/24"]
    assert client.get("/health/", REMOTE_ADDR="203.0.113.9").status_code == 200


@override_settings(TASKS=DB_TASKS, HEALTH_QUEUE_WAIT_SECONDS=300, HEALTH_SCHEDULER_SECONDS=300)
def test_a_stalled_worker_and_a_silent_scheduler_are_warned_about() -> None:
    from django_tasks_db.models import DBTaskResult

    tasks_for_tests.remember_request_id.enqueue()
    assert health.queue().status == "ok"
    assert health.queue().figure == 1
    DBTaskResult.objects.update(enqueued_at=timezone.now() - timedelta(seconds=301))
    stalled = health.queue()
    assert stalled.status == "warn"
    assert "后台任务进程可能未运行" in stalled.detail

    assert health.scheduler().status == "warn"  # never ticked
    tick = DBTaskResult.objects.create(
        args_kwargs={"args": [], "kwargs": {}},
        task_path=selectors.SCHEDULER_TICK_TASK,
        queue_name="default",
        backend_name="default",
        run_after=timezone.now(),
        status="SUCCESSFUL",
    )
    assert health.scheduler().status == "ok"
    DBTaskResult.objects.filter(pk=tick.pk).update(enqueued_at=timezone.now() - timedelta(seconds=299))
    assert health.scheduler().status == "ok"
    DBTaskResult.objects.filter(pk=tick.pk).update(enqueued_at=timezone.now() - timedelta(seconds=301))
    assert health.scheduler().status == "warn"


def test_an_index_missing_public_items_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(selectors, "index_state", lambda: {"achievement": {"documents": 8, "expected": 10, "embedded": 8}})
    check = health.index()
    assert (check.status, check.figure) == ("warn", 2)
    assert "缺少 2 条" in check.detail


def test_a_search_engine_out_of_step_with_the_index_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    state = {"achievement": {"documents": 10, "expected": 10, "embedded": 10, "engine": 7}}
    monkeypatch.setattr(selectors, "index_state", lambda: state)
    check = health.index()
    assert (check.status, check.figure) == ("warn", 3)
    assert "检索引擎与全文索引相差 3 篇" in check.detail
    state["achievement"]["engine"] = 10
    assert health.index().status == "ok"


def test_metrics_count_requests_by_route_and_status_and_read_the_queue(client: Client) -> None:
    client.get("/health/live")
    client.get("/no-such-page/")
    text = client.get("/metrics", REMOTE_ADDR="127.0.0.1").content.decode()
    assert 'usefirst_http_requests_total{method="GET",route="health/live",status="200"}' in text
    assert 'route="unmatched",status="404"' in text
    assert "/no-such-page/" not in text  # paths never become labels
    assert 'usefirst_task_queue_depth{queue="default"} 0.0' in text
    assert "usefirst_scheduler_tick_age_seconds -1.0" in text
    assert "usefirst_http_request_duration_seconds_bucket" in text


def test_every_answer_carries_a_request_id_and_only_a_trusted_proxy_may_choose_it(client: Client, settings: Any) -> None:
    first = client.get("/health/live")["X-Request-ID"]
    second = client.get("/health/live")["X-Request-ID"]
    assert len(first) == 32 and first != second
    chosen = "a1b2c3d4e5f60718293a4b5c6d7e8f90"
    assert client.get("/health/live", HTTP_X_REQUEST_ID=chosen)["X-Request-ID"] != chosen  # not a proxy
    settings.TRUSTED_PROXIES = ["10.0.0.5"]
    assert client.get("/health/live", HTTP_X_REQUEST_ID=chosen, REMOTE_ADDR="10.0.0.5")["X-Request-ID"] == chosen
    forged = client.get("/health/live", HTTP_X_REQUEST_ID="bad id\nwith newline", REMOTE_ADDR="10.0.0.5")
    assert forged["X-Request-ID"] != "bad id\nwith newline"


def test_a_json_log_line_carries_the_request_id_and_chinese_as_written() -> None:
    record = logging.LogRecord("usefirst.contracts", logging.INFO, __file__, 1, "合同已签署", None, None)
    with carrying("req-0000aaaa"):
        RequestContextFilter().filter(record)
    line = json.loads(JsonLineFormatter().format(record))
    assert line["request_id"] == "req-0000aaaa"
    assert line["message"] == "合同已签署"
    assert line["level"] == "INFO" and line["logger"] == "usefirst.contracts"
    assert "time" in line
    assert "合同已签署" in JsonLineFormatter().format(record)  # not \\u-escaped


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@override_settings(TASKS=DB_TASKS)
def test_the_worker_runs_a_task_under_the_id_of_the_request_that_enqueued_it(error_log: Path) -> None:
    tasks_for_tests.SEEN.clear()
    with carrying("req-from-the-page-01"):
        tasks_for_tests.remember_request_id.enqueue()
    tasks_for_tests.remember_request_id.enqueue()  # enqueued by a job, not a request
    call_command("db_worker", "--batch", "--no-startup-delay", "--interval", "0")
    assert tasks_for_tests.SEEN[0] == "req-from-the-page-01"
    assert tasks_for_tests.SEEN[1].startswith("task-")
    assert current_request_id() == ""  # nothing leaks out of the task


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@override_settings(TASKS=DB_TASKS)
def test_a_failed_task_is_reported_and_counted(error_log: Path, client: Client) -> None:
    with carrying("req-sign-contract-7"):
        tasks_for_tests.always_fails.enqueue()
    call_command("db_worker", "--batch", "--no-startup-delay", "--interval", "0")
    report = json.loads(error_log.read_text(encoding="utf-8").splitlines()[-1])
    assert report["kind"] == "task"
    assert report["where"].endswith("tasks_for_tests.always_fails")
    assert report["request_id"] == "req-sign-contract-7"
    assert "电子签名服务不可用" in report["extra"]["task_traceback"]
    text = client.get("/metrics", REMOTE_ADDR="127.0.0.1").content.decode()
    assert 'usefirst_task_failures_total{task="always_fails"}' in text
    assert 'usefirst_tasks{status="FAILED"} 1.0' in text


def test_a_500_on_a_page_and_in_the_api_is_reported_with_its_request_id(
    error_log: Path, client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    from usefirst.monitoring import views

    def broken(*args: Any) -> Any:
        raise RuntimeError("数据库连接池耗尽")

    monkeypatch.setattr(views.health, "readiness", broken)
    client.raise_request_exception = False
    response = client.get("/health/ready")
    assert response.status_code == 500
    report = json.loads(error_log.read_text(encoding="utf-8").splitlines()[-1])
    assert report["kind"] == "request"
    assert report["where"] == "GET /health/ready"
    assert report["request_id"] == response["X-Request-ID"]
    assert "数据库连接池耗尽" in report["traceback"]


def test_a_500_in_the_api_is_reported_and_answered_as_problem_json(error_log: Path) -> None:
    from django.test import RequestFactory

    from usefirst.api.errors import ProblemJsonMiddleware

    request = RequestFactory().get("/api/v1/achievements")
    middleware = ProblemJsonMiddleware(lambda r: None)  # type: ignore[arg-type,return-value]
    with carrying("req-api-500-check"):
        problem = middleware.process_exception(request, RuntimeError("检索后端不可用"))
    assert problem is not None and problem.status_code == 500
    assert problem["Content-Type"] == "application/problem+json"
    assert "检索后端不可用" not in problem.content.decode()  # the caller sees no internals
    report = json.loads(error_log.read_text(encoding="utf-8").splitlines()[-1])
    assert report["where"] == "GET /api/v1/achievements"
    assert report["request_id"] == "req-api-500-check"
    assert "检索后端不可用" in report["error"]


def test_a_replica_that_does_not_answer_is_a_warning_given_within_the_probe_deadline(monkeypatch: pytest.MonkeyPatch) -> None:
    released = threading.Event()
    monkeypatch.setattr(selectors, "replica_configured", lambda: True)
    monkeypatch.setattr(selectors, "replica_lag_seconds", released.wait)
    monkeypatch.setattr(health, "REPLICA_PROBE_SECONDS", 0.05)
    try:
        check = health.replica()
    finally:
        released.set()
    assert check is not None and check.status == "warn"
    assert "未应答" in check.detail and "主数据库" in check.detail
