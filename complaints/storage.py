"""Where case photos live.

Originals (with their EXIF: GPS, camera owner, sometimes a phone number) and staff
thumbnails are kept in a private folder outside MEDIA_ROOT, served only through
`complaints.media.private_media` to signed-in staff who may read cases. MEDIA_ROOT
holds only re-encoded public derivatives without metadata.
"""

from __future__ import annotations

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.utils.functional import cached_property


class PrivateMediaStorage(FileSystemStorage):
    # Read the settings at use, not at import, so tests (and override_settings) can move it.
    @cached_property
    def base_location(self):
        return self._value_or_setting(self._location, settings.PRIVATE_MEDIA_ROOT)

    @cached_property
    def base_url(self):
        url = self._value_or_setting(self._base_url, settings.PRIVATE_MEDIA_URL)
        return url if url.endswith("/") else url + "/"

    def _clear_cached_properties(self, setting, **kwargs):
        super()._clear_cached_properties(setting, **kwargs)
        if setting in ("PRIVATE_MEDIA_ROOT", "PRIVATE_MEDIA_URL"):
            for name in ("base_location", "location", "base_url"):
                self.__dict__.pop(name, None)


_private = PrivateMediaStorage()


def private_storage() -> PrivateMediaStorage:
    return _private
