"""The Redis cache while Redis is away (core/cache.py): a read is a miss, a write is skipped."""

from __future__ import annotations

from usefirst.core.cache import ResilientRedisCache


def test_a_cache_without_redis_misses_instead_of_failing() -> None:
    cache = ResilientRedisCache("redis://127.0.0.1:1/0", {"OPTIONS": {"socket_connect_timeout": 0.2}})
    assert cache.get("page", "computed") == "computed"
    assert cache.get_many(["a", "b"]) == {}
    assert cache.add("lock", 1) is False
    cache.set("page", "html")  # no exception
    assert cache.delete("page") is False
