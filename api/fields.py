"""Input fields that refuse what PostgreSQL would refuse later with an error (a 500)."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers


class CodeRelatedField(serializers.SlugRelatedField):
    """A SlugRelatedField that answers "does not exist" for values PostgreSQL cannot
    even compare (NUL characters), instead of letting the lookup fail with DataError."""

    def to_internal_value(self, data):
        if isinstance(data, str) and "\x00" in data:
            self.fail("does_not_exist", slug_name=self.slug_field, value=data.replace("\x00", "\\0"))
        return super().to_internal_value(data)


def to_utc(value: dt.datetime) -> dt.datetime:
    """PostgreSQL accepts UTC offsets up to ±15:59, Python up to ±23:59: normalise to UTC.
    Raises ValueError when the moment falls outside Python's datetime range."""
    try:
        return value.astimezone(dt.UTC)
    except OverflowError as exc:
        raise ValueError(_("วันเวลาอยู่นอกช่วงที่รองรับ")) from exc
