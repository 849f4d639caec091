"""The replica router (core/db_routing.py): reads of a web request go to the replica, except
after the request or the same browser wrote (read-your-writes), inside a transaction, outside a
request (tasks, commands), or while the replica does not answer."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from unittest import mock

import pytest
from django.db import DatabaseError, transaction
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory

from usefirst.core import db_routing
from usefirst.core.db_routing import PIN_COOKIE, ReadYourWritesMiddleware, ReplicaRouter

router = ReplicaRouter()


@pytest.fixture
def replica_up() -> Iterator[None]:
    with mock.patch.object(db_routing, "replica_usable", return_value=True):
        yield


def _serve(request: HttpRequest, view: object) -> HttpResponse:
    return ReadYourWritesMiddleware(view)(request)  # type: ignore[arg-type]


def test_off_by_default_no_replica_alias_and_no_router(settings: object) -> None:
    assert "replica" not in settings.DATABASES  # type: ignore[attr-defined]
    assert settings.DATABASE_ROUTERS == []  # type: ignore[attr-defined]
    assert db_routing.replica_usable() is False


def test_outside_a_request_reads_go_to_the_primary(replica_up: None) -> None:
    assert router.db_for_read(None) == "default"


def test_a_page_reads_the_replica_and_sets_no_pin(replica_up: None) -> None:
    seen: list[str] = []

    def view(request: HttpRequest) -> HttpResponse:
        seen.append(router.db_for_read(None))
        return HttpResponse("ok")

    response = _serve(RequestFactory().get("/"), view)
    assert seen == ["replica"]
    assert PIN_COOKIE not in response.cookies


@pytest.mark.django_db
def test_a_read_inside_a_transaction_stays_on_the_primary(replica_up: None) -> None:
    seen: list[str] = []

    def view(request: HttpRequest) -> HttpResponse:
        with transaction.atomic():
            seen.append(router.db_for_read(None))
        return HttpResponse("ok")

    _serve(RequestFactory().get("/"), view)
    assert seen == ["default"]


def test_after_a_write_the_request_and_the_next_ones_read_the_primary(replica_up: None) -> None:
    seen: list[str] = []

    def writes(request: HttpRequest) -> HttpResponse:
        seen.append(router.db_for_read(None))
        assert router.db_for_write(None) == "default"
        seen.append(router.db_for_read(None))
        return HttpResponse("ok")

    response = _serve(RequestFactory().get("/"), writes)
    assert seen == ["replica", "default"]
    cookie = response.cookies[PIN_COOKIE]
    assert cookie["max-age"] == 10 and cookie["httponly"]

    def reads(request: HttpRequest) -> HttpResponse:
        seen.append(router.db_for_read(None))
        return HttpResponse("ok")

    follow = RequestFactory().get("/")
    follow.COOKIES[PIN_COOKIE] = cookie.value
    again = _serve(follow, reads)
    assert seen[-1] == "default"
    assert PIN_COOKIE not in again.cookies  # a pinned read does not extend the pin


def test_a_form_post_reads_the_primary_and_pins(replica_up: None) -> None:
    seen: list[str] = []

    def view(request: HttpRequest) -> HttpResponse:
        seen.append(router.db_for_read(None))
        return HttpResponse("ok")

    response = _serve(RequestFactory().post("/"), view)
    assert seen == ["default"] and PIN_COOKIE in response.cookies


def test_the_pin_ends_after_the_pin_seconds_boundary(replica_up: None, settings: object) -> None:
    settings.DATABASE_REPLICA_PIN_SECONDS = 10  # type: ignore[attr-defined]
    seen: list[str] = []

    def view(request: HttpRequest) -> HttpResponse:
        seen.append(router.db_for_read(None))
        return HttpResponse("ok")

    for age, expected in ((9, "default"), (10, "replica"), (11, "replica")):
        request = RequestFactory().get("/")
        request.COOKIES[PIN_COOKIE] = str(int(time.time()) - age)
        _serve(request, view)
        assert seen[-1] == expected, age
    forged = RequestFactory().get("/")
    forged.COOKIES[PIN_COOKIE] = "not-a-time"
    _serve(forged, view)
    assert seen[-1] == "replica"


def test_a_replica_that_does_not_answer_leaves_reads_on_the_primary() -> None:
    seen: list[str] = []

    def view(request: HttpRequest) -> HttpResponse:
        seen.append(router.db_for_read(None))
        return HttpResponse("ok")

    with mock.patch.object(db_routing, "replica_usable", return_value=False):
        _serve(RequestFactory().get("/"), view)
    assert seen == ["default"]


def test_migrations_run_on_the_primary_only() -> None:
    assert router.allow_migrate("default", "catalog") is True
    assert router.allow_migrate("replica", "catalog") is False


def test_add_replica_adds_the_alias_the_middleware_once_and_the_router() -> None:
    from usefirst.settings.base import add_replica

    databases: dict[str, dict[str, object]] = {"default": {}}
    middleware = ["a", "usefirst.core.client.RequestContextMiddleware", "b"]
    assert add_replica(databases, middleware, "") == [] and "replica" not in databases
    routers = add_replica(databases, middleware, "postgres://u:p@127.0.0.1:5433/db")
    add_replica(databases, middleware, "postgres://u:p@127.0.0.1:5433/db")
    assert routers == ["usefirst.core.db_routing.ReplicaRouter"]
    assert databases["replica"]["PORT"] == 5433 and databases["replica"]["TEST"] == {"MIRROR": "default"}
    assert middleware == [
        "a",
        "usefirst.core.client.RequestContextMiddleware",
        "usefirst.core.db_routing.ReadYourWritesMiddleware",
        "b",
    ]


def test_answer_within_gives_up_on_a_query_that_does_not_answer_and_passes_errors_on() -> None:
    released = threading.Event()
    with pytest.raises(TimeoutError):
        db_routing.answer_within(0.05, released.wait)
    released.set()
    assert db_routing.answer_within(5, lambda: 42) == 42
    with pytest.raises(DatabaseError):
        db_routing.answer_within(5, _refused)


def _refused() -> None:
    raise DatabaseError("connection refused")


def test_a_replica_whose_queries_hang_is_given_up_and_reads_go_to_the_primary(monkeypatch: pytest.MonkeyPatch) -> None:
    """Behind PgBouncer a stopped replica does not refuse: its queries wait in the pooler's queue.
    The probe stops waiting after REPLICA_PROBE_SECONDS and the reads go to the primary."""
    released = threading.Event()
    monkeypatch.setattr(db_routing, "replica_configured", lambda: True)
    monkeypatch.setattr(db_routing, "REPLICA_PROBE_SECONDS", 0.05)
    monkeypatch.setattr(db_routing, "_select_one", released.wait)
    monkeypatch.setattr(db_routing, "connections", mock.MagicMock())
    db_routing.forget_probe()
    try:
        assert db_routing.replica_usable() is False
    finally:
        released.set()
        db_routing.forget_probe()
