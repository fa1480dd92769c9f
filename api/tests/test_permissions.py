"""Who may do what through the API: the admin roles, by token and by session."""

import pytest
from django.contrib.auth.models import Permission
from rest_framework.authtoken.models import Token

from testing.factories import make_user

from .conftest import client_for

LIST = "/api/v1/complaints/"


def test_no_credentials_is_a_401_with_the_token_challenge(anon, case):
    response = anon.get(LIST)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert response.json()["error"]["code"] == "not_authenticated"
    assert response.json()["error"]["th"]


def test_a_wrong_token_is_a_401(anon, case):
    anon.credentials(HTTP_AUTHORIZATION="Token " + "0" * 40)
    response = anon.get(LIST)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "authentication_failed"


def test_a_deactivated_users_token_stops_working(mis_user, mis_api, case):
    mis_user.is_active = False
    mis_user.save()
    assert mis_api.get(LIST).status_code == 401


def test_officer_reads_cases_by_token_and_by_session(officer, case):
    assert client_for(officer).get(LIST).status_code == 200
    assert client_for(officer, token=False).get(LIST).status_code == 200


def test_session_writes_need_the_csrf_token(officer, case):
    from rest_framework.test import APIClient

    client = APIClient(enforce_csrf_checks=True)
    client.force_login(officer)
    response = client.post(f"/api/v1/complaints/{case.pk}/notes/", {"text": "x"}, format="json")
    assert response.status_code == 403


def test_executive_sees_no_cases(executive_api, case):
    assert executive_api.get(LIST).status_code == 403
    assert executive_api.get(f"/api/v1/complaints/{case.pk}/").status_code == 403
    body = executive_api.get(LIST).json()
    assert body["error"]["code"] == "permission_denied" and body["error"]["en"]


def test_a_user_without_a_role_can_do_nothing(db, case):
    api = client_for(make_user("nobody"))
    assert api.get(LIST).status_code == 403
    assert api.get("/api/v1/agencies/").status_code == 403
    assert api.post(LIST, {"description": "x"}, format="json").status_code == 403


def test_a_read_only_system_token_cannot_create(db, case, best_category):
    reader = make_user("dashboard")
    reader.user_permissions.add(Permission.objects.get(codename="view_complaint"))
    api = client_for(reader)
    assert api.get(LIST).status_code == 200
    response = api.post(LIST, {"category": best_category.code, "description": "x"}, format="json")
    assert response.status_code == 403


@pytest.mark.parametrize(
    "action,data",
    [("reopen", {"reason": "x"}), ("cancel", {"reason": "x"}), ("mark-duplicate", {"of": "2569-000001"})],
)
def test_officer_may_not_reopen_cancel_or_mark_duplicates(officer_api, case, action, data):
    response = officer_api.post(f"/api/v1/complaints/{case.pk}/{action}/", data, format="json")
    assert response.status_code == 403


@pytest.mark.parametrize("action", ["reopen", "cancel"])
def test_supervisor_may_reopen_and_cancel(supervisor_api, case, action):
    response = supervisor_api.post(f"/api/v1/complaints/{case.pk}/{action}/", {"reason": "x"}, format="json")
    assert response.status_code != 403


def test_dispatch_needs_the_dispatch_permission(db, case, district_office):
    viewer = make_user("viewer")
    viewer.user_permissions.add(Permission.objects.get(codename="view_complaint"))
    response = client_for(viewer).post(
        f"/api/v1/complaints/{case.pk}/dispatch/", {"agencies": [district_office.code]}, format="json"
    )
    assert response.status_code == 403


def test_officer_may_not_verify_without_the_permission_but_may_acknowledge(officer, dispatched):
    officer.groups.clear()
    for codename in ("view_assignment", "change_assignment"):
        officer.user_permissions.add(Permission.objects.get(codename=codename))
    api = client_for(officer)
    assert api.post(f"/api/v1/assignments/{dispatched.pk}/verify/", {}, format="json").status_code == 403
    assert api.post(f"/api/v1/assignments/{dispatched.pk}/acknowledge/", {}, format="json").status_code == 200


def test_the_token_identifies_the_actor_in_the_timeline(mis_api, case):
    response = mis_api.post(f"/api/v1/complaints/{case.pk}/notes/", {"text": "จาก MIS"}, format="json")
    assert response.json()["timeline"][-1]["actor"] == "Mis-System"
    assert Token.objects.filter(user__username="mis-system").count() == 1


# --- complainants' personal data ---------------------------------------------------


def test_officer_sees_the_complainants_name_and_phone(officer_api, case):
    data = officer_api.get(f"/api/v1/complaints/{case.pk}/").json()
    assert data["complainant_name"] == "สมชาย ใจดี"
    assert data["complainant_phone"] == "0812345678"


def test_without_the_pii_permission_name_and_phone_are_masked(db, case):
    reader = make_user("dashboard")
    reader.user_permissions.add(Permission.objects.get(codename="view_complaint"))
    api = client_for(reader)
    for data in (api.get(f"/api/v1/complaints/{case.pk}/").json(), api.get(LIST).json()["results"][0]):
        assert data["complainant_name"] == "ส*** ใ***"
        assert data["complainant_phone"] == "08x-xxx-5678"
    assert b"0812345678" not in api.get(LIST).content
    assert "สมชาย".encode() not in api.get(f"/api/v1/complaints/{case.pk}/").content


