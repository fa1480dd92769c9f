"""LINE's message limits, counted the way LINE counts them, and safe truncation.

LINE does not count Python code points. Two units matter:

- **UTF-16 code units** for message texts: a text message's ``text`` (5,000), a Flex
  message's ``altText`` (1,500), a location message's ``title`` and ``address`` (100).
  An emoji outside the BMP (😀) is two units; a family emoji (ZWJ sequence) is eleven.
- **Grapheme clusters** (what a person sees as one character) for action labels:
  20 in quick replies, templates and rich menus, 40 on Flex buttons. ``ไม่อยู่ในพื้นที่รับผิดชอบ`` is 25 code
  points but 16 clusters: it fits a quick-reply label.

Texts for which LINE's documentation does not say which unit it counts (``displayText``,
a message action's ``text``, postback ``data``) are fitted to the stricter UTF-16 count, so
they fit whichever LINE uses (a cluster is at least one UTF-16 unit).

Truncation never cuts inside a grapheme cluster — a surrogate pair, a Thai consonant with
its vowel and tone marks, a flag's two regional indicators, an emoji ZWJ sequence — and never
leaves a Thai leading vowel (เ แ โ ใ ไ) dangling before the ellipsis.

Grapheme clusters come from the ``regex`` module's ``\\X`` (Unicode extended grapheme
clusters, UAX #29, kept current with Unicode, unlike the standard library's ``re``).
"""

from __future__ import annotations

import regex

ELLIPSIS = "…"

# Texts (UTF-16 code units)
TEXT = 5000
ALT_TEXT = 1500
LOCATION_TITLE = 100
LOCATION_ADDRESS = 100
DISPLAY_TEXT = 300
ACTION_TEXT = 300
POSTBACK_DATA = 300
URI = 1000
# Labels (grapheme clusters)
QUICK_REPLY_LABEL = 20
TEMPLATE_LABEL = 20
RICH_MENU_LABEL = 20
FLEX_BUTTON_LABEL = 40
# Sizes
QUICK_REPLY_ITEMS = 13
MESSAGES_PER_REQUEST = 5
BUBBLE_JSON_BYTES = 30_000  # LINE refuses a Flex bubble whose JSON is larger than 30 KB

_CLUSTER = regex.compile(r"\X")
_THAI_LEADING_VOWELS = frozenset("เแโใไ")
_TRAILING_JUNK = " \t\r\n\u200b\u200c\u200d"


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units, as LINE counts message texts."""
    return len(text.encode("utf-16-le")) // 2


def clusters(text: str) -> list[str]:
    return _CLUSTER.findall(text)


def grapheme_len(text: str) -> int:
    """Length in grapheme clusters, as LINE counts action labels."""
    return len(clusters(text))


def _cut(parts: list[str], keep: int, ellipsis: str) -> str:
    head = parts[:keep]
    # A Thai leading vowel is written before the consonant it belongs to: never end on one.
    while head and (head[-1] in _THAI_LEADING_VOWELS or head[-1].strip(_TRAILING_JUNK) == ""):
        head.pop()
    return "".join(head) + ellipsis


def fit_utf16(text: str | None, limit: int, *, ellipsis: str = ELLIPSIS) -> str:
    """`text` (stripped) if it fits `limit` UTF-16 units, else cut at a cluster boundary with `ellipsis`."""
    text = (text or "").strip()
    if utf16_len(text) <= limit:
        return text
    budget = limit - utf16_len(ellipsis)
    parts = clusters(text)
    used = keep = 0
    for part in parts:
        size = utf16_len(part)
        if used + size > budget:
            break
        used += size
        keep += 1
    return _cut(parts, keep, ellipsis)


def fit_graphemes(text: str | None, limit: int, *, ellipsis: str = ELLIPSIS) -> str:
    """`text` (stripped) if it has at most `limit` grapheme clusters, else cut to fit with `ellipsis`."""
    text = (text or "").strip()
    parts = clusters(text)
    if len(parts) <= limit:
        return text
    return _cut(parts, limit - grapheme_len(ellipsis), ellipsis)


def fits_utf16(text: str, limit: int) -> bool:
    return utf16_len(text) <= limit


def fits_graphemes(text: str, limit: int) -> bool:
    return grapheme_len(text) <= limit
