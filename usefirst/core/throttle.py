"""Throttles: how many times something may happen per key in a fixed window (docs/security.md).

`hit(scope, key, rate)` counts one event and answers whether it is within the rate. The count is
one INSERT … ON CONFLICT DO UPDATE … RETURNING statement on a row per (scope, key, window), so
two requests never read the same count: at most `rate.limit` events pass in a window, exactly,
however many arrive at once, on SQLite and PostgreSQL alike. The window is fixed (it starts at a
multiple of its length, in Unix time) and `retry_after` is the whole seconds until it ends.
`peek` reads a count without adding to it. Keys are hashed, so no address or e-mail is stored.

Where the counts live is the THROTTLE setting: `DatabaseCounter` (the default; the statement
above) or `RedisCounter` (production with USEFIRST_REDIS_URL: INCR and EXPIRE sent together in
one MULTI/EXEC, one round trip, atomic on the server, so exact as well).

Used by the API rate limit (usefirst/api/ratelimit.py), sign-in failures per address and per
account, password-reset mails per recipient and per client, and registrations per client
(usefirst/accounts/throttles.py).
"""

from __future__ import annotations

import hashlib
import math
import random
import time
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Protocol

from django.conf import settings
from django.db import connection, transaction
from django.utils.module_loading import import_string

from .models import RateCounter

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_PURGE_CHANCE = 0.01


@dataclass(frozen=True)
class Rate:
    limit: int
    period: int  # seconds

    @classmethod
    def parse(cls, text: str) -> Rate:
        """'120/m' → 120 a minute; '5/15m' → 5 in 15 minutes; units s, m, h, d (or second, minute …)."""
        count, _, unit = text.strip().partition("/")
        unit = unit.strip().lower()
        digits = "".join(ch for ch in unit if ch.isdigit())
        seconds = _UNITS.get(unit[len(digits) : len(digits) + 1])
        if seconds is None or not count.strip().isdigit() or int(count) < 1 or (digits and int(digits) < 1):
            raise ValueError(f"invalid rate {text!r}: expected e.g. '120/m' or '5/15m'")
        return cls(int(count), seconds * (int(digits) if digits else 1))


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    count: int
    remaining: int
    retry_after: int  # seconds until the window ends


def _key(scope: str, key: str, window_start: int) -> str:
    digest = hashlib.sha256(key.encode()).hexdigest()[:40]
    return f"{scope}:{digest}:{window_start}"


def _window(rate: Rate, now: float) -> tuple[int, int]:
    start = int(now) - int(now) % rate.period
    return start, start + rate.period


class Counter(Protocol):
    """Where the windows' counts are kept."""

    def add(self, key: str, window_end: int, now: float) -> int:
        """Count one event in the window `key` (ending at `window_end`); return the new count."""
        ...

    def read(self, key: str) -> int: ...

    def purge(self, now: float) -> int: ...


class DatabaseCounter:
    """A row per (scope, key, window) in the platform's database (`RateCounter`)."""

    def add(self, key: str, window_end: int, now: float) -> int:
        q = connection.ops.quote_name
        table, k, w, c = q(RateCounter._meta.db_table), q("key"), q("window_end"), q("count")
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} ({k}, {w}, {c}) VALUES (%s, %s, 1) "  # noqa: S608  (names from the model)
                f"ON CONFLICT ({k}) DO UPDATE SET {c} = {table}.{c} + 1 RETURNING {c}",
                [key, window_end],
            )
            row = cursor.fetchone()
        if random.random() < _PURGE_CHANCE:
            self.purge(now)
        return int(row[0]) if row else 1

    def read(self, key: str) -> int:
        return RateCounter.objects.filter(key=key).values_list("count", flat=True).first() or 0

    def purge(self, now: float) -> int:
        deleted, _ = RateCounter.objects.filter(window_end__lt=int(now)).delete()
        return deleted


class RedisCounter:
    """A Redis key per window that expires with it: one round trip per event."""

    def __init__(self, url: str, prefix: str = "usefirst:throttle:") -> None:
        import redis

        self.client: Any = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
        self.prefix = prefix

    def add(self, key: str, window_end: int, now: float) -> int:
        ttl = max(math.ceil(window_end - now), 1) + 1  # relative to our clock, a second to spare
        pipe = self.client.pipeline(transaction=True)
        pipe.incr(self.prefix + key)
        pipe.expire(self.prefix + key, ttl)
        count, _ = pipe.execute()
        return int(count)

    def read(self, key: str) -> int:
        value = self.client.get(self.prefix + key)
        return int(value) if value is not None else 0

    def purge(self, now: float) -> int:
        return 0  # the keys expire by themselves


@lru_cache(maxsize=4)
def _counter(backend: str, options: tuple[tuple[str, Any], ...]) -> Counter:
    counter: Counter = import_string(backend)(**dict(options))
    return counter


def counter() -> Counter:
    config: dict[str, Any] = getattr(settings, "THROTTLE", {}) or {}
    backend = str(config.get("BACKEND", "usefirst.core.throttle.DatabaseCounter"))
    return _counter(backend, tuple(sorted((config.get("OPTIONS") or {}).items())))


def hit(scope: str, key: str, rate: Rate, *, now: float | None = None) -> Verdict:
    now = time.time() if now is None else now
    start, end = _window(rate, now)
    count = counter().add(_key(scope, key, start), end, now)
    return Verdict(count <= rate.limit, count, max(rate.limit - count, 0), max(math.ceil(end - now), 1))


def peek(scope: str, key: str, rate: Rate, *, now: float | None = None) -> Verdict:
    now = time.time() if now is None else now
    start, end = _window(rate, now)
    count = counter().read(_key(scope, key, start))
    return Verdict(count < rate.limit, count, max(rate.limit - count, 0), max(math.ceil(end - now), 1))


def purge(now: float | None = None) -> int:
    """Remove the windows that have ended."""
    return counter().purge(time.time() if now is None else now)
