"""Open311 never publishes personal data: scrubbed public description, no coordinator or
LINE member names in status notes, media_url only to a metadata-free public derivative."""

import re

import pytest
from PIL import Image

from complaints import workflow
from complaints.privacy import normalise
from complaints.workflow import add_photo
from testing.factories import make_complaint
from testing.images import jpeg_with_exif

BASE = "/open311/v2"
SECRETS = ("สมชาย", "ใจดี", "somchai", "jaidee", "สมศักดิ์", "ช่างใหญ่", "0812345678", "812345678", "@gmail", "somchai99")


def assert_clean(text: str):
    folded = normalise(text).casefold()
    digits = re.sub(r"\D", "", folded)
    for secret in SECRETS:
        assert secret.casefold() not in folded, secret
    assert "812345678" not in digits


@pytest.fixture
def leaky_case(best_category, district_office, coordinator, officer, settings):
    settings.PUBLIC_BASE_URL = "https://1555.example.go.th"
    case = make_complaint(
        category=best_category,
        district=district_office.district,
        complainant_name="นายสมชาย ใจดี (Somchai Jaidee)",
        description="ฝาท่อหาย แจ้งโดยคุณสมชาย (Somchai) โทร ๐๘๑-๒๓๔-๕๖๗๘ หรือ ０８１２３４５６７８ "
        "หรือ 0 8 1 2 3 4 5 6 7 8 หรือ +66(0)81-234-5678 อีเมล somchai@gmail ไลน์ line id: somchai99",
        address="หน้าบ้านเลขที่ 12/3 ของใจ\u200bดี ซอย 5",
    )
    add_photo(complaint=case, content=jpeg_with_exif(), by=officer)
    [a] = workflow.dispatch(complaint=case, agencies=[district_office], by=officer)
    workflow.acknowledge(assignment=a, by=coordinator)
    add_photo(complaint=case, content=jpeg_with_exif(seed=9), by=coordinator, stage="after", assignment=a)
    return case, a


def test_every_reported_leak_is_closed_in_json_and_xml(anon, leaky_case):
    case, a = leaky_case
    workflow.resolve(assignment=a, by=workflow_officer(a), note="ปิดฝาท่อแล้ว โดยสมศักดิ์ โทร 0812345678")
    for path in ("requests.json", "requests.xml", f"requests/{case.reference}.json", f"requests/{case.reference}.xml"):
        response = anon.get(f"{BASE}/{path}")
        assert response.status_code == 200
        assert_clean(response.content.decode())


def workflow_officer(assignment):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username="officer")


def test_an_unbound_line_members_display_name_is_never_a_status_note(anon, leaky_case):
    case, a = leaky_case
    # What line_oa does for a group member who is not a coordinator: the note is the display name.
    workflow.resolve(assignment=a, by=None, note="Pim ❤ ร้านน้องพิม")
    [item] = anon.get(f"{BASE}/requests/{case.reference}.json").json()
    assert "Pim" not in item["status_notes"] and "พิม" not in item["status_notes"]


def test_the_officers_public_description_is_published_and_still_scrubbed(anon, leaky_case):
    case, _ = leaky_case
    case.public_description = "ฝาท่อหายหน้าตลาด (ผู้แจ้ง 081-234-5678)"
    case.save(update_fields=["public_description"])
    [item] = anon.get(f"{BASE}/requests/{case.reference}.json").json()
    assert item["description"].startswith("ฝาท่อหายหน้าตลาด")
    assert "5678" not in item["description"]


def test_media_url_is_a_public_derivative_without_metadata(anon, client, leaky_case, settings):
    case, _ = leaky_case
    [item] = anon.get(f"{BASE}/requests/{case.reference}.json").json()
    assert item["media_url"].startswith("https://1555.example.go.th/media/public/")
    path = item["media_url"].removeprefix("https://1555.example.go.th")
    response = client.get(path)
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    body = b"".join(response.streaming_content)
    assert b"Exif" not in body and b"0812345678" not in body and b"Somchai" not in body
    image = Image.open(__import__("io").BytesIO(body))
    assert not image.getexif() and "comment" not in image.info
    photo = case.photos.order_by("id").first()
    assert photo.exif_lat is not None and round(float(photo.exif_lat), 2) == 13.75
    assert round(float(photo.exif_lng), 2) == 100.5
    assert photo.taken_at is not None


def test_an_officer_edits_the_public_description_on_the_case_page(client, officer, leaky_case):
    from django.urls import reverse

    case, _ = leaky_case
    client.force_login(officer)
    url = reverse("admin:complaints_complaint_change", args=[case.pk])
    page = client.get(url + "?edit=1")  # the case page's "แก้ไขรายละเอียด"
    form = page.context["adminform"].form
    assert "public_description" in form.fields
    data = {k: v for k, v in form.initial.items() if k in form.fields and v is not None}
    data.update(
        {
            "public_description": "ฝาท่อหายหน้าตลาด",
            "district": case.district_id,
            "category": case.category_id,
            "lat": "13.730000",
            "lng": "100.540000",
            "assignments-TOTAL_FORMS": "1",
            "assignments-INITIAL_FORMS": "1",
            "assignments-MIN_NUM_FORMS": "0",
            "assignments-MAX_NUM_FORMS": "1000",
            "assignments-0-id": case.assignments.get().pk,
            "assignments-0-complaint": case.pk,
        }
    )
    data.pop("subdistrict", None)
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    case.refresh_from_db()
    assert case.public_description == "ฝาท่อหายหน้าตลาด"
