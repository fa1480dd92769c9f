"""`make demo` shows the end of the loop: results in review (some flagged) in the queue, a review
page for each kind, the planned cases on the case page, and the reports' outcomes page."""

from django.urls import reverse

from complaints import demo_data
from complaints.models import Assignment, Complaint


def test_demo_data_fills_the_review_queue_and_the_outcomes_page(reference_data, client, officer, executive):
    demo_data.seed()
    client.force_login(officer)
    queue = client.get(reverse("admin:complaints_reviewqueue_changelist"))
    assert queue.status_code == 200
    html = queue.content.decode()
    waiting = Assignment.objects.filter(status="resolved").select_related("complaint")
    assert waiting.exists()
    assert any(a.complaint.reference in html for a in waiting)
    assert (
        "fake-fix-flag"
        in client.get(reverse("admin:complaints_reviewqueue_changelist") + "?review=flagged").content.decode()
    )
    for a in waiting[:5]:
        assert client.get(reverse("admin:complaints_reviewqueue_review", args=[a.pk])).status_code == 200
    planned = Complaint.objects.filter(outcome="planned").first()
    assert planned is not None
    page = client.get(reverse("admin:complaints_complaint_change", args=[planned.pk])).content.decode()
    assert "outcome-planned" in page
    client.force_login(executive)
    assert client.get(reverse("reports:outcomes")).status_code == 200
