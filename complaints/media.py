"""Serving case media: public derivatives to anyone, everything else to staff only.

MEDIA_ROOT/public/ holds re-encoded photos without metadata (Open311's media_url,
the public case page); in production nginx may serve that one folder directly.
Everything else — photo originals and thumbnails (PRIVATE_MEDIA_ROOT, /media/private/),
files that came in over LINE (MEDIA_ROOT/line_media/) — is answered only to a signed-in
user whose role may read cases (officers, supervisors; not executives), never as an
open file.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, SuspiciousFileOperation
from django.http import FileResponse, Http404, HttpRequest
from django.utils._os import safe_join

PUBLIC_PREFIX = "public/"
STAFF_PERMISSION = "complaints.view_complaint"
# Types a browser may show inline; anything else is a download, so an uploaded HTML or SVG
# file can never run script in an officer's browser.
INLINE_TYPES = {"image/jpeg", "image/png", "image/webp", "image/gif"}


def _file(root: Path, path: str) -> Path:
    # No "..", no absolute paths, no backslashes: "public/../x" must not reach a private file.
    if ".." in path.split("/") or path.startswith("/") or "\\" in path or "\x00" in path:
        raise Http404("no such file")
    try:
        full = Path(safe_join(str(root), path))
    except (SuspiciousFileOperation, ValueError) as exc:
        raise Http404("no such file") from exc
    if not full.is_file():
        raise Http404("no such file")
    return full


def _respond(full: Path, *, public: bool) -> FileResponse:
    content_type = mimetypes.guess_type(full.name)[0] or "application/octet-stream"
    inline = content_type in INLINE_TYPES
    response = FileResponse(
        full.open("rb"),
        content_type=content_type if inline else "application/octet-stream",
        as_attachment=not inline,
        filename=full.name,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "public, max-age=86400" if public else "private, max-age=600"
    return response


def _require_staff(request: HttpRequest):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not (request.user.is_active and request.user.has_perm(STAFF_PERMISSION)):
        raise PermissionDenied
    return None


def media(request: HttpRequest, path: str):
    """MEDIA_URL: public derivatives to anyone; any other file there to staff only."""
    if path.startswith(PUBLIC_PREFIX):
        return _respond(_file(settings.MEDIA_ROOT, path), public=True)
    refused = _require_staff(request)
    if refused:
        return refused
    return _respond(_file(settings.MEDIA_ROOT, path), public=False)


def private_media(request: HttpRequest, path: str):
    """Photo originals and thumbnails (PRIVATE_MEDIA_ROOT): staff only."""
    refused = _require_staff(request)
    if refused:
        return refused
    return _respond(_file(settings.PRIVATE_MEDIA_ROOT, path), public=False)
