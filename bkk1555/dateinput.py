"""Date inputs in the Buddhist era: they show `02/12/2569` and accept it (and a CE year as typed).

A year of 2400 or more is BE (2400 BE is 1857 CE, long before any case); a smaller year is taken
as CE, so `02/12/2026` and the ISO `2026-12-02` still work. The admin's date and datetime fields
use these (bkk1555/admin_display.py), as do the console's own forms and the received-date filter.
"""

from __future__ import annotations

import datetime as dt
import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .thaidate import BE_OFFSET, ce_year

_DMY = re.compile(r"^\s*(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4})\s*$")
_YMD = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*$")
PLACEHOLDER = _("วว/ดด/ปปปป (พ.ศ.)")


def parse_date(text: str) -> dt.date:
    """`2/12/2569`, `02.12.2569`, `02/12/2026` or `2026-12-02` → 2 December 2026; ValueError otherwise."""
    if m := _DMY.match(text or ""):
        day, month, year = (int(g) for g in m.groups())
    elif m := _YMD.match(text or ""):
        year, month, day = (int(g) for g in m.groups())
    else:
        raise ValueError(text)
    return dt.date(ce_year(year), month, day)


def parse_date_or_none(text: str) -> dt.date | None:
    try:
        return parse_date(text)
    except ValueError:
        return None


def format_input(value: dt.date | None) -> str:
    """`02/12/2569` — what a date input shows."""
    if value is None:
        return ""
    return f"{value.day:02d}/{value.month:02d}/{value.year + BE_OFFSET}"


class BEDateInput(forms.TextInput):
    def __init__(self, attrs=None):
        base = {"class": "vDateField be-date", "size": "10", "placeholder": PLACEHOLDER, "inputmode": "numeric"}
        super().__init__({**base, **(attrs or {})})

    def format_value(self, value):
        if isinstance(value, dt.datetime):
            value = value.date()
        if isinstance(value, dt.date):
            return format_input(value)
        return super().format_value(value)


class BETimeInput(forms.TimeInput):
    def __init__(self, attrs=None):
        base = {"class": "vTimeField", "size": "5", "placeholder": _("ชช:นน"), "inputmode": "numeric"}
        super().__init__({**base, **(attrs or {})}, format="%H:%M")


class BEDateField(forms.DateField):
    widget = BEDateInput
    default_error_messages = {"invalid": _("วันที่ไม่ถูกต้อง: พิมพ์เป็น วว/ดด/ปปปป ปี พ.ศ. เช่น 02/12/2569")}

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        try:
            return parse_date(str(value))
        except ValueError:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None


class BESplitDateTimeWidget(forms.SplitDateTimeWidget):
    template_name = "admin/widgets/split_datetime.html"

    def __init__(self, attrs=None):
        forms.MultiWidget.__init__(self, (BEDateInput(attrs), BETimeInput(attrs)))

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["date_label"] = _("วันที่:")
        context["time_label"] = _("เวลา:")
        return context


class BESplitDateTimeField(forms.SplitDateTimeField):
    """The admin's date + time pair, with the BE date."""

    widget = BESplitDateTimeWidget

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        date_field = BEDateField(required=self.fields[0].required, localize=False)
        date_field.error_messages["required"] = self.fields[0].error_messages["required"]
        self.fields = (date_field, self.fields[1])
