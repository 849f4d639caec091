"""The Redis cache while Redis is away (core/cache.py): a read is a miss, a write is skipped."""

from __future__ import annotations

import uuid

import pytest

from usefirst.core.cache import ResilientRedisCache


def test_a_cache_without_redis_misses_instead_of_failing() -> None:
    cache = ResilientRedisCache("redis://127.0.0.1:1/0", {"OPTIONS": {"socket_connect_timeout": 0.2}})
    assert cache.get("page", "computed") == "computed"
    assert cache.get_many(["a", "b"]) == {}
    assert cache.add("lock", 1) is False
    cache.set("page", "html")  # no exception
    assert cache.delete("page") is False


def test_the_cache_makes_one_redis_client_and_answers_through_it() -> None:
    cache = ResilientRedisCache("redis://127.0.0.1:6379/15", {"KEY_PREFIX": f"usefirst-test:{uuid.uuid4().hex}"})
    first = cache._cache.get_client("a")
    try:
        first.ping()
    except Exception as exc:  # the service is part of the machine; say plainly when it is not there
        pytest.skip(f"Redis is not reachable: {exc}")
    cache.set("page", "html", 5)
    assert cache.get("page") == "html" and cache.get_many(["page", "none"]) == {"page": "html"}
    assert cache._cache.get_client("b") is first and cache._cache.get_client("c", write=True) is first
    cache.delete("page")
