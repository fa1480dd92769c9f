"""What a person reads on a page, and the English words in it (the Thai-page test's eyes)."""

from __future__ import annotations

import html as htmllib
import re

# Words a Thai page may carry in Latin letters: brands, channels, standards, units, formats.
ALLOWED = {
    "line",
    "best",
    "sla",
    "api",
    "csv",
    "excel",
    "xlsx",
    "json",
    "open311",
    "openstreetmap",
    "osm",
    "google",
    "maps",
    "leaflet",
    "km",
    "bkk1555",
    "bkk",
    "traffy",
    "fondue",
    "liff",
    "oa",
    "id",
    "pdf",
    "sms",
    "english",  # the language switch offers English by its own name
    "redoc",
    "http",  # only with a status number, as in "HTTP 429": see the code rule
    "mb",
    "px",
    "exif",
    "gps",
    "url",
    "qr",
    "wgs84",
    "ok",
    "official",  # LINE Official Account, the product's name
    "account",
    "webhook",
    "wilson",  # the Wilson interval, a statistic's name
    "javascript",
    "ctrl",
    "mac",
}
# Scripts, styles, and machine text shown as code (a LINE payload, an error as the network gave it).
_SKIP_BLOCKS = re.compile(r"(?is)<(script|style|template|svg|pre|code)\b.*?</\1\s*>|<!--.*?-->")
_READ_ATTRS = re.compile(r"""(?is)\b(?:placeholder|title|alt|aria-label)\s*=\s*("[^"]*"|'[^']*')""")
_SUBMIT_VALUE = re.compile(r"""(?is)<input\b[^>]*type=["']?(?:submit|button)["']?[^>]*>""")
_VALUE = re.compile(r"""(?is)\bvalue\s*=\s*("[^"]*"|'[^']*')""")
_TAG = re.compile(r"(?s)<[^>]+>")
_URL_OR_EMAIL = re.compile(r"(?i)\b(?:https?://|www\.)\S+|\S+@\S+\.\w+|(?<!\S)/[\w./?=&%-]+")
_WORD = re.compile(r"[A-Za-z][A-Za-z'’]*[A-Za-z]|[A-Za-z]")


def visible_text(page: str) -> str:
    """The text a person reads: tags, scripts and styles removed; titles, placeholders and buttons kept."""
    body = _SKIP_BLOCKS.sub(" ", page)
    extra = [m.group(1)[1:-1] for m in _READ_ATTRS.finditer(body)]
    for tag in _SUBMIT_VALUE.findall(body):
        extra += [m.group(1)[1:-1] for m in _VALUE.finditer(tag)]
    text = _TAG.sub(" ", body) + " " + " ".join(extra)
    return re.sub(r"\s+", " ", htmllib.unescape(text))


def english_words(text: str, allowed: set[str] = frozenset()) -> list[str]:
    """Latin words that are not codes, names on the allow-list, addresses or references."""
    found = []
    for token in _URL_OR_EMAIL.sub(" ", text).split():
        # Codes and references (DRAIN_COVER, BKK-2569-000123, MEA, 1555B): upper case, digits, _ or -.
        if re.fullmatch(r"[A-Z0-9_\-.:#()/,·+]+", token) or re.search(r"\d", token):
            continue
        # A header name (X-Line-Retry-Key) or a file path (docs/metrics.md).
        if re.fullmatch(r"X-[A-Za-z-]+:?", token) or re.search(r"\w/\w|\w\.\w", token):
            continue
        for word in _WORD.findall(token):
            if len(word) < 2 or word.isupper() or word.lower() in ALLOWED or word.lower() in allowed:
                continue
            found.append(word)
    return found
