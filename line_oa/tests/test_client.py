"""The LINE client wrapper against the stub LINE server (real SDK, real HTTP)."""

import uuid

import pytest

from line_oa import client
from testing.images import jpeg_bytes

TEXT = [{"type": "text", "text": "สวัสดี"}]


def test_push_reaches_the_stub_with_retry_key_and_returns_request_id(line_stub):
    key = str(uuid.uuid4())
    request_id = client.push(to="U" + "a" * 32, messages=TEXT, retry_key=key)
    [req] = line_stub.requests_to("/v2/bot/message/push")
    assert req.valid and req.retry_key == key and req.body["messages"] == TEXT
    assert request_id and len(request_id) == 36


def test_same_retry_key_again_is_a_conflict_carrying_the_accepted_request_id(line_stub):
    key = str(uuid.uuid4())
    first = client.push(to="U1", messages=TEXT, retry_key=key)
    with pytest.raises(client.LineConflict) as exc:
        client.push(to="U1", messages=TEXT, retry_key=key)
    assert exc.value.status == 409 and exc.value.request_id == first and not exc.value.retryable


def test_server_errors_and_429_are_retryable_but_400_is_not(line_stub):
    line_stub.fail_next(500)
    with pytest.raises(client.LineError) as exc:
        client.push(to="U1", messages=TEXT, retry_key=str(uuid.uuid4()))
    assert exc.value.status == 500 and exc.value.retryable
    line_stub.fail_next(429)
    with pytest.raises(client.LineError) as exc:
        client.multicast(to=["U1", "U2"], messages=TEXT, retry_key=str(uuid.uuid4()))
    assert exc.value.status == 429 and exc.value.retryable
    line_stub.fail_next(400)
    with pytest.raises(client.LineError) as exc:
        client.push(to="U1", messages=TEXT, retry_key=str(uuid.uuid4()))
    assert exc.value.status == 400 and not exc.value.retryable


def test_a_failed_push_does_not_consume_its_retry_key(line_stub):
    key = str(uuid.uuid4())
    line_stub.fail_next(503)
    with pytest.raises(client.LineError):
        client.push(to="U1", messages=TEXT, retry_key=key)
    assert client.push(to="U1", messages=TEXT, retry_key=key)


def test_a_hanging_line_times_out_as_a_retryable_error(line_stub, settings):
    settings.LINE_REQUEST_TIMEOUT = 0.3
    line_stub.hang_next(1.0)
    with pytest.raises(client.LineError) as exc:
        client.push(to="U1", messages=TEXT, retry_key=str(uuid.uuid4()))
    assert exc.value.status is None and exc.value.retryable


def test_wrong_token_is_refused_by_the_stub(line_stub, settings):
    settings.LINE_CHANNEL_ACCESS_TOKEN = "wrong"
    with pytest.raises(client.LineError) as exc:
        client.push(to="U1", messages=TEXT, retry_key=str(uuid.uuid4()))
    assert exc.value.status == 401 and not exc.value.retryable


def test_malformed_flex_fails_before_any_http(line_stub):
    bad = [{"type": "flex", "altText": "x", "contents": {"type": "bubble", "body": {"type": "box", "contents": []}}}]
    with pytest.raises(client.InvalidMessage):
        client.push(to="U1", messages=bad, retry_key=str(uuid.uuid4()))
    assert line_stub.requests == []


def test_stub_refuses_bodies_the_sdk_models_would_not_build(line_stub):
    import json
    import urllib.request

    body = {
        "to": "U1",
        "messages": [
            {
                "type": "text",
                "text": "x",
                "quickReply": {"items": [{"type": "action", "action": {"type": "postback", "label": "no data"}}]},
            }
        ],
    }
    req = urllib.request.Request(
        line_stub.url + "/v2/bot/message/push",
        data=json.dumps(body).encode(),
        method="POST",
        headers={"Authorization": f"Bearer {line_stub.token}", "Content-Type": "application/json"},
    )
    with pytest.raises(urllib.error.HTTPError) as exc:
        urllib.request.urlopen(req, timeout=2)
    assert exc.value.code == 400
    [rec] = line_stub.invalid_requests()
    assert "data" in rec.error


def test_reply_token_is_single_use(line_stub):
    client.reply(reply_token="tok1", messages=TEXT)
    with pytest.raises(client.LineError) as exc:
        client.reply(reply_token="tok1", messages=TEXT)
    assert exc.value.status == 400


def test_content_profile_group_and_quota(line_stub):
    image = jpeg_bytes()
    line_stub.add_content("m1", image)
    assert client.get_content("m1") == image
    with pytest.raises(client.LineError) as exc:
        client.get_content("missing")
    assert exc.value.status == 404
    line_stub.profiles["U9"] = {"userId": "U9", "displayName": "สมศรี"}
    assert client.get_profile("U9")["displayName"] == "สมศรี"
    assert client.get_group_summary("C1")["groupId"] == "C1"
    client.push(to="U1", messages=TEXT, retry_key=str(uuid.uuid4()))
    quota = client.get_quota()
    assert quota["value"] == 15000 and quota["totalUsage"] == 1


def test_multicast_refuses_more_than_500_ids_locally(line_stub):
    with pytest.raises(client.InvalidMessage):
        client.multicast(to=[f"U{i}" for i in range(501)], messages=TEXT, retry_key=str(uuid.uuid4()))


def test_a_push_line_accepted_is_not_failed_by_an_odd_response_body(line_stub, monkeypatch):
    original = line_stub._route

    def odd(*args):
        status, extra, body = original(*args)
        return status, extra, ({"sentMessages": []} if status == 200 else body)

    monkeypatch.setattr(line_stub, "_route", odd)
    assert client.push(to="U1", messages=TEXT, retry_key=str(uuid.uuid4()))
    client.reply(reply_token="tok-odd", messages=TEXT)
