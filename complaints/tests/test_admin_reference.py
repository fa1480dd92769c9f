"""Categories and SLA, closure days, and what nobody may edit; admin login rate limit."""

import pytest
from django.urls import reverse

from complaints.models import Category

pytestmark = pytest.mark.django_db


def _category_form(category, **changes):
    data = {
        "code": category.code,
        "name_th": category.name_th,
        "name_en": category.name_en,
        "priority": category.priority,
        "is_active": "on",
        "sla_ack_minutes": category.sla_ack_minutes,
        "sla_resolve_hours": category.sla_resolve_hours or "",
        "sla_make_safe_hours": category.sla_make_safe_hours or "",
        "reminder_offsets_minutes": "[]",
    }
    data.update(changes)
    return data


def test_supervisor_edits_sla_values(client, supervisor, normal_category):
    client.force_login(supervisor)
    url = reverse("admin:complaints_category_change", args=[normal_category.pk])
    response = client.post(url, _category_form(normal_category, sla_ack_minutes=30, sla_resolve_hours=24))
    assert response.status_code == 302, response.content.decode()[:2000]
    normal_category.refresh_from_db()
    assert (normal_category.sla_ack_minutes, normal_category.sla_resolve_hours) == (30, 24)


def test_officer_may_read_but_not_edit_sla_values(client, officer, normal_category):
    client.force_login(officer)
    url = reverse("admin:complaints_category_change", args=[normal_category.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, _category_form(normal_category, sla_ack_minutes=1)).status_code == 403
    assert Category.objects.get(pk=normal_category.pk).sla_ack_minutes == 60


def test_supervisor_adds_a_closure_day(client, supervisor):
    client.force_login(supervisor)
    response = client.post(reverse("admin:complaints_closureday_add"), {"date": "2026-12-31", "reason": "วันหยุดพิเศษ"})
    assert response.status_code == 302


@pytest.mark.parametrize("model", ["timelineentry", "assignment", "photo"])
def test_timeline_assignments_and_photos_have_no_admin_of_their_own(client, supervisor, model):
    client.force_login(supervisor)
    assert client.get(f"/admin/complaints/{model}/").status_code == 404


def test_reminders_are_read_only_for_everyone(client, supervisor):
    supervisor.is_superuser = True
    supervisor.save()
    client.force_login(supervisor)
    assert client.get(reverse("admin:complaints_reminder_changelist")).status_code == 200
    assert client.get("/admin/complaints/reminder/add/").status_code == 403


def test_admin_login_locks_out_after_repeated_failures(client, settings, officer):
    settings.AXES_FAILURE_LIMIT = 3
    login = reverse("admin:login")
    for _ in range(3):
        client.post(login, {"username": "officer", "password": "wrong", "next": "/admin/"})
    response = client.post(login, {"username": "officer", "password": "pw-1555-test", "next": "/admin/"})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_admin_login_works_before_the_limit(client, officer):
    login = reverse("admin:login")
    client.post(login, {"username": "officer", "password": "wrong", "next": "/admin/"})
    response = client.post(login, {"username": "officer", "password": "pw-1555-test", "next": "/admin/"})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(officer.pk)
