"""Every read of a complainant's unmasked name or phone, and every PII search, is on record;
the record is append-only, supervisors read and export it."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from privacy.models import AppendOnlyError, PIIAccess
from testing.factories import make_complaint, make_user


@pytest.fixture
def case(db):
    return make_complaint(complainant_name="สมชาย ใจดี", complainant_phone="0812345678")


def test_the_case_page_is_recorded_for_a_pii_reader(client, officer, case):
    client.force_login(officer)
    assert client.get(reverse("admin:complaints_complaint_change", args=[case.pk])).status_code == 200
    [entry] = PIIAccess.objects.all()
    assert (entry.username, entry.action, entry.channel, entry.reference) == (
        "officer",
        "view",
        "admin",
        case.reference,
    )
    assert entry.ip_address == "127.0.0.1" and entry.path.startswith("/admin/")


def test_a_phone_search_and_a_phone_filter_are_recorded(client, officer, case):
    client.force_login(officer)
    client.get(reverse("admin:complaints_complaint_changelist"), {"q": "0812"})
    client.get(reverse("admin:complaints_complaint_changelist"), {"complainant_phone__startswith": "08"})
    assert list(PIIAccess.objects.order_by("id").values_list("action", "query")) == [
        ("search", "0812"),
        ("search", "complainant_phone__startswith=08"),
    ]


def test_a_role_without_the_pii_permission_cannot_filter_by_phone_or_name(client, case):
    reader = make_user("reader")
    reader.is_staff = True
    reader.save()
    reader.user_permissions.add(Permission.objects.get(codename="view_complaint"))
    client.force_login(reader)
    url = reverse("admin:complaints_complaint_changelist")
    assert client.get(url).status_code == 200
    for lookup in ("complainant_phone__startswith", "complainant_name__icontains", "complainant_phone"):
        assert client.get(url, {lookup: "08"}).status_code == 400, lookup
    assert not PIIAccess.objects.exists()


def test_the_api_detail_is_recorded(officer, case):
    from api.tests.conftest import client_for

    api = client_for(officer)
    response = api.get(f"/api/v1/complaints/{case.pk}/", HTTP_USER_AGENT="MIS/1.0")
    assert response.status_code == 200 and response.json()["complainant_phone"] == "0812345678"
    [entry] = PIIAccess.objects.all()
    assert (entry.channel, entry.action, entry.complaint_id, entry.user_agent) == ("api", "view", case.pk, "MIS/1.0")


def test_the_log_is_append_only(officer, case, rf):
    from privacy.access import record

    request = rf.get("/")
    request.user = officer
    entry = record(request, action="view", channel="admin", complaint=case)
    entry.query = "changed"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        PIIAccess.objects.all().delete()
    with pytest.raises(AppendOnlyError):
        PIIAccess.objects.update(query="x")


@pytest.mark.postgres
def test_postgresql_refuses_updates_and_deletes_too(officer, case, rf):
    from django.db import DatabaseError, connection, transaction

    from privacy.access import record

    request = rf.get("/")
    request.user = officer
    record(request, action="view", channel="admin", complaint=case)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM privacy_piiaccess")


def test_supervisors_read_and_export_the_log_officers_do_not(client, officer, supervisor, case):
    client.force_login(officer)
    client.get(reverse("admin:complaints_complaint_change", args=[case.pk]))
    assert client.get(reverse("admin:privacy_piiaccess_changelist")).status_code == 403
    client.force_login(supervisor)
    assert client.get(reverse("admin:privacy_piiaccess_changelist")).status_code == 200
    response = client.get(reverse("admin:privacy_piiaccess_export"))
    body = response.content.decode("utf-8-sig")
    assert response.status_code == 200 and "officer" in body and case.reference in body
    assert client.get(reverse("admin:privacy_piiaccess_change", args=[PIIAccess.objects.first().pk])).status_code in (
        200,
        403,
    )
    assert (
        client.post(reverse("admin:privacy_piiaccess_delete", args=[PIIAccess.objects.first().pk])).status_code == 403
    )


def test_executives_never_see_the_log(client, executive, db):
    client.force_login(executive)
    assert client.get(reverse("admin:privacy_piiaccess_changelist")).status_code == 403


def test_a_console_list_page_with_names_and_phones_is_one_row(client, officer, case):
    client.force_login(officer)
    client.get(reverse("admin:complaints_complaint_changelist"), {"status__exact": "new"})
    [entry] = PIIAccess.objects.all()
    assert (entry.action, entry.channel, entry.complaint_id) == ("view", "admin", None)
    assert entry.query.startswith("รายการ status__exact=new")


def test_an_api_list_page_is_one_row_and_masked_readers_leave_none(officer, case, db):
    from api.tests.conftest import client_for
    from bkk1555.roles import OFFICER

    assert client_for(officer).get("/api/v1/complaints/").status_code == 200
    [entry] = PIIAccess.objects.all()
    assert entry.channel == "api" and entry.query == f"รายการ 1: {case.reference} … {case.reference}"
    masked = make_user("masked-reader", OFFICER)
    masked.groups.clear()
    masked.user_permissions.add(Permission.objects.get(codename="view_complaint"))
    response = client_for(masked).get("/api/v1/complaints/")
    assert response.status_code == 200 and response.json()["results"][0]["complainant_phone"] != "0812345678"
    assert PIIAccess.objects.count() == 1
