"""Reference data: agencies, coordinators, categories with their SLA, zones, districts, khwaeng.

Everyone with the role's view permission reads; writes need the model's add/change
permission, which only supervisors hold. Districts and khwaeng are DOPA's official
codes loaded by `manage.py load_reference`, so they are read-only here.
"""

from __future__ import annotations

import django_filters
from rest_framework import mixins, serializers, viewsets

from agencies.models import Agency, Coordinator, District, Subdistrict, Zone
from complaints.models import Category

from .fields import CodeRelatedField
from .pagination import ReferencePagination
from .permissions import is_supervisor_like


class ZoneSerializer(serializers.ModelSerializer):
    class Meta:
        model = Zone
        fields = ["code", "name_th", "name_en"]


class DistrictSerializer(serializers.ModelSerializer):
    zone = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = District
        fields = ["code", "name_th", "name_en", "zone", "lat", "lng"]


class SubdistrictSerializer(serializers.ModelSerializer):
    district = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Subdistrict
        fields = ["code", "name_th", "name_en", "district", "postal_codes"]


class AgencySerializer(serializers.ModelSerializer):
    district = CodeRelatedField(slug_field="code", queryset=District.objects.all(), required=False, allow_null=True)

    class Meta:
        model = Agency
        fields = [
            "code",
            "kind",
            "name_th",
            "name_en",
            "abbr_th",
            "district",
            "hotline",
            "handles_th",
            "handles_en",
            "line_group_name",
            "is_active",
        ]
        read_only_fields = ["line_group_name"]


class CoordinatorSerializer(serializers.ModelSerializer):
    """A coordinator. Their LINE user id is shown to supervisors only; it is bound by a
    link code over LINE, never typed in, so it is read-only."""

    agency = CodeRelatedField(slug_field="code", queryset=Agency.objects.all())
    is_reachable = serializers.BooleanField(read_only=True)

    class Meta:
        model = Coordinator
        fields = [
            "id",
            "agency",
            "name",
            "position",
            "phone",
            "line_user_id",
            "line_display_name",
            "is_active",
            "is_lead",
            "is_reachable",
            "last_seen_at",
            "created_at",
        ]
        read_only_fields = ["line_user_id", "line_display_name", "last_seen_at", "created_at"]
        extra_kwargs = {"line_user_id": {"help_text": "Supervisors only; null for everyone else."}}

    def to_representation(self, instance):
        data = super().to_representation(instance)
        request = self.context.get("request")
        if not is_supervisor_like(getattr(request, "user", None)):
            data["line_user_id"] = None
        return data


class CategorySerializer(serializers.ModelSerializer):
    responsible_agency = CodeRelatedField(
        slug_field="code", queryset=Agency.objects.all(), required=False, allow_null=True
    )
    reminder_offsets_minutes = serializers.ListField(
        child=serializers.IntegerField(min_value=0, max_value=100_000), max_length=3, required=False
    )

    class Meta:
        model = Category
        fields = [
            "code",
            "name_th",
            "name_en",
            "is_best",
            "priority",
            "responsible_is_district_office",
            "responsible_agency",
            "responsible_unit_th",
            "sla_ack_minutes",
            "sla_make_safe_hours",
            "sla_resolve_hours",
            "reminder_offsets_minutes",
            "is_active",
        ]
        extra_kwargs = {
            "sla_ack_minutes": {"min_value": 1, "max_value": 100_000},
            "sla_make_safe_hours": {"min_value": 1, "max_value": 10_000},
            "sla_resolve_hours": {"min_value": 1, "max_value": 100_000},
        }


class _WriteNoDelete(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Reference rows are PROTECTed by the cases that point at them: deactivate, don't delete."""

    pagination_class = ReferencePagination
    lookup_field = "code"


class AgencyFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=Agency.Kind.choices)
    is_active = django_filters.BooleanFilter()

    class Meta:
        model = Agency
        fields = []


class AgencyViewSet(_WriteNoDelete):
    queryset = Agency.objects.select_related("district").order_by("kind", "code")
    serializer_class = AgencySerializer
    filterset_class = AgencyFilter


class CoordinatorFilter(django_filters.FilterSet):
    agency = django_filters.CharFilter(field_name="agency__code")
    is_active = django_filters.BooleanFilter()

    class Meta:
        model = Coordinator
        fields = []


class CoordinatorViewSet(_WriteNoDelete):
    queryset = Coordinator.objects.select_related("agency").order_by("agency__code", "name", "id")
    serializer_class = CoordinatorSerializer
    filterset_class = CoordinatorFilter
    lookup_field = "pk"


class CategoryViewSet(_WriteNoDelete):
    queryset = Category.objects.select_related("responsible_agency").order_by("-is_best", "code")
    serializer_class = CategorySerializer


class ZoneViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Zone.objects.order_by("code")
    serializer_class = ZoneSerializer
    pagination_class = ReferencePagination
    lookup_field = "code"


class DistrictViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = District.objects.select_related("zone").order_by("code")
    serializer_class = DistrictSerializer
    pagination_class = ReferencePagination
    lookup_field = "code"


class SubdistrictFilter(django_filters.FilterSet):
    district = django_filters.CharFilter(field_name="district__code")

    class Meta:
        model = Subdistrict
        fields = []


class SubdistrictViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Subdistrict.objects.select_related("district").order_by("code")
    serializer_class = SubdistrictSerializer
    pagination_class = ReferencePagination
    filterset_class = SubdistrictFilter
    lookup_field = "code"
