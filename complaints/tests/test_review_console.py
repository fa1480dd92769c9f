"""The review queue (รอตรวจสอบผล) and the review page, through the real test client per role."""

import datetime as dt
import json

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from complaints import workflow
from complaints.admin_review import review_queue_count
from complaints.models import Assignment, Complaint, Photo, TimelineEntry
from complaints.photos import FLAG_TEXT
from line_oa.models import OutboxMessage
from testing.factories import AgencyFactory, make_complaint
from testing.images import jpeg_bytes

_seeds = iter(range(1, 10_000))


def distinct_jpeg(seed: int | None = None) -> bytes:
    """A picture the fake-fix guard will not take for any other in the test (random blocks)."""
    import io
    import random

    from PIL import Image, ImageDraw

    rng = random.Random(seed if seed is not None else next(_seeds))
    image = Image.new("L", (64, 64))
    draw = ImageDraw.Draw(image)
    for x in range(0, 64, 8):
        for y in range(0, 64, 8):
            draw.rectangle((x, y, x + 7, y + 7), fill=rng.randrange(256))
    buf = io.BytesIO()
    image.convert("RGB").save(buf, "JPEG")
    return buf.getvalue()


QUEUE = reverse("admin:complaints_reviewqueue_changelist")
LIST = reverse("admin:complaints_complaint_changelist")
pytestmark = pytest.mark.django_db
A = Assignment.Status


def review_url(assignment):
    return reverse("admin:complaints_reviewqueue_review", args=[assignment.pk])


def row_of(html: str, reference: str) -> str:
    """The list row (<tr>) that shows this case."""
    return next(row.split("</tr>")[0] for row in html.split("<tr")[1:] if reference in row)


def messages_of(response) -> str:
    return " | ".join(str(m) for m in response.context["messages"])


def resolved(category, agency, by, *, located=True, at=None) -> Assignment:
    """A case the agency reported fixed with one result photo, taken at the site or without a location."""
    complaint = make_complaint(category=category, district=agency.district)
    [a] = workflow.dispatch(
        complaint=complaint, agencies=[agency], by=by, channel="radio"
    )  # the centre relays the result: not flagged
    workflow.acknowledge(assignment=a, by=by, name="ช่าง")
    workflow.add_photo(
        complaint=complaint,
        content=distinct_jpeg(),
        by=by,
        stage=Photo.Stage.AFTER,
        assignment=a,
        lat=complaint.lat if located else None,
        lng=complaint.lng if located else None,
    )
    workflow.resolve(assignment=a, by=by, note="ปิดฝาท่อใหม่แล้ว", at=at)
    a.refresh_from_db()
    return a


@pytest.fixture
def clean(best_category, district_office, officer):
    return resolved(best_category, district_office, officer)


@pytest.fixture
def flagged(best_category, district_office, officer):
    return resolved(best_category, district_office, officer, located=False)


# --- who sees it ------------------------------------------------------------------------------


def test_executive_sees_neither_the_queue_nor_a_review_page(client, executive, clean):
    client.force_login(executive)
    assert client.get(QUEUE).status_code == 403
    assert client.get(review_url(clean)).status_code == 403
    assert client.post(review_url(clean), {"decision": "verify"}).status_code == 403
    assert "รอตรวจสอบผล" not in client.get(reverse("admin:index")).content.decode()


def test_officer_finds_the_queue_on_the_console_home(client, officer, clean):
    client.force_login(officer)
    home = client.get(reverse("admin:index")).content.decode()
    assert QUEUE in home
    assert "รอตรวจสอบผล" in home


def test_anonymous_is_sent_to_login(client, clean):
    assert client.get(QUEUE).status_code == 302
    assert client.get(review_url(clean)).status_code == 302


# --- the queue --------------------------------------------------------------------------------


def test_queue_lists_results_oldest_first_with_flags_photos_location_and_overdue(
    client, officer, best_category, district_office
):
    old = resolved(best_category, district_office, officer, located=False, at=timezone.now() - dt.timedelta(hours=5))
    new = resolved(best_category, district_office, officer)
    client.force_login(officer)
    html = client.get(QUEUE).content.decode()
    assert html.index(old.complaint.reference) < html.index(new.complaint.reference)
    old_row = row_of(html, old.complaint.reference)
    new_row = row_of(html, new.complaint.reference)
    assert str(FLAG_TEXT["no_location"]) in old_row
    assert "ไม่ได้แชร์ตำแหน่ง" in old_row
    assert "เกินกำหนดตรวจสอบผล" in old_row  # BEST: 2 hours after the result
    assert "BEST" in old_row
    assert "แชร์ตำแหน่งแล้ว" in new_row
    assert "fake-fix-flag" not in new_row
    assert "เกินกำหนดตรวจสอบผล" not in new_row
    assert 'class="field-photo_count"><span class="">1</span>' in new_row
    assert district_office.abbr_th in new_row or district_office.name_th in new_row


