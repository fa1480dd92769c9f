"""The intake map's server side: the polygons it draws and "which district and khwaeng is this
point in", the same answer the intake check gives (agencies/geo.py), for the add and the
change form."""

import json

import pytest
from django.urls import reverse

from agencies import geo
from agencies.models import District
from testing.factories import DistrictFactory, SubdistrictFactory, make_complaint

pytestmark = pytest.mark.django_db

LOCATE = "admin:complaints_complaint_locate"


@pytest.fixture
def pathum_wan(db):
    district = District.objects.filter(code="1007").first() or DistrictFactory(
        code="1007", name_th="เขตปทุมวัน", lat="13.74420", lng="100.52310"
    )
    SubdistrictFactory(district=district, code="100701", name_th="รองเมือง")
    SubdistrictFactory(district=district, code="100704", name_th="ลุมพินี")
    return district


def test_locate_answers_the_district_and_its_khwaeng(client, officer, pathum_wan):
    client.force_login(officer)
    answer = client.get(reverse(LOCATE), {"lat": "13.73", "lng": "100.54"}).json()
    assert answer["district"] == {"id": pathum_wan.pk, "text": "เขตปทุมวัน"}
    lumphini = pathum_wan.subdistricts.get(code="100704")
    assert answer["subdistrict"] == {"id": lumphini.pk, "text": "ลุมพินี"}  # Lumphini Park's corner
    assert [k["text"] for k in answer["subdistricts"]] == ["รองเมือง", "ลุมพินี"]
    assert geo.district_code_at(13.73, 100.54) == "1007"  # the intake check's own answer


def test_locate_outside_bangkok_says_so_in_thai(client, officer, pathum_wan):
    client.force_login(officer)
    answer = client.get(reverse(LOCATE), {"lat": "14.5", "lng": "100.5"}).json()
    assert "district" not in answer and "นอกเขตกรุงเทพมหานคร" in answer["outside"]
    assert client.get(reverse(LOCATE), {"lat": "abc", "lng": "1"}).status_code == 400


def test_the_polygons_are_served_to_the_console(client, officer):
    client.force_login(officer)
    response = client.get(reverse("admin:complaints_complaint_geojson"))
    assert response.status_code == 200 and response["Content-Type"] == "application/geo+json"
    assert len(json.loads(response.content)["features"]) == 50
    assert "max-age=86400" in response["Cache-Control"]


def test_an_executive_who_cannot_record_cases_gets_no_map(client, executive):
    client.force_login(executive)
    assert client.get(reverse(LOCATE), {"lat": "13.73", "lng": "100.54"}).status_code == 403


@pytest.mark.parametrize("page", ["add", "change"])
def test_add_and_change_forms_carry_the_map(client, officer, pathum_wan, page):
    client.force_login(officer)
    if page == "add":
        url = reverse("admin:complaints_complaint_add")
    else:
        # the correction form the case page's "แก้ไขรายละเอียด" opens
        url = reverse("admin:complaints_complaint_change", args=[make_complaint(district=pathum_wan).pk]) + "?edit=1"
    html = client.get(url).content.decode()
    assert 'id="intake-map"' in html and "admin-console/intake-map.js" in html and "vendor/leaflet/leaflet.js" in html
    assert "unpkg.com" not in html and "cdn" not in html.lower()
    start = html.index('id="intake-map-data"')
    data = json.loads(html[html.index(">", start) + 1 : html.index("</script>", start)])
    assert data["districts"][str(pathum_wan.pk)] == [13.7442, 100.5231]
    assert data["locate"] == reverse(LOCATE)


# --- the khwaeng from the point ---------------------------------------------------------------


def _codes(district: str) -> list[str]:
    """The district's khwaeng today, from the same package load_reference reads."""
    import geothai

    return [s.code for s in geothai.subdistricts(district)]


@pytest.mark.parametrize(
    ("lat", "lng", "district", "khwaeng"),
    [
        (13.7307, 100.5418, "1007", "100704"),  # Lumphini Park → ลุมพินี, เขตปทุมวัน
        (13.7460, 100.5340, "1007", "100703"),  # Siam → ปทุมวัน
        (13.7563, 100.5018, "1001", "100107"),  # Democracy Monument → บวรนิเวศ, เขตพระนคร
    ],
)
def test_the_khwaeng_of_a_point_where_the_layer_is_certain(lat, lng, district, khwaeng):
    assert geo.district_code_at(lat, lng) == district
    assert geo.subdistrict_code_at(lat, lng, district, _codes(district)) == khwaeng


@pytest.mark.parametrize(
    ("lat", "lng", "district"),
    [
        (13.7800, 100.5400, "1014"),  # เขตพญาไท: แขวงพญาไท was split off after the layer (2019)
        (13.6600, 100.6100, "1047"),  # เขตบางนา: its khwaeng are newer than the layer
    ],
)
def test_no_khwaeng_is_guessed_where_the_layer_predates_a_split(lat, lng, district):
    codes = _codes(district)
    assert len(codes) >= 2 and not set(codes) <= geo.khwaeng_codes_with_polygons()
    assert geo.district_code_at(lat, lng) == district
    assert geo.subdistrict_code_at(lat, lng, district, codes) is None


def test_intake_fills_the_khwaeng_from_the_point_and_keeps_one_the_officer_chose(pathum_wan):
    from decimal import Decimal

    from complaints import workflow
    from testing.factories import CategoryFactory

    case = workflow.receive(
        category=CategoryFactory(), description="x", lat=Decimal("13.7307"), lng=Decimal("100.5418")
    )
    assert (case.district, case.subdistrict.code) == (pathum_wan, "100704")
    chosen = pathum_wan.subdistricts.get(code="100701")
    case = workflow.receive(
        category=CategoryFactory(),
        description="x",
        district=pathum_wan,
        subdistrict=chosen,
        lat=Decimal("13.7307"),
        lng=Decimal("100.5418"),
    )
    assert case.subdistrict == chosen  # the officer's choice stands


def test_a_corrected_point_fills_a_missing_khwaeng(pathum_wan, officer):
    from decimal import Decimal

    from complaints import workflow

    case = make_complaint(district=pathum_wan, lat=None, lng=None)
    assert case.subdistrict is None
    workflow.edit_details(complaint=case, by=officer, changes={"lat": Decimal("13.7307"), "lng": Decimal("100.5418")})
    case.refresh_from_db()
    assert case.subdistrict.code == "100704"
