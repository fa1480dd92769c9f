"""Recording complaints from the MIS and web forms, and idempotent retries."""

import pytest

from complaints.models import Complaint, TimelineEntry

URL = "/api/v1/complaints/"


@pytest.fixture
def body(best_category, district_office):
    return {
        "channel": "mis",
        "external_ref": "MIS-2569-0001",
        "category": best_category.code,
        "description": "ฝาท่อหายกลางถนน",
        "complainant_name": "สมหญิง รักเมือง",
        "complainant_phone": "0891112222",
        "address": "ซอยสุขุมวิท 11",
        "district": district_office.district.code,
        "lat": "13.745000",
        "lng": "100.555000",
    }


def test_create_records_the_complaint_through_the_workflow(mis_api, body):
    response = mis_api.post(URL, body, format="json")
    assert response.status_code == 201, response.content
    data = response.json()
    complaint = Complaint.objects.get(pk=data["id"])
    assert data["reference"] == complaint.reference
    assert complaint.status == "new" and complaint.is_best and complaint.channel == "mis"
    assert complaint.created_by.username == "mis-system"
    assert TimelineEntry.objects.filter(complaint=complaint, kind="received").count() == 1
    assert response["Location"].endswith(f"/api/v1/complaints/{complaint.pk}/")
    assert [e["kind"] for e in data["timeline"]] == ["received"]


def test_create_ignores_status_sent_by_the_client(mis_api, body):
    response = mis_api.post(URL, {**body, "status": "closed", "is_best": False, "reference": "9999-1"}, format="json")
    assert response.status_code == 201
    assert response.json()["status"] == "new"
    assert response.json()["is_best"] is True
    assert response.json()["reference"] != "9999-1"


def test_retry_with_the_same_idempotency_key_returns_the_first_complaint(mis_api, body):
    del body["external_ref"]
    first = mis_api.post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY="web-form-7f3a")
    again = mis_api.post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY="web-form-7f3a")
    assert first.status_code == 201
    assert again.status_code == 200
    assert again["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    assert Complaint.objects.count() == 1


def test_same_key_with_a_different_body_is_refused_with_422(mis_api, body):
    del body["external_ref"]
    mis_api.post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    response = mis_api.post(URL, {**body, "description": "อย่างอื่น"}, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "idempotency_key_reused"
    assert Complaint.objects.count() == 1


def test_idempotency_keys_are_per_token(mis_api, officer_api, body):
    del body["external_ref"]
    assert mis_api.post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY="same").status_code == 201
    assert officer_api.post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY="same").status_code == 201
    assert Complaint.objects.count() == 2


def test_retry_with_the_same_external_ref_returns_the_first_complaint(mis_api, body):
    first = mis_api.post(URL, body, format="json")
    again = mis_api.post(URL, body, format="json")
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["id"] == first.json()["id"]
    assert Complaint.objects.filter(external_ref="MIS-2569-0001").count() == 1


def test_a_bad_idempotency_key_is_a_400(mis_api, body):
    response = mis_api.post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY="x" * 101)
    assert response.status_code == 400
    assert "Idempotency-Key" in response.json()["error"]["fields"]
    assert Complaint.objects.count() == 0


def test_invalid_input_is_a_400_with_field_errors_in_one_shape(mis_api, body):
    response = mis_api.post(
        URL,
        {**body, "category": "NOPE", "description": "  ", "lat": "200", "channel": "pigeon"},
        format="json",
    )
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert error["th"] == "ข้อมูลไม่ถูกต้อง" and error["en"] == "Invalid input"
    assert set(error["fields"]) >= {"category", "description", "lat", "channel"}


def test_khwaeng_outside_the_district_is_refused(mis_api, body, district_office):
    from testing.factories import DistrictFactory, SubdistrictFactory

    elsewhere = SubdistrictFactory(district=DistrictFactory(code="1049"), code="104901")
    response = mis_api.post(URL, {**body, "subdistrict": elsewhere.code}, format="json")
    assert response.status_code == 400
    assert "subdistrict" in response.json()["error"]["fields"]


def test_a_received_time_in_the_future_is_refused(mis_api, body):
    response = mis_api.post(URL, {**body, "received_at": "2999-01-01T00:00:00+07:00"}, format="json")
    assert response.status_code == 400
    assert "received_at" in response.json()["error"]["fields"]


def test_malformed_json_is_a_400_not_a_500(mis_api):
    response = mis_api.post(URL, b'{"description": ', content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "parse_error"


def test_a_web_form_post_works_too(mis_api, body):
    response = mis_api.post(URL, {**body, "channel": "web"})  # multipart, as a form would send it
    assert response.status_code == 201
    assert response.json()["channel"] == "web"


def test_a_rejected_body_does_not_use_up_the_idempotency_key(mis_api, body):
    del body["external_ref"]
    bad = mis_api.post(URL, {**body, "category": "NOPE"}, format="json", HTTP_IDEMPOTENCY_KEY="fix-and-retry")
    assert bad.status_code == 400
    good = mis_api.post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY="fix-and-retry")
    assert good.status_code == 201


@pytest.mark.parametrize(
    ("change", "code"),
    [({"complainant_phone": "call me maybe"}, "invalid_detail"), ({"lat": "14.5", "lng": "100.5"}, "invalid_detail")],
)
def test_the_api_refuses_impossible_intake_with_the_workflows_rule(mis_api, body, change, code):
    response = mis_api.post(URL, {**body, **change}, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == code
    assert not Complaint.objects.exists()
