"""The dispatch console's list and case page, through the real test client, per role."""

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from agencies.models import Zone
from complaints import workflow
from complaints.models import Assignment, Complaint, Photo, TimelineEntry
from testing.factories import AgencyFactory, DistrictFactory, DistrictOfficeFactory, make_complaint, make_user
from testing.images import jpeg_bytes

LIST = reverse("admin:complaints_complaint_changelist")
pytestmark = pytest.mark.django_db


def change_url(complaint):
    return reverse("admin:complaints_complaint_change", args=[complaint.pk])


@pytest.fixture
def case(best_category, district_office, officer):
    complaint = make_complaint(category=best_category, district=district_office.district)
    workflow.dispatch(complaint=complaint, agencies=[district_office], by=officer)
    return complaint


@pytest.fixture
def no_pii_user(db):
    """Staff who may work on complaints but lacks the PII permission."""
    user = make_user("helper")
    user.user_permissions.set(
        Permission.objects.filter(
            content_type__app_label="complaints", codename__in=["view_complaint", "change_complaint"]
        )
    )
    return user


def test_anonymous_is_redirected_to_login(client, case):
    for url in (LIST, change_url(case)):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))


def test_executive_cannot_open_complaints(client, executive, case):
    client.force_login(executive)
    assert client.get(LIST).status_code == 403
    assert client.get(change_url(case)).status_code == 403
    assert client.get(reverse("admin:complaints_complaint_dispatch") + f"?ids={case.pk}").status_code == 403


def test_officer_sees_complainant_name_and_phone_in_list_and_case(client, officer, case):
    client.force_login(officer)
    listing = client.get(LIST).content.decode()
    page = client.get(change_url(case)).content.decode()
    for html in (listing, page):
        assert "0812345678" in html
        assert "สมชาย ใจดี" in html


def test_user_without_pii_permission_sees_masked_name_and_phone(client, no_pii_user, case):
    client.force_login(no_pii_user)
    listing = client.get(LIST).content.decode()
    page = client.get(change_url(case)).content.decode()
    for html in (listing, page):
        assert "0812345678" not in html
        assert "สมชาย ใจดี" not in html
        assert "08x-xxx-5678" in html
        assert "ส*** ใ***" in html


@pytest.mark.parametrize(
    ("phone", "masked"),
    [("0812345678", "08x-xxx-5678"), ("02-234-5678", "02-xxx-5678"), ("+66 91 234 5678", "09x-xxx-5678")],
)
def test_list_shows_masked_phone_formats(client, no_pii_user, normal_category, phone, masked):
    make_complaint(category=normal_category, complainant_phone=phone)
    client.force_login(no_pii_user)
    assert masked in client.get(LIST).content.decode()


def test_phone_search_without_pii_permission_finds_nothing_by_phone(client, no_pii_user, case):
    client.force_login(no_pii_user)
    response = client.get(LIST, {"q": "0812345"})
    assert case.reference not in response.content.decode()


def test_search_by_reference_phone_prefix_and_text(client, officer, normal_category):
    a = make_complaint(category=normal_category, complainant_phone="0891112222", description="ต้นไม้ล้มขวางซอย")
    b = make_complaint(category=normal_category, complainant_phone="0823334444", address="ถนนเพชรบุรี")
    client.force_login(officer)

    def found(q):
        html = client.get(LIST, {"q": q}).content.decode()
        return {c.reference for c in (a, b) if c.reference in html}

    assert found(a.reference) == {a.reference}
    assert found(a.reference.split("-")[0] + "-" + str(int(a.reference.split("-")[1]))) == {a.reference}
    assert found("089-111") == {a.reference}
    assert found("0823") == {b.reference}
    assert found("ต้นไม้ล้ม") == {a.reference}
    assert found("เพชรบุรี") == {b.reference}


def _count_list_queries(client):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(LIST)
    assert response.status_code == 200
    return len(ctx), response


