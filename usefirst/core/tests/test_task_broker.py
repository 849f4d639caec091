"""The task queue on RabbitMQ (core/task_broker.py), against the broker itself: a task enqueued
after commit runs in a worker with the enqueuing request's id; a message a worker took and never
acknowledged (the worker died) is run by the next worker; a failing task is failed once and
reported; a message that cannot be run is reported and moved to the dead-letter queue, never
retried; the health report and the metrics read the queue's depth from the broker."""

from __future__ import annotations

import json
import os
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from celery.contrib.testing.worker import start_worker
from django.db import transaction
from django.test import Client
from kombu.connection import Connection
from kombu.entity import Exchange
from kombu.messaging import Producer

from usefirst.core import client as request_ids
from usefirst.core import task_broker
from usefirst.core.testing import delete_broker_queues
from usefirst.monitoring import health, selectors
from usefirst.monitoring.tests import tasks_for_tests

BROKER_URL = os.environ.get("USEFIRST_TEST_BROKER_URL", "amqp://guest:guest@127.0.0.1:5672//")
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


PREFIX = f"test-{uuid.uuid4().hex[:10]}."  # this test process's own queues on the shared broker


def _purge(names: list[str]) -> None:
    with Connection(BROKER_URL) as connection:
        channel = connection.default_channel
        for name in names:
            channel.queue_purge(name)


@pytest.fixture(scope="module")
def broker_queues() -> Iterator[list[str]]:
    names: list[str] = []
    yield names
    delete_broker_queues(BROKER_URL, sorted(set(names)))


@pytest.fixture
def broker(settings: Any, tmp_path: Path, broker_queues: list[str]) -> Iterator[Path]:
    """The broker backend on this process's queues, emptied; yields the error reporter's file."""
    settings.BROKER_URL = BROKER_URL
    settings.BROKER_QUEUE_PREFIX = PREFIX
    settings.TASKS = {"default": {"BACKEND": "usefirst.core.task_broker.BrokerBackend", "QUEUES": ["default"]}}
    errors = tmp_path / "errors.jsonl"
    settings.ERROR_REPORTER = {"BACKEND": "usefirst.core.error_reporting.JsonLinesReporter", "OPTIONS": {"path": str(errors)}}
    names = [queue.name for queue in task_broker.declared_queues()]
    broker_queues.extend(names)
    task_broker.declare_queues()
    _purge(names)
    yield errors
    _purge(names)


def _waiting() -> dict[str, int]:
    return task_broker.queue_depths()


def _until(predicate: Callable[[], bool], seconds: float = 20) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return predicate()


def _worker() -> Any:
    app = task_broker.configured()
    # no AMQP heartbeat timer in the test worker: its loop would sleep up to a minute before it sees the stop
    app.conf.broker_heartbeat = 0
    return start_worker(app, pool="solo", concurrency=1, perform_ping_check=False, loglevel="WARNING", shutdown_timeout=30)


def _reports(errors: Path) -> list[dict[str, Any]]:
    if not errors.exists():
        return []
    return [json.loads(line) for line in errors.read_text(encoding="utf-8").splitlines()]


def test_a_task_enqueued_after_commit_waits_on_the_broker_and_runs_in_a_worker_with_the_request_id(broker: Path) -> None:
    tasks_for_tests.SEEN.clear()
    token = request_ids.enter_request_id("req-broker-1")
    try:
        with transaction.atomic():
            transaction.on_commit(tasks_for_tests.remember_request_id.enqueue)
            assert _waiting()[task_broker.broker_queue("default")] == 0  # nothing before the commit
    finally:
        request_ids.leave_request_id(token)
    assert _waiting()[task_broker.broker_queue("default")] == 1
    state = selectors.queue_state()
    assert state["default"].waiting == 1
    assert health.queue().detail.startswith("1 个任务等待执行")
    with _worker():
        assert _until(lambda: tasks_for_tests.SEEN == ["req-broker-1"])
    assert _waiting()[task_broker.broker_queue("default")] == 0


def test_a_message_taken_by_a_worker_that_died_runs_on_the_next_worker(broker: Path) -> None:
    tasks_for_tests.SEEN.clear()
    tasks_for_tests.remember_request_id.enqueue()
    # A worker takes the message and dies before acknowledging it: its connection drops.
    dead = Connection(BROKER_URL)
    taken = dead.SimpleQueue(task_broker.declared_queues()[0], no_ack=False).get(timeout=5)
    assert taken.payload is not None and _waiting()[task_broker.broker_queue("default")] == 0
    dead.release()
    assert _until(lambda: _waiting()[task_broker.broker_queue("default")] == 1, 5)
    with _worker():
        assert _until(lambda: len(tasks_for_tests.SEEN) == 1)
    assert task_broker.configured().conf.task_acks_late is True  # a live worker acknowledges only when done
    assert task_broker.configured().conf.worker_prefetch_multiplier == 1


