"""factory-boy factories for tests and benchmarks. Cases are made through the workflow."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factory
from django.contrib.auth.models import Group, User
from django.utils import timezone

from agencies.models import Agency, Coordinator, District, Subdistrict, Zone
from complaints import workflow
from complaints.models import Category, Complaint


class ZoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Zone
        django_get_or_create = ("code",)

    code = "01"
    name_th = "กลุ่มเขตกรุงเทพกลาง"
    name_en = "Central Bangkok"


class DistrictFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = District
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"{1001 + n % 50}")
    name_th = factory.LazyAttribute(lambda o: f"เขตทดสอบ{o.code}")
    name_en = factory.LazyAttribute(lambda o: f"Test {o.code}")
    zone = factory.SubFactory(ZoneFactory)
    lat = Decimal("13.75540")
    lng = Decimal("100.49837")


class SubdistrictFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Subdistrict
        django_get_or_create = ("code",)

    district = factory.SubFactory(DistrictFactory)
    code = factory.LazyAttribute(lambda o: f"{o.district.code}01")
    name_th = "แขวงทดสอบ"
    name_en = "Test khwaeng"


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"AG{n:03d}")
    kind = Agency.Kind.DEPARTMENT
    name_th = factory.LazyAttribute(lambda o: f"หน่วยงาน {o.code}")
    name_en = factory.LazyAttribute(lambda o: f"Agency {o.code}")
    abbr_th = factory.LazyAttribute(lambda o: o.code)


class DistrictOfficeFactory(AgencyFactory):
    district = factory.SubFactory(DistrictFactory)
    kind = Agency.Kind.DISTRICT_OFFICE
    code = factory.LazyAttribute(lambda o: f"DO{o.district.code}")
    name_th = factory.LazyAttribute(lambda o: f"สำนักงานเขต{o.district.name_th.removeprefix('เขต')}")


class CoordinatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Coordinator

    agency = factory.SubFactory(AgencyFactory)
    name = factory.Sequence(lambda n: f"ผู้ประสาน {n}")
    position = "นายช่างโยธา"
    phone = factory.Sequence(lambda n: f"081{n:07d}")
    line_user_id = factory.Sequence(lambda n: f"U{n:032x}")
    line_display_name = factory.LazyAttribute(lambda o: o.name)


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"CAT{n}")
    name_th = factory.LazyAttribute(lambda o: f"ประเภท {o.code}")
    name_en = factory.LazyAttribute(lambda o: f"Category {o.code}")
    is_best = False
    sla_ack_minutes = 60
    sla_make_safe_hours = None
    sla_resolve_hours = 72

    class Params:
        best = factory.Trait(
            is_best=True,
            priority="P1",
            sla_ack_minutes=15,
            sla_make_safe_hours=2,
            sla_resolve_hours=24,
            responsible_is_district_office=True,
        )


def make_complaint(
    *,
    category: Category | None = None,
    district: District | None = None,
    received_at: dt.datetime | None = None,
    **kwargs,
) -> Complaint:
    """A complaint received through the workflow (so it has a reference and a timeline)."""
    defaults = {
        "description": "ฝาท่อระบายน้ำหาย หน้าปากซอย",
        "complainant_name": "สมชาย ใจดี",
        "complainant_phone": "0812345678",
        "address": "ถนนพระราม 4",
        "lat": Decimal("13.730000"),
        "lng": Decimal("100.540000"),
    }
    defaults.update(kwargs)
    return workflow.receive(
        category=category or CategoryFactory(),
        district=district or DistrictFactory(),
        received_at=received_at or timezone.now(),
        **defaults,
    )


def make_user(username: str, *groups: str, superuser: bool = False, password: str = "pw-1555-test") -> User:
    user = User.objects.create_user(
        username=username, password=password, is_staff=True, is_superuser=superuser, first_name=username.title()
    )
    for name in groups:
        user.groups.add(Group.objects.get(name=name))
    return user
