"""Intake refuses what cannot be true — the same rules for the console, the API and the import."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from agencies.models import District
from complaints import errors, workflow
from complaints.models import Category, Complaint
from testing.factories import CategoryFactory, DistrictFactory, make_complaint
from testing.images import jpeg_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def pathum_wan(db):
    return District.objects.filter(code="1007").first() or DistrictFactory(code="1007", name_th="ปทุมวัน")


def refused(field, **kwargs):
    with pytest.raises(errors.InvalidDetail) as caught:
        make_complaint(**kwargs)
    assert caught.value.field == field
    return caught.value


def test_a_received_time_in_the_future_is_refused():
    e = refused("received_at", received_at=timezone.now() + dt.timedelta(minutes=5))
    assert "อยู่ในอนาคต" in e.message


def test_a_minute_of_clock_skew_is_allowed():
    assert make_complaint(received_at=timezone.now() + dt.timedelta(seconds=50)).pk


def test_a_received_time_before_the_system_began_is_refused():
    assert "ก่อนวันที่ระบบเริ่มใช้งาน" in refused("received_at", received_at=dt.datetime(2001, 1, 1, tzinfo=dt.UTC)).message


def test_a_location_outside_bangkok_is_refused():
    refused("lat", lat=Decimal("999"), lng=Decimal("100.5"))
    refused("lat", lat=Decimal("14.5"), lng=Decimal("100.5"))  # Ayutthaya


def test_half_a_coordinate_is_refused():
    refused("lat", lat=Decimal("13.73"), lng=None)


def test_the_district_is_taken_from_the_point_when_none_was_given(pathum_wan):
    case = workflow.receive(category=CategoryFactory(), description="x", lat=Decimal("13.73"), lng=Decimal("100.54"))
    assert case.district == pathum_wan


@pytest.mark.parametrize("phone", ["call me maybe", "12345", "+1 415 555 2671"])
def test_a_phone_that_is_not_a_thai_number_is_refused(phone):
    assert "ไม่ใช่หมายเลขโทรศัพท์" in refused("complainant_phone", complainant_phone=phone).message


@pytest.mark.parametrize(
    ("phone", "stored", "ext"),
    [
        ("02-123-4567 ต่อ 101", "021234567", "101"),
        ("+66 81 234 5678", "0812345678", ""),
        ("081-234-5678", "0812345678", ""),
        ("02 123 4567 ext. 12", "021234567", "12"),
    ],
)
def test_phones_are_stored_in_one_form_with_the_extension_apart(phone, stored, ext):
    case = make_complaint(complainant_phone=phone)
    assert (case.complainant_phone, case.complainant_phone_ext) == (stored, ext)


def test_a_best_case_needs_a_district_and_a_place(best_category):
    e = errors.InvalidDetail
    with pytest.raises(e):
        workflow.receive(category=best_category, description="ฝาท่อหาย", address="ถนนพระราม 4")
    with pytest.raises(e):
        workflow.receive(category=best_category, description="ฝาท่อหาย", district=DistrictFactory())
    assert workflow.receive(
        category=best_category, description="ฝาท่อหาย", district=DistrictFactory(), address="ถนนพระราม 4"
    ).pk


def test_text_over_sane_limits_is_refused():
    assert "ยาวเกิน" in refused("landmark", landmark="ก" * 301).message


def test_corrections_follow_the_same_rules(officer):
    case = make_complaint()
    with pytest.raises(errors.InvalidDetail):
        workflow.edit_details(complaint=case, by=officer, changes={"lat": Decimal("999"), "lng": Decimal("100.5")})
    with pytest.raises(errors.InvalidDetail):
        workflow.edit_details(complaint=case, by=officer, changes={"complainant_phone": "call me maybe"})


def test_the_console_form_shows_the_error_on_its_field(client, officer, best_category):
    client.force_login(officer)
    page = client.post(
        reverse("admin:complaints_complaint_add"),
        {
            "channel": "phone",
            "category": best_category.pk,
            "description": "ฝาท่อหาย",
            "received_at_0": "02/12/2027",
            "received_at_1": "01:22",
            "complainant_phone": "call me maybe",
            "lat": "999",
            "lng": "100.5",
        },
    )
    assert page.status_code == 200
    assert not Complaint.objects.exists()
    html = page.content.decode()
    assert "ไม่ใช่หมายเลขโทรศัพท์" in html or "อยู่นอกกรุงเทพมหานคร" in html or "อยู่ในอนาคต" in html


# --- duplicates before saving ------------------------------------------------------------


def _near(case, metres_north):
    return case.lat + Decimal(str(round(metres_north / 111_320, 6)))


def test_open_cases_of_the_same_category_nearby_are_found_nearest_first(best_category):
    here = make_complaint(category=best_category)
    near = make_complaint(category=best_category, lat=_near(here, 60))
    make_complaint(category=best_category, lat=_near(here, 250))  # beyond 100 m
    make_complaint(category=CategoryFactory(), lat=here.lat)  # another category
    found = workflow.similar_open_cases(category=best_category, lat=_near(here, 10), lng=here.lng)
    assert [c for c, _m in found] == [here, near]
    assert found[0][1] == 10


def test_flooding_looks_farther(best_category):
    flood = CategoryFactory(code="FLOODING", duplicate_radius_m=300)
    here = make_complaint(category=flood)
    assert workflow.similar_open_cases(category=flood, lat=_near(here, 250), lng=here.lng)


def test_old_and_ended_cases_are_not_offered(best_category, officer):
    old = make_complaint(category=best_category, received_at=timezone.now() - dt.timedelta(days=31))
    ended = make_complaint(category=best_category)
    workflow.cancel(complaint=ended, by=officer, reason="ซ้ำ")
    assert workflow.similar_open_cases(category=best_category, lat=old.lat, lng=old.lng) == []


def _form(category, district, **extra):
    return {
        "channel": "phone",
        "category": category.pk,
        "description": "ฝาท่อหายอีกแล้ว",
        "address": "ถนนพระราม 4",
        "district": district.pk,
        "lat": "13.730000",
        "lng": "100.540000",
        "received_at_0": timezone.localtime().strftime("%Y-%m-%d"),
        "received_at_1": "00:00",
        "complainant_name": "สมหญิง",
        "complainant_phone": "0899999999",
        **extra,
    }


def test_the_add_page_offers_the_duplicate_then_attaches_the_call(client, officer, best_category, district_office):
    first = make_complaint(category=best_category, district=district_office.district)
    client.force_login(officer)
    url = reverse("admin:complaints_complaint_add")
    offered = client.post(url, _form(best_category, district_office.district))
    assert offered.status_code == 200 and first.reference in offered.content.decode()
    attached = client.post(url, _form(best_category, district_office.district, _attach_to=str(first.pk)))
    assert attached.status_code == 302 and attached["Location"].endswith(f"/{first.pk}/change/")
    assert Complaint.objects.count() == 1
    extra = first.extra_complainants.get()
    assert extra.phone == "0899999999" and extra.name == "สมหญิง"
    assert "สมหญิง" not in first.timeline.last().text  # names never go into the timeline


def test_saving_a_new_case_lands_on_its_dispatch_page(client, officer, best_category, district_office):
    make_complaint(category=best_category, district=district_office.district)
    client.force_login(officer)
    saved = client.post(
        reverse("admin:complaints_complaint_add"), _form(best_category, district_office.district, _save_anyway="1")
    )
    assert saved.status_code == 302
    new = Complaint.objects.order_by("-id").first()
    assert saved["Location"] == reverse("admin:complaints_complaint_dispatch") + f"?ids={new.pk}"


def test_the_reference_data_gives_flooding_its_wider_radius(reference_data):
    radius = dict(Category.objects.values_list("code", "duplicate_radius_m"))
    assert radius["FLOODING"] == 300 and radius["CLOGGED_DRAIN"] == 300
    assert radius["FALLEN_TREE"] == 100 and radius["LARGE_POTHOLE"] == 100


def test_the_offered_duplicate_shows_its_state_photo_and_distance(client, officer, best_category, district_office):
    first = make_complaint(category=best_category, district=district_office.district)
    photo = workflow.add_photo(complaint=first, content=jpeg_bytes(seed=7), by=officer)
    far = make_complaint(category=best_category, district=district_office.district, lat=_near(first, 400))
    client.force_login(officer)
    form = _form(best_category, district_office.district, lat=str(_near(first, 30)), lng=str(first.lng))
    html = client.post(reverse("admin:complaints_complaint_add"), form).content.decode()
    assert 'id="duplicates"' in html and first.reference in html and far.reference not in html
    assert first.get_status_display() in html and "30 ม." in html
    assert photo.thumbnail.url in html
    assert f'name="_attach_to" value="{first.pk}"' in html and 'name="_save_anyway"' in html
    assert Complaint.objects.count() == 2  # nothing saved until the officer chooses
