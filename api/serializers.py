"""Complaint, assignment and timeline representations, and the inputs of the workflow actions.

Status fields are read-only everywhere: a state changes only through the
workflow actions in api/views.py. Complainants' names and phones are shown in
full only to users with the PII permission, masked for everyone else.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from agencies.models import Agency, District, Subdistrict
from complaints import rules
from complaints.models import Assignment, Category, Complaint, Photo, TimelineEntry
from complaints.photos import MAX_BYTES
from complaints.pii import can_see_pii, mask_name, mask_phone
from privacy.access import record as record_pii

from .fields import CodeRelatedField


def coordinate(limit: int, **kwargs) -> serializers.DecimalField:
    """An optional latitude (limit 90) or longitude (limit 180) in degrees, as the models store them."""
    return serializers.DecimalField(
        max_digits=9,
        decimal_places=6,
        min_value=Decimal(-limit),
        max_value=Decimal(limit),
        required=False,
        allow_null=True,
        **kwargs,
    )


class CodeNameSerializer(serializers.Serializer):
    code = serializers.CharField(read_only=True)
    name_th = serializers.CharField(read_only=True)
    name_en = serializers.CharField(read_only=True)


class CategoryBriefSerializer(CodeNameSerializer):
    is_best = serializers.BooleanField(read_only=True)


class AssignmentSerializer(serializers.ModelSerializer):
    agency = CodeNameSerializer(read_only=True)
    complaint = serializers.IntegerField(source="complaint_id", read_only=True)
    # Declared: a read-only model choice field loses allow_blank, and the schema then forbids "".
    plan_reason = serializers.ChoiceField(choices=rules.PlanReason.choices, allow_blank=True, read_only=True)

    class Meta:
        model = Assignment
        fields = [
            "id",
            "complaint",
            "agency",
            "status",
            "channel",
            "dispatched_at",
            "ack_due_at",
            "safe_due_at",
            "resolve_due_at",
            "acknowledged_at",
            "acknowledged_by_name",
            "made_safe_at",
            "resolved_at",
            "verified_at",
            "closed_at",
            "result_note",
            "reject_reason",
            "reopen_count",
            "escalation_level",
            "review_due_at",
            "sent_back_count",
            "planned_for",
            "plan_reason",
            "plan_note",
        ]
        read_only_fields = fields


class TimelineEntrySerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor_name", read_only=True)

    class Meta:
        model = TimelineEntry
        fields = ["id", "kind", "assignment", "text", "data", "actor", "created_at"]
        read_only_fields = fields


class PhotoSerializer(serializers.ModelSerializer):
    class Meta:
        model = Photo
        fields = [
            "id",
            "stage",
            "assignment",
            "image",
            "thumbnail",
            "width",
            "height",
            "lat",
            "lng",
            "flags",
            "created_at",
        ]
        read_only_fields = fields


class _RecordedComplaintList(serializers.ListSerializer):
    """A page of complaints shown with unmasked names and phones is one row in the PII access log."""

    def to_representation(self, data):
        items = super().to_representation(data)
        request = self.context.get("request")
        if request is not None and items and self.context.get("sees_pii"):
            refs = [i.get("reference", "") for i in items]
            record_pii(
                request, action="view", channel="api", query=f"{_('รายการ')} {len(refs)}: {refs[0]} … {refs[-1]}"
            )
        return items


class ComplaintSerializer(serializers.ModelSerializer):
    """A complaint as listed: its case data, its assignments, no timeline."""

    category = CategoryBriefSerializer(read_only=True)
    district = CodeNameSerializer(read_only=True, allow_null=True)
    subdistrict = CodeNameSerializer(read_only=True, allow_null=True)
    zone = serializers.CharField(source="district.zone.code", read_only=True, default=None, allow_null=True)
    complainant_name = serializers.SerializerMethodField()
    complainant_phone = serializers.SerializerMethodField()
    public_url = serializers.SerializerMethodField()
    assignments = AssignmentSerializer(many=True, read_only=True)
    outcome = serializers.ChoiceField(choices=rules.Outcome.choices, allow_blank=True, read_only=True)

    class Meta:
        list_serializer_class = _RecordedComplaintList
        model = Complaint
        fields = [
            "id",
            "reference",
            "external_ref",
            "channel",
            "status",
            "is_best",
            "category",
            "description",
            "address",
            "landmark",
            "district",
            "subdistrict",
            "zone",
            "lat",
            "lng",
            "complainant_name",
            "complainant_phone",
            "public_url",
            "received_at",
            "closed_at",
            "outcome",
            "outcome_note",
            "created_at",
            "updated_at",
            "assignments",
        ]
        read_only_fields = fields

    def _sees_pii(self) -> bool:
        if "sees_pii" not in self.context:  # shared by the list serializer through the context
            request = self.context.get("request")
            self.context["sees_pii"] = can_see_pii(getattr(request, "user", None))
        return self.context["sees_pii"]

    @extend_schema_field(serializers.CharField())
    def get_complainant_name(self, obj: Complaint) -> str:
        return obj.complainant_name if self._sees_pii() else mask_name(obj.complainant_name)

    @extend_schema_field(serializers.CharField())
    def get_complainant_phone(self, obj: Complaint) -> str:
        return obj.complainant_phone if self._sees_pii() else mask_phone(obj.complainant_phone)

    @extend_schema_field(
        serializers.URLField(
            allow_null=True,
            help_text=_(
                "ที่อยู่หน้าติดตามเรื่องสาธารณะที่แจ้งผู้ร้อง (/c/<reference>/<token>/) รหัสในลิงก์เป็นความลับของผู้ร้อง "
                "จึงแสดงเฉพาะผู้เรียกที่มีสิทธิ์ดูข้อมูลผู้ร้อง (complaints.view_complainant_pii) ผู้อื่นได้ค่า null "
                "และเป็น null เมื่อยกเลิกลิงก์แล้ว"
            ),
        )
    )
    def get_public_url(self, obj: Complaint) -> str | None:
        return (obj.public_url or None) if self._sees_pii() else None


class ComplaintDetailSerializer(ComplaintSerializer):
    """One complaint with its photos and its whole timeline."""

    duplicate_of = serializers.SlugRelatedField(slug_field="reference", read_only=True, allow_null=True)
    photos = PhotoSerializer(many=True, read_only=True)
    timeline = TimelineEntrySerializer(many=True, read_only=True)

    class Meta(ComplaintSerializer.Meta):
        fields = [*ComplaintSerializer.Meta.fields, "duplicate_of", "photos", "timeline"]
        read_only_fields = fields

    def to_representation(self, instance):
        data = super().to_representation(instance)
        request = self.context.get("request")
        if request is not None and self._sees_pii() and (instance.complainant_name or instance.complainant_phone):
            record_pii(request, action="view", channel="api", complaint=instance)
        return data


# --- inputs ------------------------------------------------------------------------


def _not_blank(value: str) -> str:
    if not value.strip():
        raise serializers.ValidationError(_("ห้ามเว้นว่าง"))
    return value


class ComplaintCreateSerializer(serializers.Serializer):
    """A new complaint from the MIS or a web form; recorded through workflow.receive."""

    channel = serializers.ChoiceField(choices=Complaint.Channel.choices, default=Complaint.Channel.MIS)
    external_ref = serializers.CharField(
        max_length=64, required=False, allow_null=True, allow_blank=True, help_text=_("เลขเรื่องในระบบ MIS (ไม่ซ้ำ)")
    )
    category = CodeRelatedField(slug_field="code", queryset=Category.objects.filter(is_active=True))
    description = serializers.CharField(max_length=5000, validators=[_not_blank])
    complainant_name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    complainant_phone = serializers.CharField(
        max_length=30,
        required=False,
        allow_blank=True,
        default="",
        help_text=_("เบอร์มือถือได้รับการแจ้งผลทาง SMS (หรือ LINE ทางเบอร์โทรเมื่อเปิดใช้) เบอร์บ้านไม่ได้รับการแจ้ง"),
    )
    no_contact = serializers.BooleanField(
        required=False,
        default=False,
        help_text=_("ผู้ร้องไม่ประสงค์ให้ติดต่อกลับ: ไม่ส่งการแจ้งใด ๆ ถึงผู้ร้อง"),
    )
    complainant_line_user_id = serializers.CharField(
        max_length=64,
        required=False,
        allow_blank=True,
        default="",
        help_text=_("เฉพาะ channel=line: รหัสผู้ใช้ LINE ของผู้ร้อง (U ตามด้วย 32 ตัวอักษร) การแจ้งผลส่งกลับทาง LINE"),
    )
    address = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    landmark = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    district = CodeRelatedField(
        slug_field="code", queryset=District.objects.all(), required=False, allow_null=True, default=None
    )
    subdistrict = CodeRelatedField(
        slug_field="code", queryset=Subdistrict.objects.all(), required=False, allow_null=True, default=None
    )
    lat = coordinate(90, default=None)
    lng = coordinate(180, default=None)
    received_at = serializers.DateTimeField(required=False, allow_null=True, default=None)

    def validate_received_at(self, value: dt.datetime | None) -> dt.datetime | None:
        if value is None:
            return value
        now = timezone.now()
        if value > now + dt.timedelta(minutes=5):
            raise serializers.ValidationError(_("เวลารับเรื่องอยู่ในอนาคต"))
        if value.year < 2000:
            raise serializers.ValidationError(_("เวลารับเรื่องเก่าเกินไป"))
        return value

    def validate(self, attrs):
        district, subdistrict = attrs.get("district"), attrs.get("subdistrict")
        if district and subdistrict and subdistrict.district_id != district.pk:
            raise serializers.ValidationError({"subdistrict": [_("แขวงที่เลือกไม่อยู่ในเขตนี้")]})
        if (attrs.get("lat") is None) != (attrs.get("lng") is None):
            raise serializers.ValidationError({"lat": [_("ต้องระบุทั้งละติจูดและลองจิจูด")]})
        attrs["external_ref"] = (attrs.get("external_ref") or "").strip() or None
        return attrs


class DispatchSerializer(serializers.Serializer):
    agencies = serializers.ListField(
        child=CodeRelatedField(slug_field="code", queryset=Agency.objects.filter(is_active=True)),
        min_length=1,
        max_length=10,
    )
    channel = serializers.ChoiceField(choices=Assignment.Channel.choices, default=Assignment.Channel.LINE)
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000, validators=[_not_blank])


class ReopenSerializer(ReasonSerializer):
    assignments = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**62), required=False, max_length=20
    )


class NoteSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=5000, validators=[_not_blank])
    assignment = serializers.IntegerField(min_value=1, max_value=2**62, required=False, allow_null=True)


class OptionalNoteSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")


class VerifySerializer(serializers.Serializer):
    note = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    justification = serializers.CharField(
        max_length=5000,
        required=False,
        allow_blank=True,
        default="",
        help_text=_("ต้องระบุเมื่อผลมีข้อสังเกตจากการตรวจรูป (fake-fix guard) มิฉะนั้นตอบ 409 justification_required"),
    )


class SendBackSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class AcknowledgeSerializer(serializers.Serializer):
    name = serializers.CharField(
        max_length=200, required=False, allow_blank=True, default="", help_text=_("ชื่อผู้รับเรื่องของหน่วยงาน")
    )


class ProgressSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=5000, validators=[_not_blank])


def _small_enough(upload) -> None:
    """By the declared size, before the view reads the file (a 200 MB body is not read)."""
    if getattr(upload, "size", 0) > MAX_BYTES:
        raise serializers.ValidationError(_("รูปภาพใหญ่เกิน 10 MB"))


class ResolveSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    photos = serializers.ListField(
        child=serializers.FileField(allow_empty_file=False, validators=[_small_enough]),
        required=False,
        max_length=10,
        default=list,
    )
    lat = serializers.DecimalField(max_digits=9, decimal_places=6, required=False, allow_null=True, default=None)
    lng = serializers.DecimalField(max_digits=9, decimal_places=6, required=False, allow_null=True, default=None)


class PhotoUploadSerializer(serializers.Serializer):
    image = serializers.FileField(allow_empty_file=False, validators=[_small_enough])
    stage = serializers.ChoiceField(choices=Photo.Stage.choices, default=Photo.Stage.BEFORE)
    assignment = serializers.IntegerField(min_value=1, max_value=2**62, required=False, allow_null=True)
    lat = coordinate(90)
    lng = coordinate(180)


class RerouteSerializer(serializers.Serializer):
    to_agency = CodeRelatedField(slug_field="code", queryset=Agency.objects.filter(is_active=True))
    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    channel = serializers.ChoiceField(choices=Assignment.Channel.choices, required=False)
    declined = serializers.BooleanField(
        required=False, default=False, help_text=_("หน่วยงานแจ้งว่าไม่ใช่หน่วยงานนี้ (บันทึกเป็นการปฏิเสธ)")
    )


class DuplicateSerializer(serializers.Serializer):
    of = CodeRelatedField(slug_field="reference", queryset=Complaint.objects.all(), help_text=_("เลขที่เรื่องหลัก"))