def test_queue_holds_only_results_awaiting_review(client, officer, best_category, district_office, clean):
    complaint = make_complaint(category=best_category, district=district_office.district)
    workflow.dispatch(complaint=complaint, agencies=[district_office], by=officer, channel="radio")
    client.force_login(officer)
    html = client.get(QUEUE).content.decode()
    assert clean.complaint.reference in html
    assert complaint.reference not in html


def test_queue_filters_flagged_and_overdue(client, officer, best_category, district_office, clean, flagged):
    client.force_login(officer)
    html = client.get(QUEUE + "?review=flagged").content.decode()
    assert flagged.complaint.reference in html and clean.complaint.reference not in html
    html = client.get(QUEUE + "?review=overdue").content.decode()
    assert clean.complaint.reference not in html


def test_queue_counts_only_the_current_round_after_a_send_back(client, officer, flagged):
    workflow.send_back(assignment=flagged, by=officer, reason="ขอรูปใหม่")
    workflow.add_photo(
        complaint=flagged.complaint,
        content=distinct_jpeg(),
        by=officer,
        stage=Photo.Stage.AFTER,
        assignment=flagged,
        lat=flagged.complaint.lat,
        lng=flagged.complaint.lng,
    )
    workflow.resolve(assignment=flagged, by=officer)
    client.force_login(officer)
    row = row_of(client.get(QUEUE).content.decode(), flagged.complaint.reference)
    assert "fake-fix-flag" not in row
    assert "ส่งกลับแล้ว 1 ครั้ง" in row
    assert 'class="field-photo_count"><span class="">1</span>' in row


def test_queue_query_count_does_not_grow_with_the_page(client, officer, best_category, district_office):
    client.force_login(officer)
    resolved(best_category, district_office, officer, located=False)
    with CaptureQueriesContext(connection) as one:
        assert client.get(QUEUE).status_code == 200
    for i in range(6):
        resolved(best_category, district_office, officer, located=bool(i % 2))
    with CaptureQueriesContext(connection) as seven:
        assert client.get(QUEUE).status_code == 200
    assert len(seven) == len(one)
    # The page's rows are read once (the look-ahead pager's rows are the page's, even on one page).
    assert sum('FROM "complaints_photo"' in q["sql"] for q in seven.captured_queries) == 1
    sql = " ".join(q["sql"] for q in seven.captured_queries).upper()
    assert "COUNT(*)" not in sql.replace("SELECT COUNT(*) FROM (SELECT", "")  # only the capped counts


def test_review_queue_count_is_capped(officer, best_category, district_office):
    for _ in range(3):
        resolved(best_category, district_office, officer)
    assert review_queue_count() == review_queue_count(cap=10)
    count = review_queue_count(cap=2)
    assert (count.waiting, count.capped) == (2, True)
    later = review_queue_count(now=timezone.now() + dt.timedelta(hours=3))
    assert (later.waiting, later.overdue, later.capped) == (3, 3, False)
    assert "3" in str(later)


# --- the review page ----------------------------------------------------------------------------


def test_review_page_shows_both_sides_the_map_data_flags_and_who_reported(client, officer, coordinator, flagged):
    complaint = flagged.complaint
    workflow.add_photo(complaint=complaint, content=jpeg_bytes(seed=5), by=officer, stage=Photo.Stage.BEFORE)
    client.force_login(officer)
    html = client.get(review_url(flagged)).content.decode()
    assert "รูปจากเรื่องร้องทุกข์" in html and "รูปผลงาน (รอบนี้)" in html
    assert html.count('class="case-photo"') == 1 and html.count('class="case-photo flagged"') == 1
    assert str(FLAG_TEXT["no_location"]) in html
    assert "ปิดฝาท่อใหม่แล้ว" in html
    assert "รายงานโดย Officer" in html  # the officer recorded the result in this test
    assert 'id="review-map-data"' in html and '"site": {"lat": 13.73' in html
    assert '"photos": [], "shared": []' in html
    assert 'name="accept-justification"' in html and "required" in html.split('name="accept-justification"')[1][:80]
    for form in ("decision-accept", "decision-send-back", "decision-plan"):
        assert form in html
    # The coordinator then shares the site's location: it is on the map, and the photo is judged again.
    since = flagged.rework_since or flagged.dispatched_at
    workflow.record_location(assignment=flagged, by=coordinator, lat=complaint.lat, lng=complaint.lng, since=since)
    html = client.get(review_url(flagged)).content.decode()
    assert '"shared": [{"lat": 13.73' in html
    assert '"photos": [{"lat": 13.73' in html
    assert "ห่างจุดที่แจ้งประมาณ 0 ม." in html  # the photo now has the shared position
    assert 'class="review-shared"' in html and coordinator.name in html
    assert str(FLAG_TEXT["no_location"]) not in html


