"""Open311 GeoReport v2: the spec's field names and types, JSON and XML, errors, and no personal data."""

import datetime as dt
from xml.etree import ElementTree as ET

import pytest
from django.utils import timezone

from complaints import workflow
from complaints.workflow import add_photo
from testing.factories import make_complaint
from testing.images import jpeg_bytes

BASE = "/open311/v2"
NAME, PHONE = "สมชาย ใจดี", "0812345678"
REQUEST_FIELDS = {
    "service_request_id": str,
    "status": str,
    "status_notes": str,
    "service_name": str,
    "service_code": str,
    "description": str,
    "agency_responsible": str,
    "service_notice": str,
    "requested_datetime": str,
    "updated_datetime": str,
    "expected_datetime": (str, type(None)),
    "address": str,
    "address_id": str,
    "zipcode": str,
    "lat": (float, type(None)),
    "long": (float, type(None)),
    "media_url": str,
}


@pytest.fixture
def resolved_case(best_category, district_office, officer, settings):
    settings.PUBLIC_BASE_URL = "https://1555.example.go.th"
    case = make_complaint(
        category=best_category,
        district=district_office.district,
        # Someone typed the complainant's details into the public text: they must not leak.
        description=f"ฝาท่อหาย แจ้งโดยคุณ{NAME} โทร 081-234-5678 หรือ {PHONE} somchai@example.com",
        address="หน้าบ้านสมชาย ซอย 5",
    )
    add_photo(complaint=case, content=jpeg_bytes(seed=3), by=officer)
    # By radio: the centre relays the agency's result (an officer's upload is the agency's then).
    [a] = workflow.dispatch(complaint=case, agencies=[district_office], by=officer, channel="radio")
    workflow.acknowledge(assignment=a, by=officer, name="ช่าง")
    add_photo(
        complaint=case, content=jpeg_bytes(seed=20), by=officer, stage="after", assignment=a, lat=case.lat, lng=case.lng
    )
    workflow.resolve(assignment=a, by=officer, note=f"ปิดฝาท่อแล้ว ติดต่อ {PHONE}")
    return case


def no_pii(content: bytes):
    text = content.decode()
    for secret in (NAME, "สมชาย", "ใจดี", PHONE, "081-234-5678", "5678", "somchai@example.com"):
        assert secret not in text, secret


def test_requests_json_uses_the_spec_fields_and_types(anon, resolved_case):
    response = anon.get(f"{BASE}/requests.json")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    [item] = response.json()
    assert set(item) == set(REQUEST_FIELDS)
    for field, kind in REQUEST_FIELDS.items():
        assert isinstance(item[field], kind), field
    assert item["service_request_id"] == resolved_case.reference
    assert item["status"] == "open"  # resolved but not yet verified by the centre
    assert item["service_code"] == resolved_case.category.code
    assert item["agency_responsible"] == resolved_case.assignments.get().agency.name_th
    assert item["status_notes"].startswith("ปิดฝาท่อแล้ว")
    due = resolved_case.assignments.get().resolve_due_at
    assert dt.datetime.fromisoformat(item["expected_datetime"]) == due.replace(microsecond=0)
    assert item["requested_datetime"].endswith("+07:00")
    first_photo = resolved_case.photos.order_by("created_at", "id").first()
    assert item["media_url"] == "https://1555.example.go.th" + first_photo.public_image.url
    assert item["lat"] == pytest.approx(13.73) and item["long"] == pytest.approx(100.54)


def test_no_personal_data_in_any_open311_response(anon, resolved_case):
    for path in (
        "requests.json",
        "requests.xml",
        f"requests/{resolved_case.reference}.json",
        f"requests/{resolved_case.reference}.xml",
        "services.json",
        "discovery.json",
    ):
        response = anon.get(f"{BASE}/{path}")
        assert response.status_code == 200, path
        no_pii(response.content)


