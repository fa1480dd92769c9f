"""Refusals that carry a code and data, with their words from gettext.

Like Zulip's JsonableError: the raise names *what* went wrong (a class with a code, a
message template from the catalogue, and the data to fill it); the words are chosen
when someone reads them, in the reader's language — a LINE reply, an admin message, or
the API's `{"code", "th", "en"}` body. Templates are Thai msgids with their English in
`locale/en`; nothing is written twice at the raise.
"""

from __future__ import annotations

from django.utils import translation
from django.utils.functional import Promise


class Localized:
    """A value with a Thai and an English form (an agency's name, say), read in the active language."""

    __slots__ = ("th", "en")

    def __init__(self, th: str, en: str = ""):
        self.th = th
        self.en = en or th

    def __str__(self) -> str:
        return self.en if (translation.get_language() or "th").startswith("en") else self.th

    def __repr__(self) -> str:
        return f"Localized({self.th!r}, {self.en!r})"


class CodedError(Exception):
    """A refusal: `code` for machines, `message` for people (in the active language)."""

    code = "error"
    template: str | Promise = ""

    def __init__(self, template: str | Promise | None = None, /, **data):
        self.template = template if template is not None else type(self).template
        self.data = data
        super().__init__(self.template)

    def _render(self) -> str:
        values = {k: (str(v) if isinstance(v, (Localized, Promise)) else v) for k, v in self.data.items()}
        text = str(self.template)
        return text % values if values else text

    @property
    def message(self) -> str:
        return self._render()

    def in_language(self, language: str) -> str:
        with translation.override(language):
            return self._render()

    @property
    def th(self) -> str:
        return self.in_language("th")

    @property
    def en(self) -> str:
        return self.in_language("en")

    def __str__(self) -> str:
        return self.message

    def as_dict(self) -> dict[str, str]:
        return {"code": self.code, "th": self.th, "en": self.en}
