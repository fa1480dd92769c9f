"""The demo data set: realistic, complete, and built through the workflow."""

import statistics

from django.core.management import call_command
from django.utils import timezone

from agencies.models import Agency, Coordinator
from complaints import demo_data
from complaints.models import Assignment, Complaint, Photo, TimelineEntry
from line_oa.models import OutboxMessage
from testing.factories import make_complaint


def _median_minutes(assignments, field):
    return statistics.median(
        (getattr(a, field) - a.dispatched_at).total_seconds() / 60 for a in assignments if getattr(a, field)
    )


def test_demo_seed_covers_every_state_and_line_is_faster_than_radio(reference_data):
    demo_data.seed()

    complaints = Complaint.objects.all()
    assert 300 <= complaints.count() <= 400
    assert set(complaints.values_list("status", flat=True)) == set(Complaint.Status.values)
    assert set(Assignment.objects.values_list("status", flat=True)) == set(Assignment.Status.values)
    assert complaints.filter(is_best=True).count() > 80
    assert complaints.values("district").distinct().count() > 30
    assert complaints.values("category").distinct().count() > 15
    oldest = complaints.order_by("received_at").first().received_at
    assert (timezone.now() - oldest).days >= 80

    now = timezone.now()
    assert Assignment.objects.filter(status="dispatched", ack_due_at__lt=now).exists()
    assert Assignment.objects.filter(status__in=Assignment.OPEN_STATUSES, resolve_due_at__lt=now).exists()
    assert Assignment.objects.filter(rerouted_to__isnull=False).exists()
    assert TimelineEntry.objects.filter(kind="reopened").exists()

    line = list(Assignment.objects.filter(channel="line"))
    relay = list(Assignment.objects.filter(channel__in=["radio", "phone"]))
    assert _median_minutes(line, "acknowledged_at") * 3 < _median_minutes(relay, "acknowledged_at")
    assert _median_minutes(line, "first_resolved_at") * 1.5 < _median_minutes(relay, "first_resolved_at")

    # Every BEST case an agency resolved has a result photo (the workflow insists).
    best_resolved = Assignment.objects.filter(complaint__is_best=True, first_resolved_at__isnull=False)
    assert all(a.photos.filter(stage="after").exists() for a in best_resolved)
    assert any("reused" in flags for flags in Photo.objects.values_list("flags", flat=True))

    bound = Coordinator.objects.filter(line_user_id__regex=r"^U[0-9a-f]{32}$")
    assert bound.count() >= 10
    assert Coordinator.objects.filter(line_user_id__isnull=True).exists()
    assert Agency.objects.filter(line_group_id__startswith="C").count() == 1
    # History is not pushed to LINE again when the demo worker starts.
    assert not OutboxMessage.objects.filter(status="pending").exists()


def test_seed_demo_command_keeps_existing_data(reference_data):
    make_complaint()

    call_command("seed_demo")

    assert Complaint.objects.count() == 1
