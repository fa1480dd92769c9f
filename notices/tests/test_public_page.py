"""The public case page: no personal data, unguessable and revocable, "not fixed" reopens."""

import re

import pytest
from django.core.cache import cache

from complaints import workflow
from complaints.models import Assignment, TimelineEntry
from notices.models import Confirmation
from testing.images import jpeg_bytes

pytestmark = pytest.mark.django_db

SECRETS = ("สมหญิง", "ลับมาก", "0812345678", "081-234-5678", "812345678", "บ้านเลขที่ 99", "สมศักดิ์")


@pytest.fixture(autouse=True)
def _fresh_counters():
    cache.clear()
    yield
    cache.clear()


def test_the_page_of_a_fixed_case_shows_what_happened_and_nothing_personal(
    client, fixed_case, district_office, django_assert_max_num_queries
):
    complaint = fixed_case(complainant_name="สมหญิง ลับมาก", description="บ้านเลขที่ 99 ฝาท่อหาย")
    with django_assert_max_num_queries(4):
        response = client.get(complaint.public_path)
    assert response.status_code == 200
    html = response.content.decode()
    text = re.sub(r"<[^>]+>", " ", html)
    assert complaint.reference in text and complaint.category.name_th in text
    assert district_office.name_th in text and "แก้ไขแล้ว" in text
    assert "/media/public/" in html  # the result photo
    for secret in SECRETS:
        assert secret not in html, secret
    assert response["X-Robots-Tag"] == "noindex, nofollow" and 'name="robots" content="noindex' in html
    assert response["Referrer-Policy"] == "no-referrer"
    assert "ยังไม่ได้แก้ไข" in html  # the question is asked


def test_the_public_url_is_built_from_the_base_url(fixed_case, settings):
    settings.PUBLIC_BASE_URL = "https://bkk1555.example.org/"
    complaint = fixed_case()
    assert complaint.public_url == f"https://bkk1555.example.org/c/{complaint.reference}/{complaint.public_token}/"
    assert len(complaint.public_token) >= 22


def test_a_wrong_token_is_404_and_too_many_are_refused(client, fixed_case, settings):
    settings.PUBLIC_PAGE_MISSES_PER_HOUR = 3
    complaint = fixed_case()
    for i in range(3):
        assert client.get(f"/c/{complaint.reference}/guess{i}/").status_code == 404
    assert client.get(f"/c/{complaint.reference}/guess9/").status_code == 429
    assert client.get(complaint.public_path).status_code == 429  # even the right one, from that address
    assert client.get(complaint.public_path, REMOTE_ADDR="10.0.0.9").status_code == 200


def test_a_renewed_link_revokes_the_old_one(client, fixed_case, supervisor):
    complaint = fixed_case()
    old = complaint.public_path
    workflow.renew_public_link(complaint=complaint, by=supervisor)
    complaint.refresh_from_db()
    assert client.get(old).status_code == 404
    assert client.get(complaint.public_path).status_code == 200
    workflow.renew_public_link(complaint=complaint, by=supervisor, revoke_only=True)
    complaint.refresh_from_db()
    assert complaint.public_url == "" and client.get(complaint.public_path or old).status_code == 404


def test_not_fixed_reopens_the_case_and_tells_the_agency(client, fixed_case, line_stub, coordinator, settings):
    settings.NOTICES_SMS_BACKEND = "console"
    complaint = fixed_case()
    response = client.post(complaint.public_path, {"answer": "not_fixed", "comment": "ยังเป็นหลุมอยู่", "photo": _upload()})
    assert response.status_code == 302
    complaint.refresh_from_db()
    assert complaint.outcome == "" and complaint.status != "closed"
    assert complaint.assignments.get().status == Assignment.Status.IN_PROGRESS
    entry = TimelineEntry.objects.get(complaint=complaint, kind="reopened")
    assert entry.actor_channel == "public" and "ยังเป็นหลุมอยู่" in entry.text
    confirmation = Confirmation.objects.get(complaint=complaint)
    assert confirmation.answer == "not_fixed" and confirmation.reopened and confirmation.photo is not None
    from line_oa.models import OutboxMessage

    update = OutboxMessage.objects.get(assignment=complaint.assignments.get(), purpose="update")
    assert "ยังเป็นหลุมอยู่" in str(update.messages)  # the agency hears the complainant's words


def test_a_second_answer_updates_the_first(client, fixed_case):
    complaint = fixed_case()
    client.post(complaint.public_path, {"answer": "fixed"})
    client.post(complaint.public_path, {"answer": "not_fixed"})
    [c] = Confirmation.objects.filter(complaint=complaint)
    assert (c.answer, c.changed_count, c.reopened) == ("not_fixed", 1, True)


def test_answers_are_rate_limited(client, fixed_case, settings):
    settings.PUBLIC_ANSWERS_PER_HOUR = 2
    complaint = fixed_case()
    for _ in range(2):
        assert client.post(complaint.public_path, {"answer": "fixed"}).status_code == 302
    assert client.post(complaint.public_path, {"answer": "fixed"}).status_code == 400


def test_no_answer_after_thirty_days(client, fixed_case):
    import datetime as dt

    import time_machine

    complaint = fixed_case()
    with time_machine.travel(complaint.closed_at + dt.timedelta(days=31)):
        response = client.post(complaint.public_path, {"answer": "not_fixed"})
    assert response.status_code == 400
    complaint.refresh_from_db()
    assert complaint.outcome == "fixed"


def test_the_page_says_why_no_notice_went(client, best_category, settings):
    from testing.factories import make_complaint

    complaint = make_complaint(category=best_category, complainant_phone="021234567")
    html = client.get(complaint.public_path).content.decode()
    assert "ไม่ใช่โทรศัพท์มือถือ" in html and "021234567" not in html


def _upload():
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("p.jpg", jpeg_bytes(seed=12), content_type="image/jpeg")