def test_requests_xml_has_the_spec_shape(anon, resolved_case):
    response = anon.get(f"{BASE}/requests.xml")
    assert response["Content-Type"].startswith("text/xml")
    root = ET.fromstring(response.content)
    assert root.tag == "service_requests"
    [request] = root.findall("request")
    assert {child.tag for child in request} == set(REQUEST_FIELDS)
    assert request.findtext("service_request_id") == resolved_case.reference
    assert request.findtext("status") == "open"


def test_single_request_is_a_one_element_list(anon, resolved_case):
    data = anon.get(f"{BASE}/requests/{resolved_case.reference}.json").json()
    assert isinstance(data, list) and data[0]["service_request_id"] == resolved_case.reference


def test_closed_after_verification(anon, resolved_case, officer):
    workflow.verify(assignment=resolved_case.assignments.get(), by=officer)
    assert anon.get(f"{BASE}/requests/{resolved_case.reference}.json").json()[0]["status"] == "closed"
    assert anon.get(f"{BASE}/requests.json", {"status": "closed"}).json()[0]["status"] == "closed"
    assert anon.get(f"{BASE}/requests.json", {"status": "open"}).json() == []


def test_cancelled_cases_are_closed_with_a_note(anon, case, supervisor):
    workflow.cancel(complaint=case, by=supervisor, reason=f"ผู้ร้อง {NAME} ถอนเรื่อง")
    [item] = anon.get(f"{BASE}/requests.json").json()
    assert item["status"] == "closed" and "cancelled" in item["status_notes"]
    no_pii(anon.get(f"{BASE}/requests.json").content)


def test_filters_service_code_status_and_ids(anon, best_category, normal_category):
    a = make_complaint(category=best_category)
    b = make_complaint(category=normal_category)
    get = lambda **q: {i["service_request_id"] for i in anon.get(f"{BASE}/requests.json", q).json()}  # noqa: E731
    assert get(service_code=best_category.code) == {a.reference}
    assert get(service_code=f"{best_category.code},{normal_category.code}") == {a.reference, b.reference}
    assert get(status="open") == {a.reference, b.reference}
    assert get(status="closed") == set()
    assert get(service_request_id=b.reference) == {b.reference}
    # With service_request_id the other parameters are ignored, as the spec says.
    assert get(service_request_id=f"{a.reference},{b.reference}", status="closed") == {a.reference, b.reference}


def test_default_window_is_the_last_90_days(anon, best_category):
    recent = make_complaint(category=best_category, received_at=timezone.now() - dt.timedelta(days=89))
    make_complaint(category=best_category, received_at=timezone.now() - dt.timedelta(days=91))
    assert [i["service_request_id"] for i in anon.get(f"{BASE}/requests.json").json()] == [recent.reference]


def test_date_range_filters(anon, best_category):
    old = make_complaint(category=best_category, received_at=timezone.now() - dt.timedelta(days=200))
    make_complaint(category=best_category)
    start = (timezone.now() - dt.timedelta(days=210)).isoformat()
    end = (timezone.now() - dt.timedelta(days=150)).isoformat()
    data = anon.get(f"{BASE}/requests.json", {"start_date": start, "end_date": end}).json()
    assert [i["service_request_id"] for i in data] == [old.reference]
    only_start = anon.get(f"{BASE}/requests.json", {"start_date": start}).json()
    assert [i["service_request_id"] for i in only_start] == [old.reference]  # start + 90 days


def test_at_most_1000_results(anon, best_category, monkeypatch):
    from api import open311

    monkeypatch.setattr(open311, "MAX_RESULTS", 3)
    for _ in range(5):
        make_complaint(category=best_category)
    assert len(anon.get(f"{BASE}/requests.json").json()) == 3


@pytest.mark.parametrize(
    "params,fragment",
    [
        ({"start_date": "2026-01-01T00:00:00+07:00", "end_date": "2026-06-01T00:00:00+07:00"}, "90"),
        ({"start_date": "last tuesday"}, "start_date"),
        ({"end_date": "2026-13-45"}, "end_date"),
        ({"start_date": "2026-05-01", "end_date": "2026-04-01"}, "end_date"),
        ({"status": "pending"}, "status"),
    ],
)
def test_bad_parameters_are_400s_as_a_list_of_code_and_description(anon, db, params, fragment):
    response = anon.get(f"{BASE}/requests.json", params)
    assert response.status_code == 400
    [error] = response.json()
    assert error["code"] == 400 and fragment in error["description"]


