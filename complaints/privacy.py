"""Scrubbing personal data out of free text before it is published (Open311, public pages).

Detection runs on a normalised copy of the text, because people (and people trying to
get around a filter) write the same phone number in many ways: Thai or full-width digits,
spaces, dashes, slashes, brackets or zero-width characters between the digits, `+66(0)`.
So the text is first brought to one form (Unicode NFKC, every decimal digit to ASCII,
every dash to `-`, every space to ` `, zero-width and soft-hyphen characters removed) and
the *normalised* text, with masks, is what is published.

What is masked:
- phone numbers: any run of 9+ digits joined by separators (Thai numbers have 9 or 10,
  +66 forms more), 7+ after a word such as โทร/tel, and whatever `phonenumbers`'
  matcher finds for region TH;
- Thai national ID numbers (13 digits; a valid checksum gets its own label, any other
  long run is masked as a number anyway);
- e-mail addresses, with or without a dot suffix, and `name (at) host` forms;
- LINE ids (`@somchai`, `line id: somchai`, `ไลน์ somchai`, `ไอดีไลน์ ...`);
- every name token of the people we know about (the complainant, coordinators), in
  any letter case, with or without a title (`นาย`, `คุณ`, `Mr` …), and any word that
  follows a title even when we do not know the person;
- house numbers (`บ้านเลขที่ 12/3`, `เลขที่ 99`) and a `12/3`-style number next to a name.

Over-masking is the accepted cost: a public feed that hides a harmless number is
better than one that publishes a phone number.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

import phonenumbers

PHONE = "[เบอร์โทรถูกซ่อน]"
NUMBER = "[หมายเลขถูกซ่อน]"
NATIONAL_ID = "[เลขบัตรประชาชนถูกซ่อน]"
EMAIL = "[อีเมลถูกซ่อน]"
LINE_ID = "[ไลน์ไอดีถูกซ่อน]"
NAME = "[ชื่อถูกซ่อน]"
HOUSE_NO = "[บ้านเลขที่ถูกซ่อน]"
MASKS = (PHONE, NUMBER, NATIONAL_ID, EMAIL, LINE_ID, NAME, HOUSE_NO)

# Characters that render as nothing and are used to split a number or a name.
_INVISIBLE = dict.fromkeys(
    map(
        ord,
        "\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b\u180c\u180d\u180e\u200b\u200c\u200d\u200e\u200f"
        "\u202a\u202b\u202c\u202d\u202e\u2060\u2061\u2062\u2063\u2064\u2066\u2067\u2068\u2069\u206a\u206b"
        "\u206c\u206d\u206e\u206f\u3164\ufe00\ufe01\ufe02\ufe03\ufe04\ufe05\ufe06\ufe07\ufe08\ufe09\ufe0a"
        "\ufe0b\ufe0c\ufe0d\ufe0e\ufe0f\ufeff\uffa0",
    ),
    None,
)


def normalise(text: str) -> str:
    """One form for detection and for publication: NFKC, ASCII digits, plain dashes and spaces."""
    out = []
    for ch in (text or "").translate(_INVISIBLE):
        if ch.isascii():
            out.append(ch)
            continue
        if _is_thai(ch) and not ch.isdigit():
            # NFKC would split SARA AM (ำ) into two characters: Thai letters stay as typed.
            out.append(ch)
            continue
        folded = unicodedata.normalize("NFKC", ch)
        if folded != ch:
            out.append(normalise(folded) if len(folded) > 1 or not folded.isascii() else folded)
            continue
        cat = unicodedata.category(ch)
        if cat == "Nd":
            out.append(str(unicodedata.digit(ch)))
        elif cat == "Pd" or ch in "\u2212\u2012\u2043\ufe63\uff0d":
            out.append("-")
        elif cat == "Zs" or ch in "\u2028\u2029":
            out.append(" ")
        elif cat in ("Cf", "Mn") and not _is_thai(ch):
            # Other format characters and stray combining marks: invisible glue.
            continue
        else:
            out.append(ch)
    return "".join(out)


def _is_thai(ch: str) -> bool:
    return "\u0e00" <= ch <= "\u0e7f"


# --- numbers ----------------------------------------------------------------------------

# A run of digits with up to six separator characters between each pair.
# Separators: anything but letters and Thai (dots, dashes, slashes, brackets, commas,
# middle dots, underscores, line breaks …).
_DIGIT_RUN = re.compile(r"\+?\d(?:(?:[^\w\u0e00-\u0e7f]|_){0,6}\d)*")
# Two coordinates written as "13.756123, 100.501234": one run, but not a phone.
_COORDINATES = re.compile(r"(?:[5-9]|1\d|2[01])\.\d{4,8}\s*,\s*(?:9[7-9]|10[0-6])\.\d{4,8}")
# The letter O written for a zero inside a number ("O81-234-5678"): read as 0 for detection.
_LETTER_O = re.compile(r"(?<=\d)[Oo]|[Oo](?=[\d\s\-.]{0,2}\d)")
# A latitude or longitude in Thailand (5-21 N, 97-106 E) such as 100.501234: not a phone.
_DECIMAL = re.compile(r"(?<!\d)(?:[5-9]|1\d|2[01]|9[7-9]|10[0-6])\.\d{4,8}(?!\d)")
_REFERENCE = re.compile(r"(?<!\d)25\d\d-\d{6}(?!\d)")  # our case references stay readable
_PHONE_WORD = re.compile(r"(?:โทร|เบอร์|มือถือ|ติดต่อ|tel|phone|mobile|call|fax|แฟกซ์)[^\d]{0,12}$", re.IGNORECASE)


def thai_id_checksum_ok(digits: str) -> bool:
    if len(digits) != 13 or not digits.isdigit():
        return False
    total = sum(int(d) * (13 - i) for i, d in enumerate(digits[:12]))
    return (11 - total % 11) % 10 == int(digits[12])


def _number_spans(text: str) -> list[tuple[int, int, str]]:
    spans = []
    # Same length, so every span found here is a span of the published text.
    text = _LETTER_O.sub("0", text)
    references = [m.span() for m in _REFERENCE.finditer(text)]
    for m in _DIGIT_RUN.finditer(text):
        start, end = m.span()
        # Trim separators the run may have swallowed at its end (a closing bracket is fine).
        while end > start and not text[end - 1].isdigit():
            end -= 1
        digits = re.sub(r"\D", "", text[start:end])
        if _DECIMAL.fullmatch(text[start:end]) or _COORDINATES.fullmatch(text[start:end]):
            continue
        groups = re.findall(r"\d+", text[start:end])
        if len(groups) > 1 and all(re.fullmatch(r"(?:25[4-9]\d|19\d\d|20\d\d)", g) for g in groups):
            continue  # a list of years: "2566, 2567, 2568"
        if any(rs <= start and end <= re_ for rs, re_ in references) and len(digits) == 10:
            continue
        if len(digits) == 13 and thai_id_checksum_ok(digits):
            spans.append((start, end, NATIONAL_ID))
        elif len(digits) >= 9:
            spans.append((start, end, PHONE if len(digits) <= 12 else NUMBER))
        elif len(digits) >= 7 and _PHONE_WORD.search(text[max(0, start - 20) : start]):
            spans.append((start, end, PHONE))
    decimals = [m.span() for m in _DECIMAL.finditer(text)]
    try:
        for match in phonenumbers.PhoneNumberMatcher(text, "TH", leniency=phonenumbers.Leniency.VALID):
            inside = [s for s in (*references, *decimals) if s[0] < match.end and match.start < s[1]]
            if not inside:
                spans.append((match.start, match.end, PHONE))
    except Exception:  # noqa: BLE001 - the library is a second opinion; the patterns above still apply
        pass
    return spans


# --- e-mail and LINE ------------------------------------------------------------------

_EMAIL = re.compile(
    r"[A-Za-z0-9._+%\-]+\s*(?:\(at\)|\[at\]|\{at\}|แอท|\s+at\s+(?=\S+\s*(?:\.|\(dot\)|\[dot\]|ดอท|\s+dot\s+)))"
    r"\s*[A-Za-z0-9\-]+"
    r"(?:\s*(?:\.|\(dot\)|\[dot\]|\{dot\}|ดอท|\s+dot\s+)\s*[A-Za-z0-9\-]+)*",
    re.IGNORECASE,
)
_EMAIL_STRICT = re.compile(r"[A-Za-z0-9._+%\-]+\s*@\s*[A-Za-z0-9\-]+(?:\s*\.\s*[A-Za-z0-9\-]+)*")
_LINE = re.compile(
    r"(?:\bline\s*id\s*[:=\-]?|\bline\s*[:=]|\bline\s*(?=@)|(?:แอด|add\s*)?ไลน์\s*(?:ไอดี)?|ไอดี\s*ไลน์|ไอดี|\bid\s*line"
    r"|\badd\s*line\s*:?|\b(?:facebook|fb|ig|instagram|tiktok|twitter|x\.com/)\s*[:=/]?|เฟซบุ๊ก|เฟสบุ๊ค|เฟซ|ไอจี|ติ๊กต็อก)"
    r"\s*[:=\-]?\s*@?[A-Za-z0-9._\-]{2,}",
    re.IGNORECASE,
)
_AT_ID = re.compile(r"(?<![A-Za-z0-9._@])@[A-Za-z0-9._\-]{3,}")


def _contact_spans(text: str) -> list[tuple[int, int, str]]:
    spans = [(m.start(), m.end(), EMAIL) for m in _EMAIL_STRICT.finditer(text)]
    spans += [(m.start(), m.end(), EMAIL) for m in _EMAIL.finditer(text)]
    # Overlapping search: "ไลน์ line id: x" must match again at "line id: x".
    pos = 0
    while match := _LINE.search(text, pos):
        spans.append((match.start(), match.end(), LINE_ID))
        pos = match.start() + 1
    spans += [(m.start(), m.end(), LINE_ID) for m in _AT_ID.finditer(text)]
    return spans


# --- names ------------------------------------------------------------------------------

_THAI_TITLES = (
    "นางสาว",
    "นาง",
    "นาย",
    "น.ส.",
    "นส.",
    "ด.ช.",
    "ด.ญ.",
    "เด็กชาย",
    "เด็กหญิง",
    "คุณ",
    "ร.ต.อ.",
    "พ.ต.ท.",
    "ดร.",
    "ผศ.",
    "รศ.",
    "ศ.",
    "พระ",
    "ลุง",
    "ป้า",
    "น้า",
    "พี่",
)
_LATIN_TITLES = ("mr", "mrs", "ms", "miss", "mx", "dr", "khun", "k.")
# Words that begin with a title but are not a person: "คุณภาพ" is quality, "นายก" the mayor.
_NOT_A_NAME = (
    "คุณภาพ",
    "คุณค่า",
    "คุณสมบัติ",
    "คุณธรรม",
    "คุณประโยชน์",
    "คุณูปการ",
    "คุณลักษณะ",
    "คุณครู",
    "นายก",
    "นายช่าง",
    "นายตรวจ",
    "นายทะเบียน",
    "นายอำเภอ",
    "นายจ้าง",
    "นายหน้า",
    "นายทุน",
    "นายท่า",
    "นางฟ้า",
    "นางพยาบาล",
    "นางแบบ",
    "พระอาทิตย์",
    "พระจันทร์",
    "พระบรม",
    "พระราช",
    "พระที่นั่ง",
    "พระราม",
    "พระแม่",
    "พระพุทธ",
    "พี่น้อง",
    "ลุงตู่",
    "น้ำ",
)
_GENERIC_TITLE = re.compile(
    r"(?:นางสาว|นาย|นาง|น\.ส\.|ด\.ช\.|ด\.ญ\.|เด็กชาย|เด็กหญิง|คุณ)\s*(?=[ก-๏])[ก-๏]+"
    r"|\b(?:mr|mrs|ms|miss|khun)\.?\s+[A-Za-z][A-Za-z'\-]+(?:\s+[A-Z][A-Za-z'\-]+)?",
    re.IGNORECASE,
)
_TITLE_PREFIX = re.compile(
    "^(?:" + "|".join(re.escape(t) for t in sorted(_THAI_TITLES, key=len, reverse=True)) + r")\s*"
    r"|^(?:" + "|".join(re.escape(t) for t in _LATIN_TITLES) + r")\.?\s+",
    re.IGNORECASE,
)


def name_tokens(names: Iterable[str]) -> list[str]:
    """The distinct words of the given names, titles removed, normalised, longest first."""
    tokens: set[str] = set()
    for name in names:
        text = normalise(name or "").strip()
        for part in re.split(r"[\s,()]+", text):
            part = part.strip(".-'\"")
            bare = _TITLE_PREFIX.sub("", part).strip(".-")
            for token in (part, bare):
                if len(token) >= 2 and token.casefold() not in {t.casefold() for t in (*_THAI_TITLES, *_LATIN_TITLES)}:
                    tokens.add(token)
    return sorted(tokens, key=len, reverse=True)


def _name_spans(text: str, names: Iterable[str]) -> list[tuple[int, int, str]]:
    spans = []
    for token in name_tokens(names):
        pattern = re.escape(token)
        if token.isascii() and len(token) < 4:
            pattern = r"(?<![A-Za-z])" + pattern + r"(?![A-Za-z])"
        elif len(token) <= 2:
            # A two-letter Thai token is too common inside words: only as a word of its own.
            pattern = r"(?<![ก-๏])" + pattern + r"(?![ก-๏])"
        for m in re.finditer(pattern, text, re.IGNORECASE):
            spans.append((m.start(), m.end(), NAME))
    for m in _GENERIC_TITLE.finditer(text):
        if not any(text.startswith(word, m.start()) for word in _NOT_A_NAME):
            spans.append((m.start(), m.end(), NAME))
    return spans


_HOUSE_NO = re.compile(
    r"(?:บ้าน\s*เลขที่|เลขที่|บ้านเลข|house\s*(?:no\.?|number)|ห้อง(?:เลขที่)?|room)\s*\d+(?:\s*/\s*\d+)*",
    re.IGNORECASE,
)
_SLASH_NO = re.compile(r"(?<![\d/])\d{1,5}\s*/\s*\d{1,4}(?![\d/])")


def _house_spans(text: str, name_spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    spans = [(m.start(), m.end(), HOUSE_NO) for m in _HOUSE_NO.finditer(text)]
    for m in _SLASH_NO.finditer(text):
        if any(abs(m.start() - e) <= 30 or abs(s - m.end()) <= 30 for s, e, _ in name_spans):
            spans.append((m.start(), m.end(), HOUSE_NO))
    return spans


def _apply(text: str, spans: list[tuple[int, int, str]]) -> str:
    if not spans:
        return text
    spans.sort(key=lambda s: (s[0], -s[1]))
    out, pos = [], 0
    for start, end, label in spans:
        if end <= pos:
            continue
        if start < pos:  # overlaps the previous mask: extend it
            pos = end
            continue
        out.append(text[pos:start])
        out.append(label)
        pos = end
    out.append(text[pos:])
    return "".join(out)


def scrub(text: str, names: Iterable[str] = ()) -> str:
    """The normalised text with every personal detail we can recognise masked."""
    clean = normalise(text)
    if not clean:
        return ""
    names = [n for n in names if n]
    names_found = _name_spans(clean, names)
    spans = _number_spans(clean) + _contact_spans(clean) + names_found
    spans += _house_spans(clean, names_found)
    return _apply(clean, spans)


def public_text(complaint) -> str:
    """What the public may read of a case's description (its public page, notices): the
    officer's public description, else the description — scrubbed either way."""
    return scrub(complaint.public_description or complaint.description, [complaint.complainant_name])
