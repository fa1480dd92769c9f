"""The public-text scrubber: every way people write a phone number, a name, an e-mail,
a LINE id or an ID number is masked (fuzzed with hypothesis); ordinary text survives."""

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from complaints.privacy import normalise, scrub, thai_id_checksum_ok

THAI_DIGITS = "๐๑๒๓๔๕๖๗๘๙"
FULLWIDTH = "０１２３４５６７８９"
ARABIC_INDIC = "٠١٢٣٤٥٦٧٨٩"
SEPARATORS = ["", " ", "-", "–", "—", "/", ".", "\u200b", "\u200c", "\u2060", "\ufeff", " - ", "\u00a0", "  ", "_", "·"]
CONTEXT = ["ฝาท่อหาย", "ถนนทรุด", "แจ้งด่วน", "หน้าตลาด", "กรุณาติดต่อกลับ", "ที่", "ครับ", "ค่ะ", "ด้วย", "please", "call"]
NAMES = [
    ("นายสมชาย ใจดี", ["สมชาย", "ใจดี"]),
    ("นางสาวมาลี รักไทย", ["มาลี", "รักไทย"]),
    ("Somchai Jaidee", ["somchai", "jaidee"]),
    ("คุณวิภา ศรีสุข", ["วิภา", "ศรีสุข"]),
]


def _digits(text: str) -> str:
    return re.sub(r"\D", "", normalise(text))


@st.composite
def written_digits(draw, digits: str) -> str:
    script = draw(st.sampled_from(["ascii", THAI_DIGITS, FULLWIDTH, ARABIC_INDIC, "mixed"]))
    out = []
    for i, d in enumerate(digits):
        chosen = script if script != "mixed" else draw(st.sampled_from(["ascii", THAI_DIGITS, FULLWIDTH]))
        out.append(d if chosen == "ascii" else chosen[int(d)])
        if i < len(digits) - 1 and draw(st.integers(0, 3)) == 0:
            out.append(draw(st.sampled_from(SEPARATORS)))
    return "".join(out)


@st.composite
def phone_numbers(draw) -> tuple[str, str]:
    """(how it is written, the digits that must not survive)."""
    if draw(st.booleans()):
        national = draw(st.sampled_from("689")) + draw(st.text("0123456789", min_size=8, max_size=8))
    else:
        national = "2" + draw(st.text("0123456789", min_size=7, max_size=7))
    grouped = draw(st.sampled_from(["plain", "3-3-4", "2-3-4", "spaced"]))
    body = "0" + national
    if grouped == "3-3-4":
        body = f"{body[:3]}{{s}}{body[3:6]}{{s}}{body[6:]}"
    elif grouped == "2-3-4":
        body = f"{body[:2]}{{s}}{body[2:5]}{{s}}{body[5:]}"
    elif grouped == "spaced":
        body = "{s}".join(body)
    sep = draw(st.sampled_from(SEPARATORS))
    body = body.replace("{s}", sep)
    prefix = draw(st.sampled_from(["", "+66", "+66 ", "+66(0)", "+66 (0) ", "66", "(", "tel:", "โทร.", "เบอร์ "]))
    if prefix.startswith(("+66", "66")):
        body = body[1:] if "(0)" not in prefix else body[1:]
    if prefix == "(":
        body = body[:3] + ")" + draw(st.sampled_from([" ", ""])) + body[3:]
    written = "".join(draw(written_digits(ch)) if ch.isdigit() else ch for ch in re.findall(r"\d+|\D", prefix + body))
    return written, national


def _context(draw) -> tuple[str, str]:
    return (
        " ".join(draw(st.lists(st.sampled_from(CONTEXT), max_size=4))),
        " ".join(draw(st.lists(st.sampled_from(CONTEXT), max_size=4))),
    )


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_no_phone_number_survives_in_any_writing(data):
    written, national = data.draw(phone_numbers())
    before, after = _context(data.draw)
    glue = data.draw(st.sampled_from([" ", "", ":", " : ", "\u200b"]))
    out = scrub(f"{before}{glue}{written}{glue}{after}", ["นายสมชาย ใจดี"])
    assert national not in _digits(out), (written, out)
    assert national[-7:] not in _digits(out), (written, out)


@st.composite
def name_mentions(draw) -> tuple[str, str, list[str]]:
    full, tokens = draw(st.sampled_from(NAMES))
    token = draw(st.sampled_from(tokens))
    title = draw(st.sampled_from(["", "คุณ", "นาย", "นาง", "น.ส.", "Mr. ", "khun ", "คุณ "]))
    case = draw(st.sampled_from([str.lower, str.upper, str.title, lambda s: s]))
    word = case(token)
    if draw(st.booleans()):
        at = draw(st.integers(1, len(word) - 1))
        word = word[:at] + draw(st.sampled_from(["\u200b", "\u200c", "\u2060", "\ufeff", "\u00ad"])) + word[at:]
    if draw(st.booleans()):
        word = "".join(FULLWIDTH[0] and (chr(ord(c) + 0xFEE0) if c.isascii() and c.isalpha() else c) for c in word)
    return title + word, full, tokens


@settings(max_examples=400, deadline=None)
@given(data=st.data())
def test_no_complainant_name_token_survives(data):
    mention, full, tokens = data.draw(name_mentions())
    before, after = _context(data.draw)
    out = normalise(scrub(f"{before} {mention}{data.draw(st.sampled_from(['', ' ', 'แจ้งว่า ']))}{after}", [full]))
    for token in tokens:
        assert token.casefold() not in out.casefold(), (mention, out)