def test_review_page_offers_only_what_the_workflow_allows(client, officer, best_category, district_office):
    complaint = make_complaint(category=best_category, district=district_office.district)
    [a] = workflow.dispatch(complaint=complaint, agencies=[district_office], by=officer, channel="radio")
    client.force_login(officer)
    html = client.get(review_url(a)).content.decode()
    assert "decision-accept" not in html and "decision-send-back" not in html and "decision-plan" not in html
    workflow.acknowledge(assignment=a, by=officer, name="ช่าง")
    html = client.get(review_url(a)).content.decode()
    assert "decision-plan" in html and "decision-accept" not in html


def test_unflagged_result_has_no_justification_field(client, officer, clean):
    client.force_login(officer)
    html = client.get(review_url(clean)).content.decode()
    assert "accept-justification" not in html


def test_accepting_a_clean_result_closes_the_case_as_fixed(client, officer, clean):
    client.force_login(officer)
    response = client.post(review_url(clean), {"decision": "verify", "accept-note": "รูปชัดเจน"}, follow=True)
    assert response.redirect_chain[-1][0] == QUEUE
    assert "ยอมรับผล" in messages_of(response)
    complaint = Complaint.objects.get(pk=clean.complaint_id)
    assert (complaint.status, complaint.outcome) == ("closed", "fixed")


def test_accepting_a_flagged_result_without_justification_is_refused_with_the_workflow_message(
    client, officer, flagged
):
    client.force_login(officer)
    response = client.post(review_url(flagged), {"decision": "verify", "accept-justification": "  "})
    assert response.status_code == 200
    text = messages_of(response)
    assert flagged.complaint.reference in text
    assert str(FLAG_TEXT["no_location"]) in text
    flagged.refresh_from_db()
    assert flagged.status == A.RESOLVED


def test_accepting_a_flagged_result_with_justification_records_it(client, officer, flagged):
    client.force_login(officer)
    response = client.post(
        review_url(flagged), {"decision": "verify", "accept-justification": "โทรยืนยันกับเขตแล้ว"}, follow=True
    )
    assert "ยอมรับผล" in messages_of(response)
    entry = TimelineEntry.objects.get(assignment=flagged, kind=TimelineEntry.Kind.VERIFIED)
    assert entry.data == {"accepted_flags": ["no_location"], "justification": "โทรยืนยันกับเขตแล้ว"}


def test_send_back_with_quick_reasons_and_text_reaches_the_agency_in_line(client, officer, coordinator, flagged):
    client.force_login(officer)
    due = flagged.resolve_due_at
    response = client.post(
        review_url(flagged),
        {"decision": "send_back", "back-reasons": ["unclear", "no_location"], "back-text": "ถ่ายให้เห็นป้ายซอย"},
        follow=True,
    )
    assert "ส่งกลับ" in messages_of(response)
    flagged.refresh_from_db()
    assert flagged.status in (A.IN_PROGRESS, A.MADE_SAFE)
    assert flagged.resolve_due_at == due  # rework does not buy time
    entry = TimelineEntry.objects.get(assignment=flagged, kind=TimelineEntry.Kind.SENT_BACK)
    assert entry.text.splitlines() == ["รูปผลงานไม่ชัดเจน มองไม่เห็นว่าแก้ไขแล้ว", "ขอรูปพร้อมตำแหน่งที่ถ่าย", "ถ่ายให้เห็นป้ายซอย"]
    sent = [json.dumps(m.messages, ensure_ascii=False) for m in OutboxMessage.objects.filter(assignment=flagged)]
    assert any("ถ่ายให้เห็นป้ายซอย" in m and "รายงานผล" in m for m in sent)


