"""Filters of the complaint list. Every filter maps to an indexed column or an
EXISTS over assignments, so a filtered page stays one query however large the table."""

from __future__ import annotations

import django_filters
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import ValidationError

from complaints.models import Assignment, Complaint

from .fields import to_utc


class UtcDateTimeFilter(django_filters.IsoDateTimeFilter):
    """An ISO 8601 bound, normalised to UTC before it reaches PostgreSQL (which refuses
    offsets beyond ±15:59 that Python accepts)."""

    def __init__(self, *args, param: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.param = param

    def filter(self, qs, value):
        if value:
            try:
                value = to_utc(value)
            except ValueError as exc:
                raise ValidationError({self.param: [str(exc)]}) from exc
        return super().filter(qs, value)


class CodeInFilter(django_filters.BaseInFilter, django_filters.CharFilter):
    """`?category=A,B` — codes, comma-separated."""


class ComplaintFilter(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=Complaint.Status.choices)
    channel = django_filters.MultipleChoiceFilter(choices=Complaint.Channel.choices)
    category = CodeInFilter(field_name="category__code", help_text=_("รหัสประเภท คั่นด้วยจุลภาค"))
    best = django_filters.ChoiceFilter(
        choices=[("true", "true"), ("false", "false")], method="filter_best", help_text=_("เฉพาะเรื่อง BEST หรือไม่")
    )
    district = CodeInFilter(field_name="district__code", help_text=_("รหัสเขต เช่น 1001"))
    subdistrict = CodeInFilter(field_name="subdistrict__code")
    zone = CodeInFilter(field_name="district__zone__code", help_text=_("รหัสกลุ่มเขต"))
    agency = django_filters.CharFilter(method="filter_agency", help_text=_("รหัสหน่วยงานที่ได้รับเรื่อง"))
    agency_status = django_filters.MultipleChoiceFilter(
        choices=Assignment.Status.choices,
        method="filter_agency_status",
        help_text=_("สถานะงานของหน่วยงาน (ใช้คู่กับ agency ได้) เช่น งานที่ยังเปิดอยู่ของหน่วยงานนั้น"),
    )
    received_after = UtcDateTimeFilter(field_name="received_at", lookup_expr="gte", param="received_after")
    received_before = UtcDateTimeFilter(field_name="received_at", lookup_expr="lt", param="received_before")
    overdue = django_filters.ChoiceFilter(
        choices=[("ack", "ack"), ("safe", "safe"), ("resolve", "resolve")],
        method="filter_overdue",
        help_text=_("เกินกำหนดขั้นตอน: ack รับเรื่อง, safe ทำให้ปลอดภัย, resolve แก้ไขเสร็จ"),
    )
    external_ref = django_filters.CharFilter()
    q = django_filters.CharFilter(
        method="filter_text", max_length=200, help_text=_("ค้นหาในเลขที่เรื่อง เลข MIS รายละเอียด ที่อยู่")
    )

    class Meta:
        model = Complaint
        fields = []

    def filter_best(self, queryset, name, value):
        return queryset.filter(is_best=value == "true")

    def _agency_statuses(self) -> list[str]:
        return self.form.cleaned_data.get("agency_status") or []

    def filter_agency(self, queryset, name, value):
        codes = [c for c in value.split(",") if c]
        held = Assignment.objects.filter(complaint=OuterRef("pk"), agency__code__in=codes)
        # With agency_status the (agency, status) index finds the agency's few open
        # assignments instead of its whole history.
        statuses = self._agency_statuses()
        held = held.filter(status__in=statuses) if statuses else held.exclude(status__in=("rejected", "cancelled"))
        return queryset.filter(Exists(held))

    def filter_agency_status(self, queryset, name, value):
        if not value or self.form.cleaned_data.get("agency"):
            return queryset  # applied together with the agency above
        return queryset.filter(Exists(Assignment.objects.filter(complaint=OuterRef("pk"), status__in=value)))

    def filter_overdue(self, queryset, name, value):
        return queryset.filter(
            Exists(Assignment.objects.overdue(timezone.now(), value).filter(complaint=OuterRef("pk")))
        )

    def filter_text(self, queryset, name, value):
        # Only columns with a trigram index on UPPER() (complaints' migration 0005) on
        # PostgreSQL, so a rare word does not scan a million rows.
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(reference=value) | Q(external_ref=value) | Q(description__icontains=value) | Q(address__icontains=value)
        )


class AssignmentFilter(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=Assignment.Status.choices)
    agency = CodeInFilter(field_name="agency__code")
    complaint = django_filters.NumberFilter(field_name="complaint_id", min_value=1, max_value=2**62)

    class Meta:
        model = Assignment
        fields = []
