"""Small views of the LINE channel: signed photo URLs for Flex cards."""

from __future__ import annotations

from django.core import signing
from django.http import FileResponse, Http404, HttpRequest

from complaints.models import Photo

from .messages import PHOTO_SALT, PHOTO_URL_MAX_AGE


def _photo(token: str) -> Photo:
    try:
        pk = signing.loads(token, salt=PHOTO_SALT, max_age=PHOTO_URL_MAX_AGE)
    except signing.BadSignature as exc:  # includes SignatureExpired
        raise Http404("invalid or expired photo link") from exc
    try:
        return Photo.objects.get(pk=pk)
    except Photo.DoesNotExist as exc:
        raise Http404("no such photo") from exc


def photo(request: HttpRequest, token: str) -> FileResponse:
    """The photo for a valid, unexpired signed token (LINE fetches it without a login): the
    re-encoded public derivative, never the original with its EXIF."""
    p = _photo(token)
    response = FileResponse((p.public_image or p.thumbnail).open("rb"), content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=3600"
    return response


def photo_thumb(request: HttpRequest, token: str) -> FileResponse:
    p = _photo(token)
    response = FileResponse(p.thumbnail.open("rb"), content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=3600"
    return response
