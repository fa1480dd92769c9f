"""The console's actions, each wired to the workflow, through the real test client per role."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from complaints import workflow
from complaints.models import Assignment, Complaint, Photo
from complaints.workflow import add_photo
from testing.factories import AgencyFactory, CoordinatorFactory, make_complaint
from testing.images import jpeg_bytes

LIST = reverse("admin:complaints_complaint_changelist")
DISPATCH = reverse("admin:complaints_complaint_dispatch")
pytestmark = pytest.mark.django_db


def messages_of(response) -> str:
    return " | ".join(str(m) for m in response.context["messages"])


def act(client, action, *complaints, **extra):
    data = {"action": action, ACTION_CHECKBOX_NAME: [c.pk for c in complaints], **extra}
    return client.post(LIST, data, follow=True)


@pytest.fixture
def mea(db):
    return AgencyFactory(code="MEA", name_th="การไฟฟ้านครหลวง")


@pytest.fixture
def new_case(best_category, district_office):
    best_category.responsible_agency = AgencyFactory(code="FRD", name_th="สำนักป้องกันและบรรเทาสาธารณภัย")
    best_category.save()
    return make_complaint(category=best_category, district=district_office.district)


def resolved_case(category, agency, by):
    complaint = make_complaint(category=category, district=agency.district)
    # By radio: the centre relays the agency's result (an officer's upload is the agency's then).
    [a] = workflow.dispatch(complaint=complaint, agencies=[agency], by=by, channel=Assignment.Channel.RADIO)
    workflow.acknowledge(assignment=a, by=by, name="ช่าง")
    add_photo(
        complaint=complaint,
        content=jpeg_bytes(seed=complaint.pk),
        by=by,
        stage=Photo.Stage.AFTER,
        assignment=a,
        lat=complaint.lat,
        lng=complaint.lng,
    )
    workflow.resolve(assignment=a, by=by)
    return complaint


# --- dispatch -----------------------------------------------------------------------------


def test_dispatch_action_opens_the_dispatch_page_with_suggestions_preselected(
    client, officer, new_case, district_office, coordinator
):
    client.force_login(officer)
    response = act(client, "dispatch_selected", new_case)
    html = response.content.decode()
    assert response.redirect_chain[0][0] == f"{DISPATCH}?ids={new_case.pk}"
    frd = new_case.category.responsible_agency
    assert f'name="agencies_{new_case.pk}" value="{district_office.pk}" checked' in html
    assert f'name="agencies_{new_case.pk}" value="{frd.pk}" checked' in html
    # The district office has a coordinator bound to LINE; FRD has nobody.
    suggested = html.split("agency-choices")[1].split("</ul>")[0]
    frd_row = suggested.split(frd.name_th)[1].split("</li>")[0]
    office_row = suggested.split(district_office.name_th)[1].split("</li>")[0]
    assert "ต้องประสานทางโทรศัพท์/วิทยุ" in frd_row
    assert "ต้องประสานทางโทรศัพท์/วิทยุ" not in office_row


def test_dispatch_page_computes_reachability_in_constant_queries(client, officer, new_case):
    client.force_login(officer)
    url = f"{DISPATCH}?ids={new_case.pk}"
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for i in range(15):
        CoordinatorFactory(agency=AgencyFactory(code=f"X{i}"))
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)


def test_dispatch_creates_assignments_and_warns_about_agencies_without_line(
    client, officer, new_case, district_office, coordinator
):
    frd = new_case.category.responsible_agency
    client.force_login(officer)
    response = client.post(
        f"{DISPATCH}?ids={new_case.pk}",
        {f"agencies_{new_case.pk}": [district_office.pk, frd.pk], "channel": "line", "note": ""},
        follow=True,
    )
    text = messages_of(response)
    assert f"ส่งต่อเรื่อง {new_case.reference} ให้" in text
    assert "สำนักป้องกันและบรรเทาสาธารณภัย ไม่มีผู้ประสานงานที่ติดต่อทาง LINE ได้ — ต้องประสานทางโทรศัพท์/วิทยุ" in text
    assert set(new_case.assignments.values_list("agency__code", flat=True)) == {district_office.code, "FRD"}
    new_case.refresh_from_db()
    assert new_case.status == Complaint.Status.DISPATCHED


def test_dispatch_by_radio_is_recorded_with_its_channel(client, officer, new_case, mea):
    client.force_login(officer)
    client.post(f"{DISPATCH}?ids={new_case.pk}", {f"agencies_{new_case.pk}": [mea.pk], "channel": "radio"})
    assert new_case.assignments.get().channel == Assignment.Channel.RADIO


def test_dispatch_twice_to_the_same_agency_shows_the_refusal(client, officer, new_case, district_office):
    workflow.dispatch(complaint=new_case, agencies=[district_office], by=officer)
    client.force_login(officer)
    response = client.post(
        f"{DISPATCH}?ids={new_case.pk}",
        {f"agencies_{new_case.pk}": [district_office.pk], "channel": "line"},
        follow=True,
    )
    assert f"เรื่อง {new_case.reference} ส่งต่อให้ {district_office.name_th} แล้ว" in messages_of(response)
    assert new_case.assignments.count() == 1


def test_dispatch_without_agencies_is_refused_with_a_message(client, officer, new_case):
    client.force_login(officer)
    response = client.post(f"{DISPATCH}?ids={new_case.pk}", {"channel": "line"}, follow=True)
    assert "กรุณาเลือกหน่วยงานอย่างน้อยหนึ่งหน่วยงาน" in messages_of(response)


def test_executive_cannot_dispatch(client, executive, new_case, district_office):
    client.force_login(executive)
    response = client.post(f"{DISPATCH}?ids={new_case.pk}", {f"agencies_{new_case.pk}": [district_office.pk]})
    assert response.status_code == 403
    assert not new_case.assignments.exists()


# --- close, reopen, cancel, duplicate --------------------------------------------------------------


def test_officer_closes_a_resolved_case(client, officer, best_category, district_office):
    complaint = resolved_case(best_category, district_office, officer)
    client.force_login(officer)
    response = act(client, "close_selected", complaint)
    assert "ปิดเรื่องแล้ว 1 เรื่อง" in messages_of(response)
    complaint.refresh_from_db()
    assert complaint.status == Complaint.Status.CLOSED


def test_closing_a_case_with_open_work_shows_the_workflow_refusal(client, officer, new_case, district_office):
    workflow.dispatch(complaint=new_case, agencies=[district_office], by=officer)
    client.force_login(officer)
    response = act(client, "close_selected", new_case)
    assert f"ยังปิดเรื่อง {new_case.reference} ไม่ได้" in messages_of(response)
    new_case.refresh_from_db()
    assert new_case.status == Complaint.Status.DISPATCHED


def test_close_from_the_case_page_returns_to_the_case(client, officer, best_category, district_office):
    complaint = resolved_case(best_category, district_office, officer)
    page = reverse("admin:complaints_complaint_change", args=[complaint.pk])
    client.force_login(officer)
    response = act(client, "close_selected", complaint, _next=page)
    assert response.redirect_chain[-1][0] == page


def test_supervisor_reopens_with_a_reason_after_an_intermediate_page(
    client, supervisor, best_category, district_office
):
    complaint = resolved_case(best_category, district_office, supervisor)
    workflow.close(complaint=complaint, by=supervisor)
    client.force_login(supervisor)
    ask = act(client, "reopen_selected", complaint)
    assert "เหตุผล" in ask.content.decode()
    complaint.refresh_from_db()
    assert complaint.status == Complaint.Status.CLOSED

    response = act(client, "reopen_selected", complaint, apply="1", reason="ผู้ร้องแจ้งว่ายังไม่เรียบร้อย")
    assert "เปิดเรื่องใหม่แล้ว 1 เรื่อง" in messages_of(response)
    complaint.refresh_from_db()
    assert complaint.status == Complaint.Status.IN_PROGRESS
    assert complaint.timeline.filter(kind="reopened", text="ผู้ร้องแจ้งว่ายังไม่เรียบร้อย").exists()


def test_reopen_without_a_reason_asks_again(client, supervisor, best_category, district_office):
    complaint = resolved_case(best_category, district_office, supervisor)
    client.force_login(supervisor)
    response = act(client, "reopen_selected", complaint, apply="1", reason="")
    assert "This field is required" in response.content.decode() or "จำเป็น" in response.content.decode()
    assert not complaint.timeline.filter(kind="reopened").exists()


def test_reopening_an_open_case_shows_the_refusal(client, supervisor, new_case):
    client.force_login(supervisor)
    response = act(client, "reopen_selected", new_case, apply="1", reason="ลองเปิด")
    assert f"เรื่อง {new_case.reference} ไม่มีงานที่แก้ไขเสร็จแล้วให้เปิดใหม่" in messages_of(response)


@pytest.mark.parametrize("action", ["reopen_selected", "cancel_selected", "mark_duplicate_selected"])
def test_officer_cannot_use_supervisor_actions(client, officer, new_case, action):
    client.force_login(officer)
    response = act(client, action, new_case, apply="1", reason="ไม่ต้องการแล้ว", original=new_case.reference)
    assert action not in response.content.decode()
    new_case.refresh_from_db()
    assert new_case.status == Complaint.Status.NEW
    assert not new_case.timeline.exclude(kind="received").exists()


def test_supervisor_cancels_a_case_and_open_work_is_called_off(client, supervisor, new_case, district_office):
    workflow.dispatch(complaint=new_case, agencies=[district_office], by=supervisor)
    client.force_login(supervisor)
    response = act(client, "cancel_selected", new_case, apply="1", reason="ผู้ร้องขอยกเลิก")
    assert "ยกเลิกแล้ว 1 เรื่อง" in messages_of(response)
    new_case.refresh_from_db()
    assert new_case.status == Complaint.Status.CANCELLED
    assert new_case.assignments.get().status == Assignment.Status.CANCELLED


def test_cancelling_a_closed_case_shows_the_refusal(client, supervisor, best_category, district_office):
    complaint = resolved_case(best_category, district_office, supervisor)
    workflow.close(complaint=complaint, by=supervisor)
    client.force_login(supervisor)
    response = act(client, "cancel_selected", complaint, apply="1", reason="x")
    assert f"ไม่สามารถยกเลิกเรื่อง {complaint.reference} ได้" in messages_of(response)


def test_supervisor_marks_a_duplicate_of_an_original_by_reference(client, supervisor, normal_category):
    original = make_complaint(category=normal_category)
    copy = make_complaint(category=normal_category)
    client.force_login(supervisor)
    response = act(client, "mark_duplicate_selected", copy, apply="1", original=original.reference)
    assert f"เรื่องเป็นเรื่องซ้ำของ {original.reference}" in messages_of(response)
    copy.refresh_from_db()
    assert copy.status == Complaint.Status.DUPLICATE and copy.duplicate_of == original


def test_duplicate_of_an_unknown_reference_is_refused(client, supervisor, normal_category):
    copy = make_complaint(category=normal_category)
    client.force_login(supervisor)
    response = act(client, "mark_duplicate_selected", copy, apply="1", original="2569-999999")
    assert "ไม่พบเรื่องเลขที่ 2569-999999" in response.content.decode()
    copy.refresh_from_db()
    assert copy.status == Complaint.Status.NEW


def test_duplicate_of_itself_shows_the_refusal(client, supervisor, normal_category):
    copy = make_complaint(category=normal_category)
    client.force_login(supervisor)
    response = act(client, "mark_duplicate_selected", copy, apply="1", original=copy.reference)
    assert "เรื่องซ้ำกับตัวเองไม่ได้" in messages_of(response)


# --- one assignment: acknowledgement by phone, reject and re-route ------------------------------


def _ack_url(a):
    return reverse("admin:complaints_complaint_acknowledge", args=[a.complaint_id, a.pk])


def _reroute_url(a):
    return reverse("admin:complaints_complaint_reroute", args=[a.complaint_id, a.pk])


def test_officer_records_an_acknowledgement_taken_by_phone(client, officer, new_case, district_office):
    [a] = workflow.dispatch(complaint=new_case, agencies=[district_office], by=officer, channel="phone")
    client.force_login(officer)
    assert client.get(_ack_url(a)).status_code == 200
    response = client.post(_ack_url(a), {"name": "นายช่างสมพงษ์"}, follow=True)
    assert f"บันทึกว่า {district_office.name_th} รับเรื่องแล้ว" in messages_of(response)
    a.refresh_from_db()
    assert a.status == Assignment.Status.ACKNOWLEDGED and a.acknowledged_by_name == "นายช่างสมพงษ์"


def test_second_acknowledgement_by_phone_shows_who_was_first(client, officer, new_case, district_office):
    [a] = workflow.dispatch(complaint=new_case, agencies=[district_office], by=officer, channel="phone")
    workflow.acknowledge(assignment=a, by=officer, name="คนแรก")
    client.force_login(officer)
    response = client.post(_ack_url(a), {"name": "คนที่สอง"}, follow=True)
    assert "รับเรื่องแล้วโดย คนแรก" in messages_of(response)


def test_officer_rejects_for_the_agency_and_reroutes(client, officer, new_case, district_office, mea):
    [a] = workflow.dispatch(complaint=new_case, agencies=[district_office], by=officer, channel="radio")
    client.force_login(officer)
    response = client.post(
        _reroute_url(a), {"reason": "เสาเป็นของการไฟฟ้า", "to_agency": mea.pk, "channel": "phone"}, follow=True
    )
    assert "ส่งต่อเรื่องใหม่ให้ การไฟฟ้านครหลวง แล้ว" in messages_of(response)
    a.refresh_from_db()
    assert a.status == Assignment.Status.REJECTED and a.reject_reason == "เสาเป็นของการไฟฟ้า"
    assert a.rerouted_to.agency == mea and a.rerouted_to.channel == "phone"


def test_rerouting_resolved_work_shows_the_refusal_and_keeps_it(client, officer, best_category, district_office, mea):
    complaint = resolved_case(best_category, district_office, officer)
    a = complaint.assignments.get()
    client.force_login(officer)
    response = client.post(_reroute_url(a), {"reason": "ผิดหน่วย", "to_agency": mea.pk, "channel": "line"}, follow=True)
    assert "ไม่สามารถส่งต่อหน่วยงานใหม่ได้" in messages_of(response)
    a.refresh_from_db()
    assert a.status == Assignment.Status.RESOLVED and a.reject_reason == ""


def test_executive_cannot_touch_assignments(client, executive, new_case, district_office):
    [a] = workflow.dispatch(complaint=new_case, agencies=[district_office], by=None)
    client.force_login(executive)
    assert client.post(_ack_url(a), {"name": "x"}).status_code == 403
    assert client.post(_reroute_url(a), {"reason": "x", "to_agency": district_office.pk}).status_code == 403
    a.refresh_from_db()
    assert a.status == Assignment.Status.DISPATCHED


def test_anonymous_is_sent_to_login_from_console_pages(client, new_case):
    response = client.get(f"{DISPATCH}?ids={new_case.pk}")
    assert response.status_code == 302 and reverse("admin:login") in response["Location"]


def test_actions_offered_follow_the_role(client, officer, supervisor, new_case):
    client.force_login(officer)
    officer_page = client.get(LIST).content.decode()
    client.force_login(supervisor)
    supervisor_page = client.get(LIST).content.decode()
    for action in ("dispatch_selected", "close_selected"):
        assert f'value="{action}"' in officer_page and f'value="{action}"' in supervisor_page
    for action in ("reopen_selected", "cancel_selected", "mark_duplicate_selected"):
        assert f'value="{action}"' not in officer_page and f'value="{action}"' in supervisor_page


def test_dispatch_page_starts_from_radio_when_no_suggested_agency_reads_line(client, officer, new_case):
    client.force_login(officer)
    html = client.get(f"{DISPATCH}?ids={new_case.pk}").content.decode()
    assert '<option value="radio" selected>' in html


def test_dispatch_page_starts_from_line_when_a_suggested_agency_reads_line(client, officer, new_case, coordinator):
    client.force_login(officer)
    html = client.get(f"{DISPATCH}?ids={new_case.pk}").content.decode()
    assert '<option value="line" selected>' in html
