"""The case page: only the actions the transition table allows, at the top; no empty section
bars; a refused upload keeps the note; the re-route form does not ask again for the reason
the agency gave; reminders and outbox rows name cases by their reference."""

import re

import pytest
from django.urls import reverse

from complaints import workflow
from complaints.models import Assignment, Reminder
from line_oa.models import OutboxMessage
from testing.factories import AgencyFactory, make_complaint
from testing.images import jpeg_bytes

from .test_admin_actions import resolved_case

pytestmark = pytest.mark.django_db


def _page(client, case) -> str:
    return client.get(reverse("admin:complaints_complaint_change", args=[case.pk])).content.decode()


def _top_actions(html: str) -> str:
    return html.split('class="case-actions case-actions-top"')[1].split('class="case-columns"')[0]


def test_a_never_dispatched_case_offers_dispatch_but_not_verify(client, supervisor, best_category, district_office):
    case = make_complaint(category=best_category, district=district_office.district)
    client.force_login(supervisor)
    html = _page(client, case)
    top = _top_actions(html)
    assert "ส่งต่อหน่วยงาน" in top and "close_selected" not in top and "reopen_selected" not in top
    assert "cancel_selected" in top  # a supervisor may still cancel it
    assert html.index("case-actions-top") < html.index("case-details")  # above the details


def test_a_resolved_case_offers_verify_and_a_closed_one_only_reopen(client, supervisor, best_category, district_office):
    case = resolved_case(best_category, district_office, supervisor)
    client.force_login(supervisor)
    assert "close_selected" in _top_actions(_page(client, case))
    workflow.close(complaint=case, by=supervisor)
    top = _top_actions(_page(client, case))
    assert "reopen_selected" in top and "close_selected" not in top
    assert "cancel_selected" not in top and "ส่งต่อหน่วยงาน" not in top


def test_no_section_has_an_empty_heading_bar(client, officer, best_category, district_office):
    case = make_complaint(category=best_category, district=district_office.district)
    client.force_login(officer)
    html = _page(client, case)
    assert not re.search(r"<h2[^>]*>\s*</h2>", html)
    assert not re.search(r'<fieldset class="module aligned[^"]*">\s*</fieldset>', html)


def test_a_refused_upload_keeps_the_typed_note(client, officer, best_category, district_office):
    case = make_complaint(category=best_category, district=district_office.district)
    client.force_login(officer)
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post(
        reverse("admin:complaints_complaint_note", args=[case.pk]),
        {"text": "ผู้ร้องโทรมาอีกครั้ง น้ำเริ่มท่วมบ้าน", "stage": "before", "photo": SimpleUploadedFile("x.jpg", b"junk")},
        follow=True,
    )
    html = response.content.decode()
    assert "ไม่ใช่รูปภาพหรือไฟล์เสียหาย" in html
    assert "ผู้ร้องโทรมาอีกครั้ง น้ำเริ่มท่วมบ้าน</textarea>" in html
    assert not case.timeline.filter(text__contains="น้ำเริ่มท่วมบ้าน").exists()


def test_reroute_after_the_agencys_rejection_shows_its_reason_and_does_not_ask_again(
    client, officer, best_category, district_office, coordinator
):
    case = make_complaint(category=best_category, district=district_office.district)
    [a] = workflow.dispatch(complaint=case, agencies=[district_office], by=officer)
    workflow.reject(assignment=a, by=coordinator, reason="ถนนนี้เป็นของกรมทางหลวง")
    doh = AgencyFactory(code="DOH", name_th="กรมทางหลวง")
    client.force_login(officer)
    url = reverse("admin:complaints_complaint_reroute", args=[case.pk, a.pk])
    html = client.get(url).content.decode()
    assert "ถนนนี้เป็นของกรมทางหลวง</textarea>" in html and "เหตุผลที่หน่วยงานแจ้งไว้" in html
    response = client.post(url, {"reason": "", "to_agency": doh.pk, "channel": "radio"})
    assert response.status_code == 302
    new = Assignment.objects.get(agency=doh)
    a.refresh_from_db()
    assert a.rerouted_to == new and a.reject_reason == "ถนนนี้เป็นของกรมทางหลวง"
    assert case.timeline.filter(kind="rerouted", text__contains="ถนนนี้เป็นของกรมทางหลวง").exists()


def test_reroute_of_work_the_agency_has_not_refused_still_asks_why(client, officer, best_category, district_office):
    case = make_complaint(category=best_category, district=district_office.district)
    [a] = workflow.dispatch(complaint=case, agencies=[district_office], by=officer)
    client.force_login(officer)
    url = reverse("admin:complaints_complaint_reroute", args=[case.pk, a.pk])
    response = client.post(url, {"reason": "", "to_agency": AgencyFactory(code="DOH").pk, "channel": "radio"})
    assert response.status_code == 200 and response.context["form"].errors["reason"]