def test_a_failing_task_is_failed_once_and_reported_not_retried(broker: Path) -> None:
    tasks_for_tests.always_fails.enqueue()
    tasks_for_tests.SEEN.clear()
    tasks_for_tests.remember_request_id.enqueue()
    with _worker():
        assert _until(lambda: len(tasks_for_tests.SEEN) == 1)
    reports = [r for r in _reports(broker) if r["kind"] == "task"]
    assert [r["where"] for r in reports] == ["usefirst.monitoring.tests.tasks_for_tests.always_fails"]
    depths = _waiting()
    assert depths[task_broker.broker_queue("default")] == 0 and depths[task_broker.dead_letter_queue()] == 0


def _publish(body: Any, *, name: str = task_broker.RUNNER, content_type: str = "application/json") -> None:
    queue = task_broker.broker_queue("default")
    with Connection(BROKER_URL) as connection:
        producer = Producer(connection.default_channel, exchange=Exchange(queue, type="direct", durable=True), routing_key=queue)
        message_id = uuid.uuid4().hex
        raw = {"content_type": content_type, "content_encoding": "utf-8"} if isinstance(body, bytes) else {"serializer": "json"}
        producer.publish(
            body,
            **raw,
            headers={
                "lang": "py",
                "task": name,
                "id": message_id,
                "root_id": message_id,
                "parent_id": None,
                "argsrepr": "",
                "kwargsrepr": "",
            },
        )


def test_a_message_that_cannot_be_run_is_reported_and_moved_to_the_dead_letter_queue(broker: Path, client: Client) -> None:
    task_broker.configured()
    _publish(
        [
            [
                {
                    "task": "usefirst.nowhere.send_receipt_pdf",
                    "args": [],
                    "kwargs": {},
                    "id": "x1",
                    "backend": "default",
                    "queue": "default",
                    "request_id": "",
                    "enqueued_at": "",
                }
            ],
            {},
            {},
        ]
    )
    _publish([["不是任务"], {}, {}])
    _publish(b"{\x00 corrupt", content_type="application/json")
    _publish([[], {}, {}], name="usefirst.no_such_runner")
    tasks_for_tests.SEEN.clear()
    tasks_for_tests.remember_request_id.enqueue()  # a good task behind them still runs
    with _worker():
        assert _until(lambda: len(tasks_for_tests.SEEN) == 1)
        assert _until(lambda: _waiting()[task_broker.dead_letter_queue()] == 4)
    assert _waiting()[task_broker.broker_queue("default")] == 0
    where = [r["where"] for r in _reports(broker) if r["kind"] == "task"]
    assert "usefirst.nowhere.send_receipt_pdf" in where and "usefirst.no_such_runner" in where
    assert len(where) == 4
    state = selectors.queue_state()
    assert state[task_broker.DEAD_LETTER_QUEUE].waiting == 4
    assert 'usefirst_task_queue_depth{queue="dead"} 4.0' in client.get("/metrics").content.decode()
    # nothing comes back: a second worker finds no work
    with _worker():
        time.sleep(1)
    assert _waiting()[task_broker.dead_letter_queue()] == 4 and len(tasks_for_tests.SEEN) == 1


def test_the_scheduler_tick_is_recorded_when_published(broker: Path) -> None:
    from crontask.tasks import heartbeat

    heartbeat.enqueue()
    age = selectors.scheduler_tick_age_seconds()
    assert age is not None and age < 5
    assert health.scheduler().status == "ok"


def test_a_task_enqueued_while_the_broker_is_away_is_held_in_the_database_and_sent_when_it_is_back(
    broker: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kombu.exceptions import OperationalError

    from usefirst.core.tasks import publish_held_tasks

    tasks_for_tests.SEEN.clear()
    app = task_broker.configured()

    def away(*args: Any, **kwargs: Any) -> None:
        raise OperationalError("[Errno 111] Connection refused")

    with monkeypatch.context() as patched:
        patched.setattr(app, "send_task", away)
        token = request_ids.enter_request_id("req-while-away")
        try:
            with transaction.atomic():
                transaction.on_commit(tasks_for_tests.remember_request_id.enqueue)  # the save is not refused
        finally:
            request_ids.leave_request_id(token)
        assert task_broker.held_count() == 1
        check = health.queue()
        assert check.status == "warn" and "1 个任务暂存于数据库" in check.detail
        assert publish_held_tasks.call() == 0  # still away: it waits
        assert task_broker.held_count() == 1
    assert publish_held_tasks.call() == 1
    assert task_broker.held_count() == 0 and _waiting()[task_broker.broker_queue("default")] == 1
    with _worker():
        assert _until(lambda: tasks_for_tests.SEEN == ["req-while-away"])
    assert health.queue().status == "ok"
