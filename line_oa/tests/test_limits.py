"""LINE's limits counted as LINE counts them: UTF-16 units for texts, grapheme clusters for labels."""

import pytest

from complaints import workflow
from line_oa import limits, messages
from line_oa.models import OutboxMessage
from testing.factories import make_complaint
from testing.line_stub import validate_request

from . import events as ev

FAMILY = "👨\u200d👩\u200d👧\u200d👦"  # one cluster, 11 UTF-16 units
FLAG = "🇹🇭"  # one cluster, two regional indicators, 4 units
GRIN = "😀"  # one cluster, a surrogate pair
WATER = "น้ำ"  # one cluster: consonant + tone mark + SARA AM


def test_texts_are_counted_in_utf16_units_and_labels_in_grapheme_clusters():
    assert limits.utf16_len(GRIN) == 2 and limits.grapheme_len(GRIN) == 1
    assert limits.utf16_len(FAMILY) == 11 and limits.grapheme_len(FAMILY) == 1
    assert limits.utf16_len(FLAG) == 4 and limits.grapheme_len(FLAG) == 1
    assert limits.utf16_len(WATER) == 3 and limits.grapheme_len(WATER) == 1
    assert limits.grapheme_len("ไม่อยู่ในพื้นที่รับผิดชอบ") == 16  # 25 code points


@pytest.mark.parametrize("unit", [GRIN, FAMILY, FLAG, WATER, "ที่", "กิ่"])
@pytest.mark.parametrize("limit", [5, 20, 99, 100])
def test_a_cut_text_fits_and_never_splits_a_cluster(unit, limit):
    text = "ก" + unit * 60
    cut = limits.fit_utf16(text, limit)
    assert limits.utf16_len(cut) <= limit
    assert cut.endswith("…")
    body = cut[:-1]
    # Everything kept is whole clusters of the original.
    assert limits.clusters(body) == limits.clusters(text)[: len(limits.clusters(body))]
    assert "\ud800" not in body.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "surrogatepass")[-1:]


def test_a_cut_never_ends_on_a_thai_leading_vowel_or_half_a_flag():
    cut = limits.fit_utf16("ab" + "เก" * 10, 5)  # a, b, เ, ก …: 4 units of text + ellipsis
    assert not cut[:-1].endswith("เ")
    assert limits.fit_utf16(FLAG * 30, 10) == FLAG * 2 + "…"  # 8 + 1 units; a third flag would need 4 more


def test_what_fits_is_left_alone():
    assert limits.fit_utf16(GRIN * 2500, 5000) == GRIN * 2500
    assert limits.fit_graphemes("เป็นภารกิจของหน่วยงานอื่น", 20) == "เป็นภารกิจของหน่วยงานอื่น"


def test_labels_are_cut_by_clusters():
    cut = limits.fit_graphemes(FAMILY * 25, 20)
    assert cut == FAMILY * 19 + "…" and limits.grapheme_len(cut) == 20


def test_reject_reasons_fit_quick_reply_labels_whole():
    for reason in messages.REJECT_REASONS:
        item = messages.qr_message(reason)
        assert item["action"]["label"] == reason
        assert item["action"]["text"] == reason


def test_a_long_text_with_emoji_is_cut_to_5000_utf16_units_and_the_stub_accepts_it():
    body = "เหตุผล " + GRIN * 2495 + " ต่อท้าย"
    assert len(body) < 5000 < limits.utf16_len(body)
    message = messages.text(body)
    assert limits.utf16_len(message["text"]) <= 5000
    payload = {"to": "U" + "a" * 32, "messages": [message]}
    import json

    _, error = validate_request("/v2/bot/message/push", json.dumps(payload).encode())
    assert error is None


def _push(messages_: list[dict]) -> str | None:
    import json

    return validate_request("/v2/bot/message/push", json.dumps({"to": "U" + "a" * 32, "messages": messages_}).encode())[
        1
    ]


