"""Token authentication that stops guessing: failed tokens are counted per address.

DRF authenticates before it throttles, so a wrong token is a 401 that no throttle ever
counts. Here each failure adds to a per-address counter in the cache; past
API_TOKEN_FAILURES_PER_MINUTE (default 20) every token attempt from that address is
answered 429 for the rest of the minute, right or wrong, so tokens cannot be guessed.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication

from bkk1555.security import client_ip

WINDOW_SECONDS = 60


def _key(request) -> str:
    return f"api-token-fail:{client_ip(request)}:{int(time.time() // WINDOW_SECONDS)}"


class ThrottledTokenAuthentication(TokenAuthentication):
    def authenticate(self, request):
        if not request.META.get("HTTP_AUTHORIZATION", "").lower().startswith(self.keyword.lower()):
            return None
        key = _key(request)
        limit = getattr(settings, "API_TOKEN_FAILURES_PER_MINUTE", 20)
        if (cache.get(key) or 0) >= limit:
            raise exceptions.Throttled(wait=WINDOW_SECONDS - time.time() % WINDOW_SECONDS)
        try:
            return super().authenticate(request)
        except exceptions.AuthenticationFailed:
            try:
                cache.incr(key)
            except ValueError:
                cache.set(key, 1, WINDOW_SECONDS * 2)
            raise
