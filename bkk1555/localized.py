"""Names in the reader's language: the `_th` field in Thai, the `_en` field in English.

Reference data (categories, agencies, districts, zones) carries both names; a person who chose
English reads the English one, falling back to the Thai where the data has no English form.
Templates use the `localized_name` filter (a builtin, like the date filters).
"""

from __future__ import annotations

from django.utils import translation


def english() -> bool:
    return (translation.get_language() or "th").startswith("en")


def localized(th: str | None, en: str | None) -> str:
    """The English text when the reader chose English and there is one, else the Thai."""
    if en and english():
        return en
    return th or ""


def localized_name(obj, field: str = "name") -> str:
    """`obj.name_en` in English (when filled), `obj.name_th` otherwise; `field="handles"` for the duties."""
    if obj is None:
        return ""
    return localized(getattr(obj, f"{field}_th", ""), getattr(obj, f"{field}_en", ""))
