import pytest

from agencies.models import Agency, District, Subdistrict, Zone
from complaints.models import Category
from complaints.reference_data import load_all

pytestmark = pytest.mark.django_db


def snapshot():
    return (
        list(Zone.objects.values_list("code", "name_th").order_by("code")),
        list(District.objects.values_list("code", "name_th", "zone__code", "lat").order_by("code")),
        list(Subdistrict.objects.values_list("code", "district__code").order_by("code")),
        list(Agency.objects.values_list("code", "kind", "name_th").order_by("code")),
        list(Category.objects.values_list("code", "is_best", "sla_ack_minutes").order_by("code")),
    )


def test_reference_data_loaded_twice_gives_the_same_rows():
    load_all()
    first = snapshot()
    load_all()
    assert snapshot() == first


def test_reference_data_has_bangkok_geography_agencies_and_categories():
    load_all()
    assert District.objects.count() == 50
    assert Subdistrict.objects.count() == 180
    assert Zone.objects.count() == 6
    assert District.objects.get(code="1001").name_th == "เขตพระนคร"
    assert District.objects.get(code="1045").zone.code == "01"  # วังทองหลาง, กรุงเทพกลาง
    assert Agency.objects.filter(kind=Agency.Kind.DISTRICT_OFFICE).count() == 50
    assert Agency.objects.get(code="DO1001").district.code == "1001"
    assert Agency.objects.get(code="MEA").kind == Agency.Kind.EXTERNAL
    assert Category.objects.filter(is_best=True).count() == 8
    oil = Category.objects.get(code="OIL_SPILL")
    assert oil.responsible_agency.code == "FRD" and oil.escalate_to_district_office
    assert set(oil.escalation_agencies.values_list("code", flat=True)) == {"RTP_TRAFFIC", "CLE"}
    assert Category.objects.get(code="GARBAGE").sla_make_safe_hours is None


def test_reload_keeps_a_supervisors_sla_edit_unless_overwritten():
    load_all()
    Category.objects.filter(code="FALLEN_TREE").update(sla_ack_minutes=5)
    load_all()
    assert Category.objects.get(code="FALLEN_TREE").sla_ack_minutes == 5
    load_all(overwrite_sla=True)
    assert Category.objects.get(code="FALLEN_TREE").sla_ack_minutes == 15