def test_list_query_count_does_not_grow_with_page_size(client, officer, best_category, normal_category):
    office = DistrictOfficeFactory()
    mea = AgencyFactory(code="MEA")
    client.force_login(officer)
    make_complaint(category=normal_category, district=office.district)
    small, _ = _count_list_queries(client)
    for i in range(30):
        c = make_complaint(category=best_category if i % 2 else normal_category, district=office.district)
        workflow.dispatch(complaint=c, agencies=[office, mea], by=officer)
    large, response = _count_list_queries(client)
    assert response.content.decode().count('class="action-select"') == 31
    assert large == small


def test_list_query_count_is_bounded(client, officer, case, django_assert_max_num_queries):
    client.force_login(officer)
    # 12, plus the PII access log's row (an INSERT; in a test's transaction also its savepoint).
    with django_assert_max_num_queries(15):
        client.get(LIST, {"overdue": "any", "is_best__exact": "1"})


def test_list_shows_best_badge_agency_state_and_overdue_flag(client, officer, best_category, district_office):
    complaint = make_complaint(category=best_category, district=district_office.district)
    past = timezone.now() - dt.timedelta(hours=2)
    workflow.dispatch(complaint=complaint, agencies=[district_office], by=officer, at=past)
    client.force_login(officer)
    html = client.get(LIST).content.decode()
    assert "badge-best" in html
    assert f"{district_office.abbr_th}: ส่งต่อแล้ว รอรับเรื่อง" in html
    assert "เกินกำหนดรับเรื่อง" in html


def test_overdue_filter_lists_only_cases_past_that_stage(client, officer, best_category, district_office):
    late = make_complaint(category=best_category, district=district_office.district)
    workflow.dispatch(complaint=late, agencies=[district_office], by=officer, at=timezone.now() - dt.timedelta(hours=1))
    fresh = make_complaint(category=best_category, district=district_office.district)
    workflow.dispatch(complaint=fresh, agencies=[district_office], by=officer)
    client.force_login(officer)

    ack = client.get(LIST, {"overdue": "ack"}).content.decode()
    resolve = client.get(LIST, {"overdue": "resolve"}).content.decode()

    assert late.reference in ack and fresh.reference not in ack
    assert late.reference not in resolve


def test_agency_zone_channel_and_date_range_filters(client, officer, normal_category):
    zone2 = Zone.objects.create(code="02", name_th="กลุ่มเขตเหนือ", name_en="North")
    north = DistrictFactory(code="1030", zone=zone2)
    office = DistrictOfficeFactory(district=north)
    old = make_complaint(
        category=normal_category, district=north, received_at=timezone.now() - dt.timedelta(days=40), channel="line"
    )
    workflow.dispatch(complaint=old, agencies=[office], by=officer)
    new = make_complaint(category=normal_category)
    client.force_login(officer)

    def listed(params):
        html = client.get(LIST, params).content.decode()
        return {c.reference for c in (old, new) if c.reference in html}

    assert listed({"agency": office.pk}) == {old.reference}
    assert listed({"zone": zone2.pk}) == {old.reference}
    assert listed({"channel__exact": "line"}) == {old.reference}
    today = timezone.localdate()
    assert listed({"received_from": (today - dt.timedelta(days=7)).isoformat()}) == {new.reference}
    assert listed({"received_to": (today - dt.timedelta(days=30)).isoformat()}) == {old.reference}


def test_case_page_shows_map_photos_assignments_and_timeline_oldest_first(client, officer, case):
    from complaints.workflow import add_photo

    add_photo(complaint=case, content=jpeg_bytes(), by=officer)
    workflow.add_note(complaint=case, by=officer, text="โทรแจ้งผู้ร้องแล้ว")
    client.force_login(officer)
    html = client.get(change_url(case)).content.decode()
    assert "openstreetmap.org/?mlat=13.730000&amp;mlon=100.540000" in html
    assert "google.com/maps?q=13.730000,100.540000" in html
    assert "/media/private/thumbs/" in html
    assert "ส่งต่อแล้ว รอรับเรื่อง" in html
    assert html.index("รับเรื่อง</td>") < html.index("ส่งต่อหน่วยงาน</td>") < html.index("โทรแจ้งผู้ร้องแล้ว")