def test_send_back_without_any_reason_is_refused(client, officer, clean):
    client.force_login(officer)
    response = client.post(review_url(clean), {"decision": "send_back"})
    assert response.status_code == 200
    assert messages_of(response)
    clean.refresh_from_db()
    assert clean.status == A.RESOLVED


def test_send_back_of_a_verified_result_is_refused(client, officer, clean):
    workflow.accept(assignment=clean, by=officer)
    client.force_login(officer)
    response = client.post(review_url(clean), {"decision": "send_back", "back-text": "ไม่เรียบร้อย"})
    assert response.status_code == 200
    assert clean.complaint.reference in messages_of(response)
    clean.refresh_from_db()
    assert clean.status == A.VERIFIED


def test_plan_a_permanent_fix_keeps_the_case_open_with_the_date(client, officer, clean):
    client.force_login(officer)
    date = timezone.localdate() + dt.timedelta(days=30)
    response = client.post(
        review_url(clean),
        {"decision": "plan", "plan-planned_for": date.isoformat(), "plan-reason": "budget", "plan-note": "รองบปี 70"},
        follow=True,
    )
    assert "แผนแก้ไขถาวร" in messages_of(response)
    clean.refresh_from_db()
    assert (clean.status, clean.planned_for, clean.plan_reason) == (A.MADE_SAFE, date, "budget")
    complaint = Complaint.objects.get(pk=clean.complaint_id)
    assert complaint.outcome == "planned" and complaint.status != "closed"
    page = client.get(reverse("admin:complaints_complaint_change", args=[complaint.pk])).content.decode()
    assert "รองบประมาณ" in page and "รองบปี 70" in page
    listing = client.get(LIST).content.decode()
    row = row_of(listing, complaint.reference)
    assert "outcome-planned" in row


def test_plan_in_the_past_is_refused(client, officer, clean):
    client.force_login(officer)
    past = timezone.localdate() - dt.timedelta(days=1)
    response = client.post(review_url(clean), {"decision": "plan", "plan-planned_for": past, "plan-reason": "budget"})
    assert "กำหนดแก้ไขถาวร" in messages_of(response)
    clean.refresh_from_db()
    assert clean.status == A.RESOLVED


def test_unknown_decision_is_a_bad_request(client, officer, clean):
    client.force_login(officer)
    assert client.post(review_url(clean), {"decision": "delete"}).status_code == 400


def test_case_page_links_to_the_review_of_a_resolved_assignment(client, officer, clean):
    client.force_login(officer)
    page = client.get(reverse("admin:complaints_complaint_change", args=[clean.complaint_id])).content.decode()
    assert review_url(clean) in page


# --- bulk close from the complaint list ---------------------------------------------------------


def test_bulk_close_skips_a_flagged_result_and_names_it(client, officer, clean, flagged):
    client.force_login(officer)
    response = client.post(
        LIST,
        {"action": "close_selected", ACTION_CHECKBOX_NAME: [clean.complaint_id, flagged.complaint_id]},
        follow=True,
    )
    text = messages_of(response)
    assert flagged.complaint.reference in text
    assert "ปิดเรื่องแล้ว 1 เรื่อง" in text
    assert Complaint.objects.get(pk=clean.complaint_id).status == "closed"
    assert Complaint.objects.get(pk=flagged.complaint_id).status == "resolved"


def test_closed_case_shows_its_outcome_in_the_list(client, officer, clean):
    workflow.accept(assignment=clean, by=officer)
    other = AgencyFactory(code="X1")
    assert other  # an unrelated agency does not change the row
    client.force_login(officer)
    row = row_of(client.get(LIST).content.decode(), clean.complaint.reference)
    assert "outcome-fixed" in row and "แก้ไขแล้ว" in row


@pytest.fixture
def thai_afterwards():
    """The language middleware activates English for this thread; later tests expect Thai."""
    from django.conf import settings
    from django.utils import translation

    yield
    translation.activate(settings.LANGUAGE_CODE)


def test_queue_and_review_page_read_in_english_with_the_language_cookie(client, officer, flagged, thai_afterwards):
    from django.conf import settings

    client.force_login(officer)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    queue = client.get(QUEUE).content.decode()
    assert "Results awaiting review" in queue and "no location shared" in queue
    page = client.get(review_url(flagged)).content.decode()
    for text in ("Send back to the agency", "Why accept the result despite the flags", "Made safe, permanent fix"):
        assert text in page, text
    assert "ส่งกลับให้หน่วยงานแก้ไข" not in page
    refused = client.post(review_url(flagged), {"decision": "verify"})
    assert "was flagged" in messages_of(refused)