@st.composite
def contacts(draw) -> tuple[str, str]:
    user = draw(st.from_regex(r"[a-z][a-z0-9_.]{3,10}[a-z0-9]", fullmatch=True))
    form = draw(
        st.sampled_from(
            [
                "{u}@gmail.com",
                "{u}@gmail",
                "{u}@hotmail.co.th",
                "{u} @ gmail.com",
                "{u}@mail",
                "{u}(at)gmail(dot)com",
                "{u} [at] yahoo [dot] com",
                "{u} แอท gmail ดอท com",
                "{u} at gmail dot com",
                "@{u}",
                "แอดไลน์ {u}",
                "fb: {u}",
                "Facebook {u}",
                "IG: {u}",
                "line id: {u}",
                "Line ID {u}",
                "LINE:{u}",
                "line @{u}",
                "ไลน์ {u}",
                "ไลน์ไอดี {u}",
                "ไอดีไลน์: {u}",
                "ID line {u}",
                "line id : @{u}",
                "ไลน์@{u}",
            ]
        )
    )
    written = form.format(u=user)
    if draw(st.booleans()):
        written = "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in written)  # full-width
    return written, user


@settings(max_examples=400, deadline=None)
@given(data=st.data())
def test_no_email_or_line_id_survives(data):
    written, user = data.draw(contacts())
    before, after = _context(data.draw)
    out = normalise(scrub(f"{before} {written} {after}"))
    assert user not in out.lower(), (written, out)


def _valid_id(first12: str) -> str:
    total = sum(int(d) * (13 - i) for i, d in enumerate(first12))
    return first12 + str((11 - total % 11) % 10)


@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_no_national_id_survives(data):
    national_id = _valid_id(data.draw(st.from_regex(r"[1-8][0-9]{11}", fullmatch=True)))
    assert thai_id_checksum_ok(national_id)
    grouped = f"{national_id[0]}-{national_id[1:5]}-{national_id[5:10]}-{national_id[10:12]}-{national_id[12]}"
    raw = data.draw(st.sampled_from([national_id, grouped, grouped.replace("-", " ")]))
    written = data.draw(written_digits(re.sub(r"\D", "", raw))) if data.draw(st.booleans()) else raw
    out = scrub(f"เลขบัตรประชาชน {written} ครับ")
    assert national_id[-8:] not in _digits(out), (written, out)


@pytest.mark.parametrize(
    "text",
    [
        "๐๘๑-๒๓๔-๕๖๗๘",
        "๐๘๑๒๓๔๕๖๗๘",
        "０８１２３４５６７８",
        "0 8 1 2 3 4 5 6 7 8",
        "081/234/5678",
        "(081) 234-5678",
        "081–234–5678",
        "0\u200b8\u200b1\u200b2\u200b3\u200b4\u200b5\u200b6\u200b7\u200b8",
        "+66(0)81-234-5678",
        "+66 81 234 5678",
        "081.234.5678",
        "โทร 234-5678",
        "O81-234-5678",
        "o812345678",
        "081,234,5678",
        "081-234-\n5678",
        "๐๘๑ ๒๓๔\n๕๖๗๘",
    ],
)
def test_every_reported_phone_form_is_masked(text):
    out = scrub(f"ติดต่อ {text} ด่วน")
    assert "5678" not in _digits(out), out
    assert "[เบอร์โทรถูกซ่อน]" in out


@pytest.mark.parametrize(
    "text",
    ["คุณสมชาย แจ้ง", "สมชาย", "SOMCHAI", "ใจ\u200bดี", "สม\u200bชาย ใจดี", "นายสมชาย"],
)
def test_every_reported_name_form_is_masked(text):
    out = scrub(f"แจ้งโดย {text} ครับ", ["นายสมชาย ใจดี"])
    assert "สมชาย" not in out and "ใจดี" not in normalise(out)


def test_a_latin_name_is_masked_in_any_case():
    assert "somchai" not in scrub("SOMCHAI and SomChai", ["Somchai Jaidee"]).lower()


def test_house_numbers_are_masked_next_to_a_name_and_after_the_word():
    assert "12/3" not in scrub("บ้านเลขที่ 12/3 ซอย 5")
    assert "45/6" not in scrub("นายสมชาย 45/6 หน้าบ้าน", ["นายสมชาย ใจดี"])


def test_a_title_with_an_unknown_name_is_masked():
    out = scrub("รายงานโดยคุณวิชัย และ Mr. John Smith")
    assert "วิชัย" not in out and "John" not in out and "Smith" not in out


@pytest.mark.parametrize(
    "text",
    [
        "หลุมบนถนนคุณภาพแย่ นายกฯ มาดู",
        "พิกัด 13.756123, 100.501234",
        "เรื่องซ้ำกับ 2569-000123",
        "เวลา 08.30-16.30 น. วันที่ 1/12/2569",
        "ซอย 5 ถนนสุขุมวิท 11 หน้าเซเว่น",
        "ไฟฟ้าดับ 3 ชั่วโมง โทร 1555",
        "ต้นไม้ล้มขวางถนนพระราม 4",
        "น้ำท่วมซ้ำทุกปี 2566, 2567, 2568",
        "ซอย 3, 5, 7 และ 9",
    ],
)
def test_ordinary_text_is_left_alone(text):
    assert scrub(text) == normalise(text) == text


def test_thai_vowels_are_not_decomposed():
    assert scrub("น้ำท่วมซ้ำซาก") == "น้ำท่วมซ้ำซาก"
