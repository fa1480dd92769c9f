"""The console's first page: the shift's queues, per role, in a number of queries that does not grow."""

import datetime as dt

import pytest
from django.utils import timezone

from complaints import queues, workflow
from complaints.models import Assignment, Photo
from line_oa.models import InboxMessage, OutboxMessage
from testing.factories import AgencyFactory, CategoryFactory, make_complaint

pytestmark = pytest.mark.django_db


def _shift(best_category, district_office, officer, n):
    """n cases in every queue the domain knows."""
    now = timezone.now()
    old = now - dt.timedelta(hours=30)
    for _ in range(n):
        make_complaint(category=best_category, received_at=now - dt.timedelta(minutes=42))  # BEST waiting, late
        late = make_complaint(category=best_category, received_at=old)
        [a] = workflow.dispatch(complaint=late, agencies=[district_office], by=officer, at=old)  # overdue ack
        Assignment.objects.filter(pk=a.pk).update(escalation_level=3)
        rejected = make_complaint(category=best_category, received_at=old)
        [r] = workflow.dispatch(complaint=rejected, agencies=[district_office], by=officer, at=old)
        workflow.reject(assignment=r, by=officer, reason="ไม่ใช่เขตนี้")
        InboxMessage.objects.create(chat_id="U1", sender_name="สมศรี", text="ขอพิกัดด้วยครับ")
        OutboxMessage.objects.create(
            to=["U1"], messages=[], purpose=OutboxMessage.Purpose.DISPATCH, status="failed", assignment=a
        )


def test_officer_sees_the_queues_with_counts_and_the_oldest_items(client, officer, best_category, district_office):
    _shift(best_category, district_office, officer, 2)
    client.force_login(officer)
    page = client.get("/admin/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "งานของเวรนี้" in html and "BEST รอส่งต่อ" in html
    assert 'id="queue-best_waiting"' in html and "?queue=best_waiting" in html
    assert "42 นาที" in html  # the time waited
    assert "ข้อความ LINE ที่ยังไม่อ่าน" in html and "การ์ดส่งต่อที่ LINE ส่งไม่ถึง" in html
    assert page.context["cards"][0].count == 2


def test_the_query_count_does_not_grow_with_the_backlog(
    client, officer, best_category, district_office, django_assert_max_num_queries
):
    client.force_login(officer)
    _shift(best_category, district_office, officer, 1)
    client.get("/admin/queues/")
    with django_assert_max_num_queries(20) as small:
        client.get("/admin/queues/")
    _shift(best_category, district_office, officer, 6)
    with django_assert_max_num_queries(20) as large:
        assert client.get("/admin/queues/").status_code == 200
    assert len(large.captured_queries) == len(small.captured_queries) <= 15


def test_counts_are_capped(client, officer, best_category, monkeypatch):
    monkeypatch.setattr(queues, "CAP", 2)
    for _ in range(3):
        make_complaint(category=best_category)
    client.force_login(officer)
    assert '<span class="queue-count">2+</span>' in client.get("/admin/queues/").content.decode()


def test_each_queue_links_to_the_same_cases_in_the_list(client, officer, best_category, district_office):
    _shift(best_category, district_office, officer, 1)
    make_complaint(category=CategoryFactory())  # not BEST: not in the BEST queue
    client.force_login(officer)
    listed = client.get("/admin/complaints/complaint/?queue=best_waiting")
    assert listed.status_code == 200
    assert len(listed.context["cl"].result_list) == 1
    assert len(client.get("/admin/complaints/complaint/?queue=reroute").context["cl"].result_list) == 1
    assert len(client.get("/admin/complaints/complaint/?queue=overdue_ack").context["cl"].result_list) == 1


def test_flagged_results_are_marked_in_the_review_queue(officer, best_category, district_office):
    case = make_complaint(category=best_category)
    [a] = workflow.dispatch(complaint=case, agencies=[district_office], by=officer)
    Assignment.objects.filter(pk=a.pk).update(status="resolved", resolved_at=timezone.now())
    Photo.objects.create(
        complaint=case, assignment=a, stage="after", sha256="x", flags=["reused"], created_at=timezone.now()
    )
    view = queues.read(queues.QUEUES["review"], timezone.now())
    assert view.count == 1 and view.items[0].flagged


def test_agencies_nobody_can_reach_with_open_work_are_listed(officer, best_category):
    lonely = AgencyFactory(code="LONELY", name_th="หน่วยงานเงียบ")
    workflow.dispatch(complaint=make_complaint(category=best_category), agencies=[lonely], by=officer)
    assert [row[0] for row in queues.unreachable_agencies_with_open_work()] == [lonely.pk]


def test_executive_goes_to_the_reports(client, executive):
    client.force_login(executive)
    page = client.get("/admin/")
    assert page.status_code == 302 and page["Location"].startswith("/reports/")


def test_supervisor_sees_the_queues_too(client, supervisor):
    client.force_login(supervisor)
    assert "งานของเวรนี้" in client.get("/admin/").content.decode()


def test_favicon_answers(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200 and response["Content-Type"] == "image/x-icon"


def test_a_queue_of_complaints_filters_the_list_directly_not_through_a_subquery(
    client, officer, best_category, district_office
):
    """`id IN (SELECT …)` made PostgreSQL walk the whole list's order for a short queue (1.2 s at
    a million complaints for an empty one); the queue's own condition uses its index."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _shift(best_category, district_office, officer, 1)
    client.force_login(officer)
    with CaptureQueriesContext(connection) as ctx:
        listed = client.get("/admin/complaints/complaint/?queue=reroute")
    assert len(listed.context["cl"].result_list) == 1
    listing = [q["sql"] for q in ctx.captured_queries if 'FROM "complaints_complaint"' in q["sql"]]
    assert listing and not any('"complaints_complaint"."id" IN (SELECT' in sql for sql in listing)
