"""Per-token (per user) and per-address rate limits.

The rates are read from settings on every request rather than at import, so they
can be tuned per environment (API_THROTTLE_USER / API_THROTTLE_ANON) and in tests.
Counters live in Django's default cache; with several web processes give them a
shared cache (Redis) or each process counts on its own.
"""

from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle


class _SettingsRate:
    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)


class PerTokenRateThrottle(_SettingsRate, UserRateThrottle):
    """Authenticated callers: one bucket per user, and so per API token."""


class AnonymousRateThrottle(_SettingsRate, AnonRateThrottle):
    """Unauthenticated callers (and Open311 readers): one bucket per address."""