def test_adding_a_complaint_goes_through_the_workflow(client, officer, normal_category):
    district = DistrictFactory()
    client.force_login(officer)
    response = client.post(
        reverse("admin:complaints_complaint_add"),
        {
            "channel": "phone",
            "category": normal_category.pk,
            "description": "ขยะตกค้างหน้าตลาด",
            "address": "ซอยสุขุมวิท 11",
            "landmark": "",
            "district": district.pk,
            "subdistrict": "",
            "lat": "13.7",
            "lng": "100.5",
            "received_at_0": timezone.localdate().isoformat(),
            "received_at_1": "00:00",
            "complainant_name": "นภา รักไทย",
            "complainant_phone": "081-999-0000",
            "assignments-TOTAL_FORMS": "0",
            "assignments-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    complaint = Complaint.objects.get()
    assert complaint.reference.endswith("-000001")
    assert complaint.complainant_phone == "0819990000"
    assert complaint.created_by == officer
    assert list(complaint.timeline.values_list("kind", flat=True)) == ["received"]


def test_adding_a_complaint_with_a_khwaeng_of_another_district_is_refused(client, officer, normal_category):
    from testing.factories import SubdistrictFactory

    sub = SubdistrictFactory(district=DistrictFactory(code="1001"))
    other = DistrictFactory(code="1002")
    client.force_login(officer)
    response = client.post(
        reverse("admin:complaints_complaint_add"),
        {
            "channel": "phone",
            "category": normal_category.pk,
            "description": "ขยะ",
            "district": other.pk,
            "subdistrict": sub.pk,
            "received_at_0": timezone.localdate().isoformat(),
            "received_at_1": "09:30",
            "assignments-TOTAL_FORMS": "0",
            "assignments-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert "แขวงที่เลือกไม่อยู่ในเขตนี้" in response.content.decode()
    assert not Complaint.objects.exists()


def test_editing_descriptive_fields_keeps_the_workflow_status(client, officer, case):
    client.force_login(officer)
    page = client.get(change_url(case) + "?edit=1")  # the case page reads; its edit link opens the form
    form = page.context["adminform"].form
    data = {k: v for k, v in form.initial.items() if k in form.fields and v is not None}
    data.update(
        {
            "description": "ฝาท่อหาย 2 จุด",
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
    response = client.post(change_url(case), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert response["Location"] == change_url(case)  # saved → back to the case page, not the list
    case.refresh_from_db()
    assert case.description == "ฝาท่อหาย 2 จุด"
    assert case.status == Complaint.Status.DISPATCHED
    assert case.timeline.filter(kind="note", text__contains="รายละเอียด").exists()


def test_nobody_can_delete_a_complaint(client, supervisor, case):
    client.force_login(supervisor)
    response = client.get(reverse("admin:complaints_complaint_delete", args=[case.pk]))
    assert response.status_code == 403


def test_note_and_photo_are_added_to_the_timeline(client, officer, case):
    client.force_login(officer)
    response = client.post(
        reverse("admin:complaints_complaint_note", args=[case.pk]),
        {"text": "ผู้ร้องส่งรูปเพิ่ม", "stage": "before", "photo": _upload(jpeg_bytes())},
        follow=True,
    )
    assert "บันทึกลงประวัติเรื่องแล้ว" in response.content.decode()
    assert case.photos.count() == 1
    assert set(case.timeline.values_list("kind", flat=True)) >= {"note", "photo"}


def test_broken_image_gives_a_thai_error_and_stores_nothing(client, officer, case):
    client.force_login(officer)
    before = TimelineEntry.objects.count()
    response = client.post(
        reverse("admin:complaints_complaint_note", args=[case.pk]),
        {"text": "แนบรูป", "stage": "before", "photo": _upload(b"not a picture at all")},
        follow=True,
    )
    assert "ไฟล์นี้ไม่ใช่รูปภาพหรือไฟล์เสียหาย" in response.content.decode()
    assert Photo.objects.count() == 0
    assert TimelineEntry.objects.count() == before


def test_executive_cannot_add_notes(client, executive, case):
    client.force_login(executive)
    response = client.post(reverse("admin:complaints_complaint_note", args=[case.pk]), {"text": "x", "stage": "before"})
    assert response.status_code == 403
    assert not case.timeline.filter(kind="note").exists()


def test_assignments_and_timeline_are_read_only_on_the_case_page(client, supervisor, case):
    client.force_login(supervisor)
    page = client.get(change_url(case))
    assert "adminform" not in page.context  # the case page is read-only: no form, no formset
    assert 'id="case-live"' in page.content.decode()
    assert client.get(change_url(case) + "?edit=1").context["inline_admin_formsets"] == []
    assert reverse("admin:index") + "complaints/timelineentry/" not in page.content.decode()
    assert Assignment.objects.get().status == "dispatched"
    assert Decimal(str(case.lat)) == Decimal("13.730000")


def _upload(content: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("photo.jpg", content, content_type="image/jpeg")


def test_filtered_list_pages_by_looking_ahead_instead_of_counting(client, officer, normal_category, monkeypatch):
    from complaints.admin import ComplaintAdmin

    monkeypatch.setattr(ComplaintAdmin, "list_per_page", 2)
    refs = [make_complaint(category=normal_category, channel="web").reference for _ in range(5)]
    client.force_login(officer)

    with CaptureQueriesContext(connection) as ctx:
        first = client.get(LIST, {"channel__exact": "web"}).content.decode()
    last = client.get(LIST, {"channel__exact": "web", "p": "3"}).content.decode()

    assert not any("COUNT(" in q["sql"].upper() for q in ctx.captured_queries)
    assert "มีหน้าถัดไป" in first and refs[-1] in first and refs[0] not in first
    assert "5 เรื่อง" in last and refs[0] in last


def test_unfiltered_list_counts_exactly_on_small_tables(client, officer, case):
    client.force_login(officer)
    assert "1 เรื่อง" in client.get(LIST).content.decode()


@pytest.mark.postgres
def test_unfiltered_list_on_postgresql_uses_the_row_estimate(client, officer, normal_category, monkeypatch):
    from complaints.admin_filters import ConsolePaginator

    for _ in range(3):
        make_complaint(category=normal_category)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE complaints_complaint")
    monkeypatch.setattr(ConsolePaginator, "EXACT_BELOW", 1)
    client.force_login(officer)
    with CaptureQueriesContext(connection) as ctx:
        html = client.get(LIST).content.decode()
    assert "ประมาณ 3 เรื่อง" in html
    assert not any("COUNT(" in q["sql"].upper() for q in ctx.captured_queries)


def test_list_never_computes_facet_counts(client, officer, case):
    client.force_login(officer)
    with CaptureQueriesContext(connection) as plain:
        client.get(LIST)
    with CaptureQueriesContext(connection) as asked:
        response = client.get(LIST, {"_facets": "True"})
    assert response.status_code == 200
    assert len(asked) == len(plain)
    assert "Show counts" not in response.content.decode() and "แสดงจำนวน" not in response.content.decode()


def test_pages_beyond_the_cap_are_refused_instead_of_scanning(client, officer, normal_category, monkeypatch):
    from complaints.admin import ComplaintAdmin
    from complaints.admin_filters import ConsolePaginator

    monkeypatch.setattr(ComplaintAdmin, "list_per_page", 1)
    monkeypatch.setattr(ConsolePaginator, "MAX_PAGES", 2)
    for _ in range(4):
        make_complaint(category=normal_category)
    client.force_login(officer)

    assert client.get(LIST, {"p": "2"}).status_code == 200
    response = client.get(LIST, {"p": "3"})
    assert response.status_code == 302 and "e=1" in response["Location"]


def test_the_case_page_refreshes_its_assignments_and_timeline(client, officer, case, django_assert_max_num_queries):
    client.force_login(officer)
    with django_assert_max_num_queries(8):
        live = client.get(reverse("admin:complaints_complaint_live", args=[case.pk]))
    assert live.status_code == 200
    assert "ส่งต่อแล้ว รอรับเรื่อง" in live.content.decode()


def test_a_refused_photo_keeps_the_note_that_was_typed(client, officer, case):
    client.force_login(officer)
    client.post(
        reverse("admin:complaints_complaint_note", args=[case.pk]),
        {"text": "โทรแจ้งเขตแล้ว", "stage": "before", "photo": _upload(b"not an image")},
    )
    assert "โทรแจ้งเขตแล้ว" in client.get(change_url(case)).content.decode()