def test_reminders_and_outbox_name_cases_by_reference(client, supervisor, best_category, district_office, coordinator):
    case = make_complaint(category=best_category, district=district_office.district)
    [a] = workflow.dispatch(complaint=case, agencies=[district_office], by=supervisor)
    Reminder.objects.create(assignment=a, stage="ack", level=1, due_at=a.ack_due_at)
    waiting = make_complaint(category=best_category, district=district_office.district)
    Reminder.objects.create(complaint=waiting, stage="dispatch", level=1, due_at=waiting.dispatch_due_at)
    client.force_login(supervisor)
    listing = client.get(reverse("admin:complaints_reminder_changelist")).content.decode()
    assert case.reference in listing and waiting.reference in listing
    assert f"{case.pk}→" not in listing and district_office.name_th in listing
    row = Reminder.objects.get(assignment=a)
    detail = client.get(reverse("admin:complaints_reminder_change", args=[row.pk])).content.decode()
    assert case.reference in detail
    card = OutboxMessage.objects.get(assignment=a)
    page = client.get(reverse("admin:line_oa_outboxmessage_change", args=[card.pk])).content.decode()
    assert case.reference in page and f"{case.pk}→{district_office.pk}" not in page
    assert case.reference in client.get(reverse("admin:line_oa_outboxmessage_changelist")).content.decode()


def test_the_note_form_takes_a_photo_with_the_note(client, officer, best_category, district_office):
    case = make_complaint(category=best_category, district=district_office.district)
    client.force_login(officer)
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.post(
        reverse("admin:complaints_complaint_note", args=[case.pk]),
        {"text": "รูปจากผู้ร้อง", "stage": "before", "photo": SimpleUploadedFile("a.jpg", jpeg_bytes(seed=9))},
    )
    assert case.photos.count() == 1 and "รูปจากผู้ร้อง</textarea>" not in _page(client, case)


def test_the_case_pages_query_count_does_not_grow_with_its_history(
    client, supervisor, best_category, district_office, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(supervisor)
    short = resolved_case(best_category, district_office, supervisor)
    with CaptureQueriesContext(connection) as ctx:
        _page(client, short)
    baseline = len(ctx.captured_queries)

    long = resolved_case(best_category, district_office, supervisor)
    for i in range(4):  # more agencies, photos and timeline
        workflow.dispatch(complaint=long, agencies=[AgencyFactory()], by=supervisor)
        workflow.add_photo(complaint=long, content=jpeg_bytes(seed=900 + i), by=supervisor)
        workflow.add_note(complaint=long, by=supervisor, text=f"โทรตามครั้งที่ {i}")
    with django_assert_max_num_queries(baseline):
        _page(client, long)
    assert (
        baseline <= 14
    )  # session, user, permissions, the case + its assignments, timeline, photos, callers, notices, the PII log


# --- the read-only case page and its correction form ---------------------------------------


@pytest.fixture
def called_in(best_category, district_office):
    """A case with its caller's name, mobile number and words, on the map."""
    return make_complaint(
        category=best_category,
        district=district_office.district,
        complainant_name="สมหญิง รักษ์ถนน",
        complainant_phone="0812345678",
        description="ฝาท่อหาย <b>หน้าปากซอย</b>",
        lat="13.730000",
        lng="100.540000",
    )


def test_the_case_page_reads_the_case_without_a_form_and_offers_the_correction_form(client, officer, called_in):
    case = called_in
    client.force_login(officer)
    response = client.get(reverse("admin:complaints_complaint_change", args=[case.pk]))
    html = response.content.decode()
    assert "adminform" not in response.context and '<textarea name="description"' not in html
    assert "ฝาท่อหาย &lt;b&gt;หน้าปากซอย&lt;/b&gt;" in html  # the caller's words, escaped
    assert "สมหญิง รักษ์ถนน" in html and "0812345678" in html  # an officer may read the caller
    assert f"{reverse('admin:complaints_complaint_change', args=[case.pk])}?edit=1" in html
    data = response.context["map"]
    assert data["site"]["lat"] == 13.73 and data["site"]["lng"] == 100.54
    assert 'id="review-map-data"' in html and "vendor/leaflet/leaflet.js" in html
    form = client.get(reverse("admin:complaints_complaint_change", args=[case.pk]) + "?edit=1")
    assert "description" in form.context["adminform"].form.fields


def test_a_role_without_the_personal_data_permission_reads_masked_callers_and_cannot_edit(client, officer, called_in):
    from django.contrib.auth.models import Permission

    from testing.factories import make_user

    case = called_in
    workflow.add_complainant(complaint=case, by=officer, name="สมชาย ใจดี", phone="0898765432", description="โทรซ้ำ")
    reader = make_user("reader")
    reader.user_permissions.add(Permission.objects.get(codename="view_complaint"))
    client.force_login(reader)
    html = _page(client, case)
    assert "0812345678" not in html and "0898765432" not in html and "รักษ์ถนน" not in html
    assert "08x-xxx-5678" in html and "08x-xxx-5432" in html  # both callers, masked
    assert "ผู้ร้องเพิ่มเติม" in html and "โทรซ้ำ" in html
    assert "?edit=1" not in html and "บันทึกลงประวัติ" not in html  # nothing to change from here
    assert 'class="case-actions case-actions-top"' in html and "ส่งต่อหน่วยงาน" not in _top_actions(html)


def test_the_case_page_shows_where_result_photos_were_taken_and_who_checked(
    client, supervisor, best_category, district_office
):
    case = resolved_case(best_category, district_office, supervisor)
    case.refresh_from_db()
    client.force_login(supervisor)
    response = client.get(reverse("admin:complaints_complaint_change", args=[case.pk]))
    html = response.content.decode()
    assert 'id="case-outcome"' in html and "ตรวจสอบผล" in html  # the review is one click away
    assert [row["reviewable"] for row in response.context["outcome_rows"]] == [True]
    assert 'id="case-photos"' in html
