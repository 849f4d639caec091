"""The throttle counts exactly wherever its counts live: the database (the default) and Redis
(production). Redis runs on the platform's machines; these tests use a prefix of their own."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from usefirst.core import throttle

REDIS_URL = "redis://127.0.0.1:6379/15"


def _redis_counter() -> throttle.RedisCounter:
    counter = throttle.RedisCounter(REDIS_URL, prefix=f"usefirst-test:{uuid.uuid4().hex}:")
    try:
        counter.client.ping()
    except Exception as exc:  # the service is part of the machine; say plainly when it is not there
        pytest.skip(f"Redis is not reachable at {REDIS_URL}: {exc}")
    return counter


@pytest.fixture(params=["database", "redis"])
def counting(request: pytest.FixtureRequest, settings: Any) -> str:
    if request.param == "redis":
        counter = _redis_counter()
        settings.THROTTLE = {
            "BACKEND": "usefirst.core.throttle.RedisCounter",
            "OPTIONS": {"url": REDIS_URL, "prefix": counter.prefix},
        }
    else:
        settings.THROTTLE = {"BACKEND": "usefirst.core.throttle.DatabaseCounter"}
        request.getfixturevalue("db")
    return str(request.param)


def test_the_121st_event_of_a_window_is_refused_and_the_next_window_starts_afresh(counting: str) -> None:
    rate = throttle.Rate.parse("120/m")
    window_start = 1_780_000_020.0  # a multiple of 60
    verdicts = [throttle.hit("api", "198.51.100.7", rate, now=window_start + 59.5) for _ in range(121)]
    assert [v.allowed for v in verdicts].count(True) == 120
    assert not verdicts[-1].allowed and verdicts[-1].retry_after == 1
    assert throttle.peek("api", "198.51.100.7", rate, now=window_start + 59.9).count == 121
    fresh = throttle.hit("api", "198.51.100.7", rate, now=window_start + 60)  # the boundary itself
    assert fresh.allowed and fresh.remaining == 119
    other = throttle.hit("api", "198.51.100.8", rate, now=window_start + 59.5)
    assert other.allowed and other.count == 1  # per key


def test_200_concurrent_events_against_a_limit_of_120_let_exactly_120_through_on_redis(settings: Any) -> None:
    counter = _redis_counter()
    settings.THROTTLE = {
        "BACKEND": "usefirst.core.throttle.RedisCounter",
        "OPTIONS": {"url": REDIS_URL, "prefix": counter.prefix},
    }
    rate = throttle.Rate.parse("120/h")
    with ThreadPoolExecutor(max_workers=16) as pool:
        verdicts = list(pool.map(lambda _: throttle.hit("api", "203.0.113.50", rate), range(200)))
    assert sum(v.allowed for v in verdicts) == 120
    assert sorted(v.count for v in verdicts) == list(range(1, 201))


def test_a_redis_window_expires_with_its_window(settings: Any) -> None:
    counter = _redis_counter()
    counter.add("api:k:60", window_end=1_000_000_060, now=1_000_000_050.2)
    ttl = counter.client.ttl(counter.prefix + "api:k:60")
    assert 10 <= ttl <= 12  # what is left of the window, and a second to spare
