"""Django's own Redis cache, failing open, pointed at a Sentinel-managed master when CACHE_URL
says so.

    CACHE_URL=redis://127.0.0.1:6379/1                      → FailOpenRedisCache
    CACHE_URL=sentinel://10.0.0.5:26379/1;sentinel://…:26379 → SentinelRedisCache (Sentinel pool)

What the cache holds here is an accelerator or a guard (API throttle counters, rendered public
pages, wrong-link counters, LINE display names), never the only copy of anything. So when Redis
does not answer, a read is a miss, a write is dropped and a counter starts again (its guard
lets the request through), instead of the request failing; and once Redis has failed, this
process does not ask it again for `CACHE_RETRY_SECONDS`, so a frozen Redis costs one socket
timeout per process per window, not one per request (the storm's officer requests waited up
to 2.8 s behind it: docs/benchmarks.md).

Only the connection pool differs for Sentinel: redis-py's SentinelConnectionPool asks the
sentinels for the master and reconnects to the new one after a failover.
"""

from __future__ import annotations

import logging
import threading
import time

from django.conf import settings
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import RedisError

from .redisconf import parse_sentinel

log = logging.getLogger(__name__)
_MISSING = object()


class FailOpenRedisCache(RedisCache):
    """RedisCache whose failures are misses, with a per-process pause after one."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._down_until = 0.0
        self._lock = threading.Lock()

    def _call(self, name: str, fallback, *args, **kwargs):
        """RedisCache's `name`, or `fallback()` when Redis does not answer (or did not lately)."""
        if time.monotonic() < self._down_until:
            return fallback()
        try:
            return getattr(super(), name)(*args, **kwargs)
        except RedisError:
            with self._lock:
                first = time.monotonic() >= self._down_until
                self._down_until = time.monotonic() + float(getattr(settings, "CACHE_RETRY_SECONDS", 5))
            if first:
                log.warning("cache: Redis did not answer (%s); treated as empty for a while", name, exc_info=True)
            return fallback()

    def get(self, key, default=None, version=None):
        return self._call("get", lambda: default, key, default, version)

    def get_many(self, keys, version=None):
        return self._call("get_many", dict, keys, version)

    def has_key(self, key, version=None):
        return self._call("has_key", lambda: False, key, version)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("add", lambda: False, key, value, timeout, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set", lambda: None, key, value, timeout, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set_many", lambda: list(data), data, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("touch", lambda: False, key, timeout, version)

    def delete(self, key, version=None):
        return self._call("delete", lambda: False, key, version)

    def delete_many(self, keys, version=None):
        return self._call("delete_many", lambda: None, keys, version)

    def incr(self, key, delta=1, version=None):
        value = self._call("incr", lambda: _MISSING, key, delta, version)
        if value is _MISSING:
            raise ValueError(f"Key '{key}' not found")  # as for a missing key: callers start the count again
        return value

    def clear(self):
        return self._call("clear", lambda: None)


class SentinelRedisCacheClient(RedisCacheClient):
    def _get_connection_pool(self, write):
        if "sentinel" not in self._pools:
            from redis.sentinel import Sentinel, SentinelConnectionPool

            address = parse_sentinel(";".join(self._servers))
            timeout = self._pool_options.get("socket_timeout", 1.0)
            sentinel_password = getattr(settings, "REDIS_SENTINEL_PASSWORD", "")
            manager = Sentinel(
                list(address.sentinels),
                sentinel_kwargs={
                    "socket_timeout": timeout,
                    "socket_connect_timeout": timeout,
                    **({"password": sentinel_password} if sentinel_password else {}),
                },
            )
            self._pools["sentinel"] = SentinelConnectionPool(
                settings.REDIS_SENTINEL_MASTER,
                manager,
                db=address.db,
                password=address.password,
                username=address.username,
                socket_timeout=timeout,
                socket_connect_timeout=timeout,
            )
        return self._pools["sentinel"]


class SentinelRedisCache(FailOpenRedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = SentinelRedisCacheClient
