"""The cache is an accelerator, never a single point of failure (#15): Redis when it answers,
the database cache when it does not. Login lockouts and rate limits live in the cache, so every
worker process must see the same store (a per-process memory cache counted failures per worker)
and a Redis outage must not stop people logging in."""

from __future__ import annotations

import logging
import time

from django.core.cache.backends.base import BaseCache
from django.core.cache.backends.db import DatabaseCache
from django.core.cache.backends.redis import RedisCache

log = logging.getLogger(__name__)

CACHE_TABLE = "liaison_cache"
RETRY_AFTER_SECONDS = 30  # how long Redis is left alone after it failed


class FailoverCache(BaseCache):
    """Redis (LOCATION) with short timeouts; while it fails, the database cache table."""

    def __init__(self, location, params):
        super().__init__(params)
        timeout_options = {"socket_connect_timeout": 0.5, "socket_timeout": 0.5,
                           "retry_on_timeout": False}
        self.redis = RedisCache(location, {**params, "OPTIONS": timeout_options})
        self.database = DatabaseCache(CACHE_TABLE, params)
        self.redis_down_until = 0.0

    def _store(self):
        return self.database if time.monotonic() < self.redis_down_until else self.redis

    def _call(self, method: str, *args, **kwargs):
        store = self._store()
        if store is self.redis:
            try:
                return getattr(self.redis, method)(*args, **kwargs)
            except Exception as exc:  # redis.exceptions.RedisError, OSError
                if not _is_connection_error(exc):
                    raise
                log.warning("Redis cache unavailable (%s); using the database cache for %ss",
                            exc, RETRY_AFTER_SECONDS)
                self.redis_down_until = time.monotonic() + RETRY_AFTER_SECONDS
        return getattr(self.database, method)(*args, **kwargs)

    def add(self, *args, **kwargs):
        return self._call("add", *args, **kwargs)

    def get(self, *args, **kwargs):
        return self._call("get", *args, **kwargs)

    def set(self, *args, **kwargs):
        return self._call("set", *args, **kwargs)

    def touch(self, *args, **kwargs):
        return self._call("touch", *args, **kwargs)

    def delete(self, *args, **kwargs):
        return self._call("delete", *args, **kwargs)

    def get_many(self, *args, **kwargs):
        return self._call("get_many", *args, **kwargs)

    def set_many(self, *args, **kwargs):
        return self._call("set_many", *args, **kwargs)

    def delete_many(self, *args, **kwargs):
        return self._call("delete_many", *args, **kwargs)

    def has_key(self, *args, **kwargs):
        return self._call("has_key", *args, **kwargs)

    def incr(self, *args, **kwargs):
        return self._call("incr", *args, **kwargs)

    def clear(self):
        self.database.clear()
        return self._call("clear")


def _is_connection_error(exc: Exception) -> bool:
    import redis

    return isinstance(exc, redis.exceptions.ConnectionError | redis.exceptions.TimeoutError
                      | OSError)