def test_the_stub_refuses_what_line_refuses_counting_as_line_counts():
    # 2,501 emoji: 2,501 code points (Python's len) but 5,002 UTF-16 units.
    assert "5000" in _push([{"type": "text", "text": GRIN * 2501}])
    assert _push([{"type": "text", "text": GRIN * 2500}]) is None
    loc = {"type": "location", "title": "t", "latitude": 13.7, "longitude": 100.5}
    assert "address" in _push([{**loc, "address": GRIN * 51}])
    assert _push([{**loc, "address": GRIN * 50}]) is None
    quick = {"items": [{"type": "action", "action": {"type": "message", "label": FAMILY * 20, "text": "x"}}]}
    assert _push([{"type": "text", "text": "x", "quickReply": quick}]) is None  # 20 clusters fit
    quick["items"][0]["action"]["label"] = FAMILY * 21
    assert "label" in _push([{"type": "text", "text": "x", "quickReply": quick}])
    assert "altText" in _push([{"type": "flex", "altText": GRIN * 751, "contents": _bubble("ok")}])


def _bubble(label: str) -> dict:
    return {
        "type": "bubble",
        "body": {"type": "box", "layout": "vertical", "contents": [{"type": "text", "text": "x"}]},
        "footer": {
            "type": "box",
            "layout": "vertical",
            "contents": [{"type": "button", "action": {"type": "postback", "label": label, "data": "a=1"}}],
        },
    }


def test_flex_button_labels_take_40_clusters_quick_replies_20():
    assert _push([{"type": "flex", "altText": "x", "contents": _bubble("ไม่ใช่หน่วยงานนี้" * 2)}]) is None
    assert "label" in _push([{"type": "flex", "altText": "x", "contents": _bubble("ก" * 41)}])


@pytest.mark.django_db
def test_a_dispatch_card_with_emoji_in_the_address_reaches_the_agency(
    line_stub, officer, coordinator, best_category, django_capture_on_commit_callbacks
):
    """The defect: a 132-unit address made LINE refuse the whole card; the row ended failed."""
    complaint = make_complaint(category=best_category, district=coordinator.agency.district)
    complaint.address = "ซอยสุขุมวิท 101/1 หน้าร้านน้ำชา 🚧🚧🚧 " + "🌳" * 40 + " ตรงข้าม 7-11 " + FLAG * 5
    complaint.description = "ท่อระบายน้ำ 🕳️ " * 200
    complaint.save(update_fields=["address", "description"])
    assert limits.utf16_len(complaint.address) > 100
    with django_capture_on_commit_callbacks(execute=True):
        [assignment] = workflow.dispatch(complaint=complaint, agencies=[coordinator.agency], by=officer)
    assert line_stub.invalid_requests() == []
    row = OutboxMessage.objects.get(assignment=assignment, purpose=OutboxMessage.Purpose.DISPATCH)
    assert row.status == OutboxMessage.Status.SENT
    flex, location = line_stub.requests_to("/v2/bot/message/push")[0].body["messages"]
    assert limits.utf16_len(location["address"]) <= 100
    assert (
        limits.clusters(location["address"][:-1])
        == limits.clusters(complaint.address)[: len(limits.clusters(location["address"][:-1]))]
    )


@pytest.mark.django_db
def test_a_4990_unit_reject_reason_with_emoji_gets_its_confirmation(
    line_stub, post_webhook, coordinator, officer, best_category, django_capture_on_commit_callbacks
):
    complaint = make_complaint(category=best_category, district=coordinator.agency.district)
    with django_capture_on_commit_callbacks(execute=True):
        [assignment] = workflow.dispatch(complaint=complaint, agencies=[coordinator.agency], by=officer)
    me = ev.user(coordinator.line_user_id)
    reason = limits.fit_utf16("ไม่ใช่เขตนี้ 🙏 " * 400, 4990, ellipsis="")
    assert 4980 <= limits.utf16_len(reason) <= 4990
    for event in (ev.postback(me, f"action=reject&a={assignment.pk}"), ev.text(me, reason)):
        with django_capture_on_commit_callbacks(execute=True):
            assert post_webhook(ev.callback(event)).status_code == 200
    assignment.refresh_from_db()
    assert assignment.status == "rejected"
    assert line_stub.invalid_requests() == []
    confirmation = line_stub.requests_to("/v2/bot/message/reply")[-1].body["messages"][0]["text"]
    assert confirmation.startswith("บันทึกแล้ว") and limits.utf16_len(confirmation) <= 5000
