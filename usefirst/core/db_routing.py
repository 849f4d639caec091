"""Reads from the streaming replica, with read-your-writes pinning (docs/deployment.md, "Replica").

Off unless ``USEFIRST_REPLICA_DATABASE_URL`` is set (settings/base.py adds the ``replica`` alias,
this router and `ReadYourWritesMiddleware`); SQLite, `make run` and the test suite never see it.

The rules, in order:

- Only reads made while a web request is served may go to the replica. A task, the scheduler
  and a management command read the primary: they act on what they read.
- A read inside a transaction on the primary stays on the primary (it decides a write).
- Once the request has written (any model write passes ``db_for_write``) its later reads go to
  the primary, and the answer carries a short cookie so the same browser's next requests read
  the primary too for ``DATABASE_REPLICA_PIN_SECONDS`` — longer than the replica is allowed to
  lag — so a user never misses what they just saved (the page after a redirect).
- A replica that does not answer is left alone for ``REPLICA_RETRY_SECONDS``: reads fall back
  to the primary. Each process probes it at most once per that interval, and waits at most
  ``REPLICA_PROBE_SECONDS`` for the answer (`answer_within`): behind PgBouncer a stopped replica
  does not refuse the connection, its queries wait in the pooler's queue, so without a deadline a
  reader would wait for the pooler's own timeout.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.http import HttpRequest, HttpResponse

REPLICA_ALIAS = "replica"
PIN_COOKIE = "uf_primary"
REPLICA_RETRY_SECONDS = 5.0
REPLICA_PROBE_SECONDS = 2.0

logger = logging.getLogger(__name__)

_in_request: ContextVar[bool] = ContextVar("usefirst_db_in_request", default=False)
_pinned: ContextVar[bool] = ContextVar("usefirst_db_pinned", default=False)
_probe = {"checked_at": -1e9, "usable": False}


def pin_to_primary() -> None:
    """The rest of this request reads the primary (and the browser for a few seconds after)."""
    _pinned.set(True)


def pinned() -> bool:
    return _pinned.get()


def replica_configured() -> bool:
    return REPLICA_ALIAS in settings.DATABASES


def answer_within[T](seconds: float, query: Callable[[], T]) -> T:
    """`query()` run in a thread of its own (so on connections of its own, closed when it ends),
    waited for at most `seconds`: TimeoutError after that, while the thread finishes on its own.
    Errors of the query are raised here."""
    outcome: dict[str, Any] = {}

    def run() -> None:
        try:
            outcome["value"] = query()
        except BaseException as exc:  # handed to the waiting thread
            outcome["error"] = exc
        finally:
            connections.close_all()  # this thread's connections only

    thread = threading.Thread(target=run, name="usefirst-replica-probe", daemon=True)
    thread.start()
    thread.join(seconds)
    if thread.is_alive():
        raise TimeoutError(f"no answer within {seconds:g} s")
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]  # type: ignore[no-any-return]


def _select_one() -> None:
    with connections[REPLICA_ALIAS].cursor() as cursor:
        cursor.execute("SELECT 1")


def replica_usable(*, now: float | None = None) -> bool:
    """Whether the replica answered its last probe (at most one probe per REPLICA_RETRY_SECONDS)."""
    if not replica_configured():
        return False
    now = time.monotonic() if now is None else now
    if now - _probe["checked_at"] < REPLICA_RETRY_SECONDS:
        return bool(_probe["usable"])
    _probe["checked_at"] = now
    connection = connections[REPLICA_ALIAS]
    try:
        answer_within(REPLICA_PROBE_SECONDS, _select_one)
        usable = True
    except (DatabaseError, TimeoutError):
        usable = False
    if not usable:
        connection.close()  # this thread's replica connection may be the one left hanging
    if usable != _probe["usable"]:
        logger.warning("replica %s", "answers again: reads go to it" if usable else "does not answer: reads go to the primary")
    _probe["usable"] = usable
    return usable


def forget_probe() -> None:
    """Tests: the next read probes the replica again."""
    _probe.update(checked_at=-1e9, usable=False)


class ReplicaRouter:
    """settings.DATABASE_ROUTERS when a replica is configured."""

    def db_for_read(self, model: Any, **hints: Any) -> str:
        if not _in_request.get() or _pinned.get() or connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return DEFAULT_DB_ALIAS
        return REPLICA_ALIAS if replica_usable() else DEFAULT_DB_ALIAS

    def db_for_write(self, model: Any, **hints: Any) -> str:
        _pinned.set(True)
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool:
        return True  # one database, two copies of it

    def allow_migrate(self, db: str, app_label: str, model_name: str | None = None, **hints: Any) -> bool:
        return db == DEFAULT_DB_ALIAS


class ReadYourWritesMiddleware:
    """Marks the request as one whose reads may go to the replica, pins it to the primary when
    the browser wrote a moment ago, and sets the pin cookie when this request writes."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        pin_seconds = int(getattr(settings, "DATABASE_REPLICA_PIN_SECONDS", 10))
        recently_wrote = _recent(request.COOKIES.get(PIN_COOKIE, ""), pin_seconds)
        request_token = _in_request.set(True)
        unsafe = request.method not in ("GET", "HEAD", "OPTIONS")
        pin_token = _pinned.set(recently_wrote or unsafe)
        try:
            response = self.get_response(request)
            # a form post, or a page that wrote (a pinned page does not extend the pin)
            if unsafe or (_pinned.get() and not recently_wrote):
                response.set_cookie(
                    PIN_COOKIE,
                    str(int(time.time())),
                    max_age=pin_seconds,
                    httponly=True,
                    samesite="Lax",
                    secure=request.is_secure(),
                )
            return response
        finally:
            _pinned.reset(pin_token)
            _in_request.reset(request_token)


def _recent(stamp: str, pin_seconds: int) -> bool:
    try:
        return 0 <= time.time() - int(stamp) < pin_seconds
    except ValueError:
        return False
