"""The cache in Redis, tolerant of Redis being away (docs/deployment.md, "Redis").

Django's Redis cache raises when Redis does not answer, so a Redis restart would fail every page
that reads the cache. Here a read is a miss and a write is skipped while Redis is away: pages are
slower (computed again), never broken. Throttle counts (core/throttle.py) are not cache and keep
failing loudly: a sign-in limit that silently stopped counting would be a hole.
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)
_AWAY = (RedisConnectionError, RedisTimeoutError)


def _away(operation: str) -> None:
    logger.warning("cache %s skipped: Redis does not answer", operation)


class _ReusedClients(RedisCacheClient):
    """One `redis.Redis` per connection pool, made once: Django makes a new one for every cache
    operation, which with redis-py 8 costs more (0.29 ms measured) than the round trip itself
    (0.18 ms). A client is safe to share between threads; its pool hands each command a
    connection, and after a fork it opens new ones."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        django_client: Any = self  # the pools and the client class are Django's, not in its stubs
        pool = django_client._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = django_client._client(connection_pool=pool)
        return client


class ResilientRedisCache(RedisCache):
    def __init__(self, server: Any, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = _ReusedClients

    def get(self, key: Any, default: Any = None, version: int | None = None) -> Any:
        try:
            return super().get(key, default, version)
        except _AWAY:
            _away("get")
            return default

    def get_many(self, keys: Any, version: int | None = None) -> dict[Any, Any]:
        try:
            return super().get_many(keys, version)
        except _AWAY:
            _away("get_many")
            return {}

    def has_key(self, key: Any, version: int | None = None) -> bool:
        try:
            return super().has_key(key, version)
        except _AWAY:
            _away("has_key")
            return False

    def set(self, key: Any, value: Any, timeout: Any = 300, version: int | None = None) -> None:
        try:
            super().set(key, value, timeout, version)
        except _AWAY:
            _away("set")

    def set_many(self, data: dict[Any, Any], timeout: Any = 300, version: int | None = None) -> list[Any]:
        try:
            return super().set_many(data, timeout, version)
        except _AWAY:
            _away("set_many")
            return list(data)

    def add(self, key: Any, value: Any, timeout: Any = 300, version: int | None = None) -> bool:
        try:
            return super().add(key, value, timeout, version)
        except _AWAY:
            _away("add")
            return False

    def delete(self, key: Any, version: int | None = None) -> bool:
        try:
            return super().delete(key, version)
        except _AWAY:
            _away("delete")
            return False

    def touch(self, key: Any, timeout: Any = 300, version: int | None = None) -> bool:
        try:
            return super().touch(key, timeout, version)
        except _AWAY:
            _away("touch")
            return False


# ---------------------------------------------------------------- generations
# A generation is a counter kept without expiry; cache keys built from it (the public listings',
# the search pages') change the moment something they depend on changes, so nothing has to find
# and delete them. The one way to move one on and to read several in one round trip.


def bump(key: str) -> None:
    """Move the generation `key` on. While Redis is away the save that asked goes through (the
    cache is gone then, and with it whatever the old generation named)."""
    from django.core.cache import cache

    try:
        cache.incr(key)
    except ValueError:  # not there yet (or evicted): start it
        cache.set(key, 1, None)
    except _AWAY:
        _away("incr")


def generations(*keys: str) -> tuple[int, ...]:
    """The current value of each generation (0 for one never moved), read in one round trip."""
    from django.core.cache import cache

    found = cache.get_many(list(keys))
    return tuple(int(found.get(key) or 0) for key in keys)
