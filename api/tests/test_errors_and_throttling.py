"""The one error shape, and per-token throttling."""

from .conftest import client_for

LIST = "/api/v1/complaints/"


def test_unknown_api_urls_are_json_404s(officer_api):
    for method in ("get", "post", "put"):
        response = getattr(officer_api, method)("/api/v1/nothing-here/")
        assert response.status_code == 404
        assert response.json()["error"] == {"code": "not_found", "th": "ไม่พบข้อมูล", "en": "Not found"}


def test_wrong_method_is_a_405_in_the_error_shape(officer_api, case):
    response = officer_api.delete(f"/api/v1/complaints/{case.pk}/")
    assert response.status_code == 405
    assert response.json()["error"]["code"] == "method_not_allowed"


def test_unsupported_media_type_is_a_415(officer_api, case):
    response = officer_api.post(f"/api/v1/complaints/{case.pk}/notes/", b"<note/>", content_type="application/xml")
    assert response.status_code == 415
    assert response.json()["error"]["code"] == "unsupported_media_type"


def test_a_non_numeric_or_huge_id_is_a_404(officer_api, db):
    assert officer_api.get("/api/v1/complaints/abc/").status_code == 404
    assert officer_api.get("/api/v1/complaints/99999999999999999999999/").status_code == 404


def test_nul_characters_are_a_400_not_a_500(officer_api, case):
    response = officer_api.post(f"/api/v1/complaints/{case.pk}/notes/", {"text": "a\x00b"}, format="json")
    assert response.status_code == 400
    response = officer_api.get(LIST, {"q": "a\x00b"})
    assert response.status_code == 400


def test_errors_carry_thai_and_english_whatever_the_language(officer_api, case):
    response = officer_api.post(
        f"/api/v1/complaints/{case.pk}/notes/", {"text": ""}, format="json", HTTP_ACCEPT_LANGUAGE="en"
    )
    error = response.json()["error"]
    assert error["th"] == "ข้อมูลไม่ถูกต้อง" and error["en"] == "Invalid input"


def test_throttled_per_token_with_retry_after(officer, supervisor, case, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"user": "3/minute", "anon": "3/minute"},
    }
    busy, other = client_for(officer), client_for(supervisor)
    assert [busy.get(LIST).status_code for _ in range(3)] == [200, 200, 200]
    response = busy.get(LIST)
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert response.json()["error"]["code"] == "throttled" and response.json()["error"]["retry_after"] > 0
    # Another token has its own bucket.
    assert other.get(LIST).status_code == 200


def test_open311_is_throttled_per_address(anon, db, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"user": "3/minute", "anon": "2/minute"},
    }
    assert [anon.get("/open311/v2/services.json").status_code for _ in range(3)] == [200, 200, 429]
    assert anon.get("/open311/v2/services.json").json()[0]["code"] == 429


# Found by schemathesis on PostgreSQL: values Python accepts and PostgreSQL refuses.


def test_a_utc_offset_postgresql_does_not_know_is_normalised(officer_api, case):
    response = officer_api.get(LIST, {"received_after": "2020-01-01T00:00:00+18:27"})
    assert response.status_code == 200
    assert [r["id"] for r in response.json()["results"]] == [case.pk]


def test_a_moment_outside_the_datetime_range_is_a_400(officer_api, case):
    response = officer_api.get(LIST, {"received_before": "9999-12-31T23:00:00-05:00"})
    assert response.status_code == 400
    assert "received_before" in response.json()["error"]["fields"]


def test_nul_in_a_code_is_a_400_not_a_500(officer_api, mis_api, case, best_category):
    response = mis_api.post(LIST, {"category": "BE\x00ST", "description": "x"}, format="json")
    assert response.status_code == 400
    assert "category" in response.json()["error"]["fields"]
    assert officer_api.get("/api/v1/agencies/A%00B/").status_code in (400, 404)
    assert (
        officer_api.post(f"/api/v1/complaints/{case.pk}/dispatch/", {"agencies": ["X\x00"]}, format="json").status_code
        == 400
    )


def test_open311_refuses_nul_and_odd_offsets_politely(anon, case):
    assert anon.get("/open311/v2/requests.json", {"service_code": "A\x00"}).status_code == 400
    assert anon.get("/open311/v2/requests/2569%00.json").status_code == 400
    response = anon.get("/open311/v2/requests.json", {"start_date": "2026-11-01T00:00:00+18:27"})
    assert response.status_code == 200


def test_a_newline_in_an_unknown_path_is_still_a_json_404(officer_api, db):
    response = officer_api.get("/api/v1/agencies/a.%0Ab/")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
