"""Retention on schedule (time-machine) with a dry run, and the data-subject export."""

import datetime as dt
import json

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from complaints import workflow
from complaints.models import Complaint, Photo
from complaints.workflow import add_photo
from line_oa.models import WebhookEvent
from privacy import retention
from privacy.models import PIIAccess
from testing.factories import make_complaint
from testing.images import jpeg_with_exif

START = dt.datetime(2026, 1, 5, 10, 0, tzinfo=dt.UTC)


@pytest.fixture
def old_closed_case(officer, district_office, normal_category):
    with time_machine.travel(START, tick=False):
        case = make_complaint(
            category=normal_category,
            district=district_office.district,
            complainant_name="สมชาย ใจดี",
            complainant_phone="0812345678",
            description="ขยะหน้าบ้านคุณสมชาย โทร 081-234-5678",
        )
        add_photo(complaint=case, content=jpeg_with_exif(), by=officer)
        [a] = workflow.dispatch(complaint=case, agencies=[district_office], by=officer)
        workflow.acknowledge(assignment=a, by=officer, name="ช่าง")
        workflow.resolve(assignment=a, by=officer, note="เก็บแล้ว")
        workflow.verify(assignment=a, by=officer)
    case.refresh_from_db()
    assert case.status == Complaint.Status.CLOSED
    return case


def _webhook(received_at, status="done"):
    return WebhookEvent.objects.create(
        webhook_event_id=f"E{received_at.timestamp()}",
        event_type="message",
        payload={"x": 1},
        received_at=received_at,
        status=status,
    )


def test_nothing_happens_before_two_years(old_closed_case):
    with time_machine.travel(START + dt.timedelta(days=700)):
        report = retention.apply()
    assert (report.complainants, report.photo_originals) == (0, 0)
    assert Complaint.objects.get().complainant_phone == "0812345678"


def test_after_two_years_the_complainant_is_anonymised_and_the_original_deleted(old_closed_case, settings):
    photo = Photo.objects.get()
    original = settings.PRIVATE_MEDIA_ROOT / photo.image.name
    assert original.exists()
    with time_machine.travel(START + dt.timedelta(days=732)):
        dry = retention.apply(dry_run=True)
        assert (dry.complainants, dry.photo_originals) == (1, 1)
        assert Complaint.objects.get().complainant_name == "สมชาย ใจดี"  # a dry run changes nothing
        report = retention.apply()
        again = retention.apply()
    assert (report.complainants, report.photo_originals) == (1, 1)
    assert (again.complainants, again.photo_originals) == (0, 0)
    case = Complaint.objects.get()
    assert (case.complainant_name, case.complainant_phone) == ("", "")
    assert "สมชาย" not in case.description and "5678" not in case.description
    assert case.status == Complaint.Status.CLOSED and case.category_id and case.closed_at  # reports keep working
    photo.refresh_from_db()
    assert not photo.image and not original.exists() and photo.public_image and photo.thumbnail


def test_old_webhook_bodies_go_after_ninety_days_pending_ones_stay(db):
    now = timezone.now()
    _webhook(now - dt.timedelta(days=91))
    _webhook(now - dt.timedelta(days=91, seconds=1), status="pending")
    _webhook(now - dt.timedelta(days=10))
    assert retention.apply().webhook_events == 1
    assert WebhookEvent.objects.count() == 2


def test_reports_still_count_anonymised_cases(old_closed_case, executive, client):
    with time_machine.travel(START + dt.timedelta(days=732)):
        retention.apply()
    client.force_login(executive)
    assert client.get("/reports/?month=2026-01").status_code == 200


def test_the_dry_run_command_says_what_it_would_do(old_closed_case, capsys):
    with time_machine.travel(START + dt.timedelta(days=732)):
        call_command("apply_retention", "--dry-run")
    out = capsys.readouterr().out
    assert "would do (dry run): complainants anonymised: 1, photo originals deleted: 1" in out
    assert old_closed_case.reference in out
    assert Complaint.objects.get().complainant_phone == "0812345678"


def test_a_supervisor_exports_everything_about_a_phone_number(client, supervisor, officer, old_closed_case):
    make_complaint(complainant_phone="0899999999")  # someone else
    client.force_login(officer)
    client.get(reverse("admin:complaints_complaint_change", args=[old_closed_case.pk]))
    client.force_login(supervisor)
    response = client.post(reverse("admin:privacy_subject_request"), {"phone": "+66 81 234 5678"})
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    [case] = data["complaints"]
    assert case["reference"] == old_closed_case.reference and case["complainant_name"] == "สมชาย ใจดี"
    assert case["timeline"] and case["photos"][0]["has_original"]
    assert [a["who"] for a in data["access_log"]] == ["officer"]
    assert PIIAccess.objects.filter(action="export", username="supervisor").exists()


def test_officers_cannot_run_a_subject_export(client, officer, db):
    client.force_login(officer)
    assert client.get(reverse("admin:privacy_subject_request")).status_code == 403
