"""Rendered public case pages kept in the shared cache, so a case shared widely costs no queries.

Only with a cache every process shares (CACHE_URL, Redis): a page is dropped from it whenever its
case, work, photos, notices or answer are saved in any process (``forget``, wired to post_save in
``apps.py``), and in any case after PUBLIC_PAGE_CACHE_SECONDS (which bounds what a bulk
``update()`` could leave stale). Without a shared cache, or with the setting at 0, every page is
built from the database as before.

A page is found by the case's reference, the token's digest and the language, under the case's
current *version*: forgetting a case deletes its version, so every page of it is unreachable at
once. The token is never stored; a wrong token never finds a page (it is part of the key) and
goes the slow way, where misses are counted. The form's CSRF token differs per visitor: pages are
rendered with a marker in its place and the visitor's own token is put in when served.
"""

from __future__ import annotations

import hashlib
import logging
import secrets

from django.conf import settings
from django.core.cache import cache
from django.middleware.csrf import get_token

log = logging.getLogger(__name__)
MARK = "csrf-token-of-this-visitor-" + "0" * 16


def enabled() -> bool:
    return bool(settings.CACHE_URL) and settings.PUBLIC_PAGE_CACHE_SECONDS > 0


def _ref_key(reference: str) -> str:
    return f"public:case:{reference}"


def _version_key(complaint_id: int) -> str:
    return f"public:ver:{complaint_id}"


def _page_key(reference: str, token: str, lang: str, version: str) -> str:
    digest = hashlib.sha256(token.encode()).hexdigest()[:32]
    return f"public:page:{reference}:{digest}:{lang}:{version}"


def personalise(html: str, request) -> str:
    """The page as this visitor gets it: their own CSRF token in the form (and the cookie set)."""
    return html.replace(MARK, get_token(request)) if MARK in html else html


def get(reference: str, token: str, lang: str) -> str | None:
    if not enabled():
        return None
    try:
        complaint_id = cache.get(_ref_key(reference))
        version = cache.get(_version_key(complaint_id)) if complaint_id else None
        return cache.get(_page_key(reference, token, lang, version)) if version else None
    except Exception:  # noqa: BLE001 - the cache is an accelerator: without it, the database answers
        log.warning("Public page cache unreadable", exc_info=True)
        return None


def put(complaint, token: str, lang: str, html: str) -> None:
    if not enabled():
        return
    ttl = settings.PUBLIC_PAGE_CACHE_SECONDS
    try:
        cache.set(_ref_key(complaint.reference), complaint.pk, None)  # a reference never changes case
        cache.add(_version_key(complaint.pk), secrets.token_hex(8), ttl)
        version = cache.get(_version_key(complaint.pk))
        if version:
            cache.set(_page_key(complaint.reference, token, lang, version), html, ttl)
    except Exception:  # noqa: BLE001
        log.warning("Public page not cached", exc_info=True)


def forget(complaint_id: int | None) -> None:
    """Every cached page of this case is unreachable from now on (called on every save that shows)."""
    if not complaint_id or not enabled():
        return
    try:
        cache.delete(_version_key(complaint_id))
    except Exception:  # noqa: BLE001 - the TTL still bounds what is left
        log.warning("Public pages of case %s not forgotten", complaint_id, exc_info=True)
