"""Hostile API bodies get a 400 in the error shape, never a 500."""

import pytest

LIST = "/api/v1/complaints/"


@pytest.mark.parametrize(
    "body",
    [
        b"[" * 100_000 + b"]" * 100_000,
        b'{"a":' * 50 + b"1" + b"}" * 50,
        b'{"description": NaN}',
        b'{"lat": Infinity}',
        b"\xff\xfe{}",
        b"1" * 5000,
    ],
)
def test_absurd_json_is_a_400(officer_api, body):
    response = officer_api.post(LIST, data=body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"]["code"]