# --- reference data ----------------------------------------------------------------


def test_everyone_with_a_staff_role_reads_reference_data(officer_api, reference_data):
    for url in (
        "/api/v1/agencies/",
        "/api/v1/categories/",
        "/api/v1/districts/",
        "/api/v1/subdistricts/",
        "/api/v1/zones/",
    ):
        response = officer_api.get(url)
        assert response.status_code == 200, url
        assert response.json()["count"] > 0, url


def test_categories_carry_their_sla(officer_api, best_category):
    data = officer_api.get(f"/api/v1/categories/{best_category.code}/").json()
    assert data["sla_ack_minutes"] == 15 and data["sla_make_safe_hours"] == 2 and data["sla_resolve_hours"] == 24


def test_officer_may_not_change_an_sla_but_a_supervisor_may(officer_api, supervisor_api, best_category):
    url = f"/api/v1/categories/{best_category.code}/"
    assert officer_api.patch(url, {"sla_ack_minutes": 5}, format="json").status_code == 403
    response = supervisor_api.patch(url, {"sla_ack_minutes": 10}, format="json")
    assert response.status_code == 200
    assert response.json()["sla_ack_minutes"] == 10


def test_an_impossible_sla_is_a_400(supervisor_api, best_category):
    response = supervisor_api.patch(f"/api/v1/categories/{best_category.code}/", {"sla_ack_minutes": 0}, format="json")
    assert response.status_code == 400


def test_supervisor_creates_and_edits_agencies_officer_may_not(officer_api, supervisor_api):
    body = {"code": "MWA", "kind": "external", "name_th": "การประปานครหลวง", "name_en": "MWA"}
    assert officer_api.post("/api/v1/agencies/", body, format="json").status_code == 403
    assert supervisor_api.post("/api/v1/agencies/", body, format="json").status_code == 201
    assert supervisor_api.patch("/api/v1/agencies/MWA/", {"hotline": "1125"}, format="json").json()["hotline"] == "1125"
    assert supervisor_api.delete("/api/v1/agencies/MWA/").status_code == 405


def test_districts_are_read_only_even_for_supervisors(supervisor_api, reference_data):
    assert supervisor_api.patch("/api/v1/districts/1001/", {"name_th": "x"}, format="json").status_code == 405


def test_line_ids_of_coordinators_only_for_supervisors(officer_api, supervisor_api, coordinator):
    url = f"/api/v1/coordinators/{coordinator.pk}/"
    assert officer_api.get(url).json()["line_user_id"] is None
    assert supervisor_api.get(url).json()["line_user_id"] == coordinator.line_user_id
    assert coordinator.line_user_id.encode() not in officer_api.get("/api/v1/coordinators/").content


def test_supervisor_adds_a_coordinator_but_cannot_set_a_line_id(supervisor_api, officer_api, district_office):
    body = {"agency": district_office.code, "name": "ใหม่ ใจดี", "line_user_id": "U" + "f" * 32}
    assert officer_api.post("/api/v1/coordinators/", body, format="json").status_code == 403
    response = supervisor_api.post("/api/v1/coordinators/", body, format="json")
    assert response.status_code == 201
    assert response.json()["line_user_id"] is None


# --- the public case page's address: the complainant's secret ----------------------


def test_a_caller_who_sees_personal_data_gets_the_public_page_address(officer, case, settings):
    settings.PUBLIC_BASE_URL = "https://1555.bangkok.go.th/"
    assert case.public_token
    expected = f"https://1555.bangkok.go.th/c/{case.reference}/{case.public_token}/"
    for api in (client_for(officer), client_for(officer, token=False)):  # token and session users alike
        assert api.get(f"/api/v1/complaints/{case.pk}/").json()["public_url"] == expected
        assert api.get(LIST).json()["results"][0]["public_url"] == expected


def test_without_the_pii_permission_the_public_page_address_is_null(db, case):
    reader = make_user("dashboard")
    reader.user_permissions.add(Permission.objects.get(codename="view_complaint"))
    api = client_for(reader)
    assert api.get(f"/api/v1/complaints/{case.pk}/").json()["public_url"] is None
    assert api.get(LIST).json()["results"][0]["public_url"] is None
    assert case.public_token.encode() not in api.get(LIST).content


def test_a_revoked_public_page_has_no_address(officer_api, case):
    case.public_token = ""
    case.save(update_fields=["public_token"])
    assert officer_api.get(f"/api/v1/complaints/{case.pk}/").json()["public_url"] is None


def test_the_schema_documents_public_url_as_a_nullable_uri(anon, db):
    spec = anon.get("/api/schema/", {"format": "json"}).json()
    field = spec["components"]["schemas"]["Complaint"]["properties"]["public_url"]
    assert field["format"] == "uri" and field["nullable"] is True and "view_complainant_pii" in field["description"]
