"""The shared cache fails open (bkk1555/cache.py): a Redis that freezes (accepts connections, never
answers) costs a web process one socket timeout, then reads are misses, writes are dropped and
counters start again for CACHE_RETRY_SECONDS, so throttled API requests and public pages are
answered instead of failing or waiting behind it; once Redis answers again, the cache is used."""

import os
import signal
import time

import pytest
from django.core.cache import cache
from django.test import override_settings
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from line_oa.tests.test_worker_broker_frozen import frozen_redis  # noqa: F401 (the fixture)

pytestmark = pytest.mark.django_db


def _caches(port: int) -> dict:
    return {
        "default": {
            "BACKEND": "bkk1555.cache.FailOpenRedisCache",
            "LOCATION": f"redis://127.0.0.1:{port}/0",
            "OPTIONS": {"socket_timeout": 0.5, "socket_connect_timeout": 0.5},
        }
    }


def test_a_frozen_redis_is_a_miss_and_is_not_asked_again_for_a_while(frozen_redis):  # noqa: F811
    port, proc = frozen_redis
    with override_settings(CACHES=_caches(port), CACHE_RETRY_SECONDS=2):
        t0 = time.monotonic()
        assert cache.get("k", "default") == "default"  # waited one socket timeout, then a miss
        first = time.monotonic() - t0
        assert first >= 0.4

        t0 = time.monotonic()
        for i in range(20):  # would wait 0.5 s each if Redis were asked
            assert cache.get(f"k{i}") is None
            assert cache.add(f"k{i}", 1) is False
            cache.set(f"k{i}", 1)
            with pytest.raises(ValueError):
                cache.incr(f"n{i}")  # as for a missing key: the caller starts its count again
        assert time.monotonic() - t0 < 2.0

        os.kill(proc.pid, signal.SIGCONT)  # Redis answers again
        time.sleep(2.1)  # the retry window passes
        cache.set("back", "yes", 30)
        assert cache.get("back") == "yes"


def test_the_api_answers_while_its_throttle_counters_cannot_be_read(frozen_redis, officer):  # noqa: F811
    port, _proc = frozen_redis
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=officer).key}")
    with override_settings(CACHES=_caches(port), CACHE_RETRY_SECONDS=60):
        statuses = [client.get("/api/v1/complaints/").status_code for _ in range(5)]
        t0 = time.monotonic()
        statuses += [client.get("/api/v1/complaints/").status_code for _ in range(5)]
        later = time.monotonic() - t0
    assert statuses == [200] * 10
    assert later < 5 * 0.5  # none of the later five waited for Redis
