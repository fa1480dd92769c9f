"""Agency, coordinator and geography admins through the test client."""

import pytest
from django.urls import reverse
from django.utils import timezone

from agencies.models import Agency, District
from testing.factories import AgencyFactory, CoordinatorFactory, DistrictFactory

pytestmark = pytest.mark.django_db
AGENCIES = reverse("admin:agencies_agency_changelist")


def test_agency_list_flags_agencies_without_a_reachable_coordinator(client, officer):
    reachable = AgencyFactory(code="PWD", name_th="สำนักการโยธา")
    CoordinatorFactory(agency=reachable)
    blocked = AgencyFactory(code="MWA", name_th="การประปานครหลวง")
    CoordinatorFactory(agency=blocked, line_unreachable_at=timezone.now())
    unbound = AgencyFactory(code="MEA", name_th="การไฟฟ้านครหลวง")
    CoordinatorFactory(agency=unbound, line_user_id=None)
    group = AgencyFactory(code="DDS", name_th="สำนักการระบายน้ำ", line_group_id="C" + "a" * 32)
    client.force_login(officer)

    flagged = client.get(AGENCIES, {"line": "no"}).content.decode()
    ok = client.get(AGENCIES, {"line": "yes"}).content.decode()

    assert "ต้องประสานทางโทรศัพท์/วิทยุ" in flagged
    for agency in (blocked, unbound):
        assert agency.name_th in flagged and agency.name_th not in ok
    for agency in (reachable, group):
        assert agency.name_th in ok and agency.name_th not in flagged


def test_agency_search_and_kind_filter(client, officer):
    AgencyFactory(code="PWD", name_th="สำนักการโยธา", kind=Agency.Kind.DEPARTMENT)
    AgencyFactory(code="MEA", name_th="การไฟฟ้านครหลวง", kind=Agency.Kind.EXTERNAL)
    client.force_login(officer)
    assert "การไฟฟ้านครหลวง" not in client.get(AGENCIES, {"q": "โยธา"}).content.decode()
    assert "สำนักการโยธา" not in client.get(AGENCIES, {"kind__exact": "external"}).content.decode()


def test_officer_reads_agencies_supervisor_edits_them(client, officer, supervisor):
    agency = AgencyFactory(code="PWD")
    url = reverse("admin:agencies_agency_change", args=[agency.pk])
    client.force_login(officer)
    assert client.post(url, {"code": "PWD", "kind": "department", "name_th": "ใหม่"}).status_code == 403
    client.force_login(supervisor)
    assert client.get(url).status_code == 200
    assert client.get(reverse("admin:agencies_coordinator_add")).status_code == 200


def test_agency_autocomplete_serves_the_coordinator_form(client, supervisor):
    AgencyFactory(code="PWD", name_th="สำนักการโยธา")
    client.force_login(supervisor)
    response = client.get(
        reverse("admin:autocomplete"),
        {"term": "โยธา", "app_label": "agencies", "model_name": "coordinator", "field_name": "agency"},
    )
    assert [r["text"] for r in response.json()["results"]] == ["สำนักการโยธา"]


def test_geography_is_read_only_even_for_supervisors(client, supervisor):
    district = DistrictFactory()
    client.force_login(supervisor)
    assert client.get(reverse("admin:agencies_district_changelist")).status_code == 200
    assert client.get(reverse("admin:agencies_district_add")).status_code == 403
    response = client.post(reverse("admin:agencies_district_change", args=[district.pk]), {"name_th": "เปลี่ยน"})
    assert response.status_code == 403
    assert District.objects.get().name_th == district.name_th


def test_executive_sees_no_agency_admin(client, executive):
    client.force_login(executive)
    assert client.get(AGENCIES).status_code == 403
