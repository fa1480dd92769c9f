"""Photos chosen on the add form, kept while the form is shown again (an error elsewhere on
the form, or the duplicates it offers): a browser cannot refill a file input, and an officer
on the phone with a caller must not have to ask for the photos twice.

The photos that passed the upload checks wait in private storage (like case photos: their
EXIF may carry a position or a name) under a random folder; the form carries a signed
token naming the folder, the officer and the file names. Only that officer's next submit
of the form reads them back; the save stores them with the case and deletes the folder;
`sweep` deletes folders older than a day (a form abandoned mid-call)."""

from __future__ import annotations

import datetime as dt
import logging
import os
import secrets

from django.core import signing
from django.core.files.base import ContentFile
from django.utils import timezone

from .storage import private_storage

log = logging.getLogger(__name__)

PREFIX = "intake-staging"
MAX_AGE = dt.timedelta(days=1)
_SALT = "complaints.intake-photos"


def stage(user, photos: list[tuple[str, bytes]]) -> dict | None:
    """Store the photos; the form's hidden token and the names it lists. None when there are
    none, or when they could not be stored."""
    if not photos:
        return None
    folder = secrets.token_hex(16)
    storage = private_storage()
    try:
        for i, (_name, content) in enumerate(photos):
            storage.save(f"{PREFIX}/{folder}/{i}", ContentFile(content))
    except OSError:  # a full or unwritable disk: the form is still shown, the officer is told
        log.exception("intake photos could not be kept")
        _delete_folder(folder)
        return None
    names = [name[:80] for name, _ in photos]
    token = signing.dumps({"u": user.pk, "f": folder, "n": names}, salt=_SALT, compress=True)
    return {"token": token, "names": names}


def load(user, token: str, keep: set[int] | None = None) -> list[tuple[str, bytes]]:
    """The staged photos of this officer's form (those whose index is in `keep`, when given);
    [] for a token that is forged, another officer's, expired or already used."""
    data = _unsign(token)
    if data is None or data.get("u") != user.pk:
        return []
    storage = private_storage()
    out = []
    for i, name in enumerate(data.get("n", [])):
        if keep is not None and i not in keep:
            continue
        path = f"{PREFIX}/{data['f']}/{i}"
        if storage.exists(path):
            with storage.open(path, "rb") as fh:
                out.append((name, fh.read()))
    return out


def discard(token: str) -> None:
    """Delete a staged folder (after the save took its photos, or when it is replaced)."""
    data = _unsign(token)
    if data is not None:
        _delete_folder(data["f"])


def sweep(now: dt.datetime | None = None) -> int:
    """Delete staged folders older than MAX_AGE; the number deleted."""
    now = now or timezone.now()
    storage = private_storage()
    if not storage.exists(PREFIX):
        return 0
    folders, _files = storage.listdir(PREFIX)
    gone = 0
    for folder in folders:
        _dirs, files = storage.listdir(f"{PREFIX}/{folder}")
        times = [storage.get_modified_time(f"{PREFIX}/{folder}/{f}") for f in files]
        if not times or now - max(times) > MAX_AGE:
            _delete_folder(folder)
            gone += 1
    return gone


def _unsign(token: str) -> dict | None:
    if not token:
        return None
    try:
        data = signing.loads(token, salt=_SALT, max_age=MAX_AGE)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or not str(data.get("f", "")).isalnum():
        return None
    return data


def _delete_folder(folder: str) -> None:
    storage = private_storage()
    base = f"{PREFIX}/{folder}"
    if not storage.exists(base):
        return
    _dirs, files = storage.listdir(base)
    for f in files:
        storage.delete(f"{base}/{f}")
    try:
        os.rmdir(storage.path(base))  # the folder itself (private storage is a file system)
    except OSError:
        pass
