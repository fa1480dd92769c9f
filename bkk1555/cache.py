"""Django's own Redis cache, pointed at a Sentinel-managed master when CACHE_URL says so.

    CACHE_URL=redis://127.0.0.1:6379/1                      → django.core.cache.backends.redis.RedisCache
    CACHE_URL=sentinel://10.0.0.5:26379/1;sentinel://…:26379 → this backend (same client, Sentinel pool)

Only the connection pool differs: redis-py's SentinelConnectionPool asks the
sentinels for the master and reconnects to the new one after a failover.
"""

from __future__ import annotations

from django.conf import settings
from django.core.cache.backends.redis import RedisCache, RedisCacheClient

from .redisconf import parse_sentinel


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


class SentinelRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = SentinelRedisCacheClient