def test_errors_in_xml(anon, db):
    response = anon.get(f"{BASE}/requests.xml", {"status": "pending"})
    assert response.status_code == 400
    root = ET.fromstring(response.content)
    assert root.tag == "errors" and root.find("error/code").text == "400"


def test_unknown_request_and_service_are_404s_in_the_spec_shape(anon, db):
    for path in ("requests/2569-999999.json", "requests/anything.xml", "services/NOPE.json"):
        response = anon.get(f"{BASE}/{path}")
        assert response.status_code == 404, path
    assert anon.get(f"{BASE}/requests/x.json").json()[0]["code"] == 404


def test_writes_are_refused_405(anon, db):
    response = anon.post(f"{BASE}/requests.json", {"service_code": "X"})
    assert response.status_code == 405
    assert response.json()[0]["code"] == 405


def test_services_list_and_definition(anon, best_category, normal_category):
    services = anon.get(f"{BASE}/services.json").json()
    assert {s["service_code"] for s in services} == {best_category.code, normal_category.code}
    for s in services:
        assert set(s) == {"service_code", "service_name", "description", "metadata", "type", "keywords", "group"}
        assert s["metadata"] is False and s["type"] == "realtime"
    definition = anon.get(f"{BASE}/services/{best_category.code}.json").json()
    assert definition == {"service_code": best_category.code, "attributes": []}
    root = ET.fromstring(anon.get(f"{BASE}/services.xml").content)
    assert root.tag == "services" and len(root.findall("service")) == 2


def test_discovery(anon, db, settings):
    settings.PUBLIC_BASE_URL = "https://1555.example.go.th"
    data = anon.get(f"{BASE}/discovery.json").json()
    [endpoint] = data["endpoints"]
    assert endpoint["url"] == "https://1555.example.go.th/open311/v2/"
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert set(endpoint["formats"]) == {"text/xml", "application/json"}
    root = ET.fromstring(anon.get(f"{BASE}/discovery.xml").content)
    assert [f.text for f in root.findall("endpoints/endpoint/formats/format")] == ["text/xml", "application/json"]


def test_open311_list_query_count_is_constant(anon, best_category, django_assert_max_num_queries):
    for _ in range(10):
        make_complaint(category=best_category)
    with django_assert_max_num_queries(3):
        assert len(anon.get(f"{BASE}/requests.json").json()) == 10


def test_control_characters_in_free_text_still_give_well_formed_xml(anon, best_category):
    make_complaint(category=best_category, description="ท่อแตก\x04\x0b น้ำท่วม <ถนน> & ซอย")
    root = ET.fromstring(anon.get(f"{BASE}/requests.xml").content)
    assert root.find("request/description").text == "ท่อแตก น้ำท่วม <ถนน> & ซอย"


def test_at_most_100_ids_per_request(anon, db):
    ids = ",".join(f"2569-{n:06d}" for n in range(101))
    response = anon.get(f"{BASE}/requests.json", {"service_request_id": ids})
    assert response.status_code == 400 and "100" in response.json()[0]["description"]


def test_jurisdiction_id_is_accepted_and_ignored(anon, case):
    data = anon.get(f"{BASE}/requests.json", {"jurisdiction_id": "bangkok.go.th"}).json()
    assert [i["service_request_id"] for i in data] == [case.reference]


def test_unknown_open311_paths_answer_in_the_spec_shape(anon, db):
    response = anon.get(f"{BASE}/nothing.xml")
    assert response.status_code == 404
    assert ET.fromstring(response.content).find("error/code").text == "404"
    assert anon.get(f"{BASE}/requests/a/b.json").json()[0]["code"] == 404
