"""/api/v1/ complaints and assignments. Every state change calls complaints.workflow;
these views only parse input, check the role's permission and render the result."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.filters import OrderingFilter
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from complaints import workflow
from complaints.models import Assignment, Complaint, Photo, TimelineEntry
from complaints.photos import add_photo

from . import idempotency
from . import serializers as s
from .errors import error_body
from .filters import AssignmentFilter, ComplaintFilter
from .pagination import ComplaintCursorPagination, ReferencePagination

ERROR = OpenApiResponse(OpenApiTypes.OBJECT, description="see components.schemas.Error")
ACTION_ERRORS = {400: ERROR, 403: ERROR, 404: ERROR, 409: ERROR}

IDEMPOTENCY_HEADER = OpenApiParameter(
    "Idempotency-Key",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description="1–100 printable ASCII characters. A retry with the same key (and body) returns the first "
    "complaint with 200 instead of creating another.",
)


def _complaint_queryset():
    return Complaint.objects.select_related("category", "district__zone", "subdistrict").prefetch_related(
        Prefetch("assignments", queryset=Assignment.objects.select_related("agency").order_by("dispatched_at", "id"))
    )


def _detail_queryset():
    return (
        _complaint_queryset()
        .select_related("duplicate_of")
        .prefetch_related(
            Prefetch("photos", queryset=Photo.objects.order_by("created_at", "id")),
            Prefetch(
                "timeline",
                queryset=TimelineEntry.objects.select_related("actor_user", "actor_coordinator").order_by(
                    "created_at", "id"
                ),
            ),
        )
    )


@extend_schema_view(
    list=extend_schema(summary="List complaints (filters, cursor pagination)"),
    retrieve=extend_schema(summary="One complaint with assignments, photos and timeline"),
)
class ComplaintViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    queryset = Complaint.objects.all()
    filterset_class = ComplaintFilter
    filter_backends = [*viewsets.GenericViewSet.filter_backends, OrderingFilter]
    ordering_fields = ["received_at", "id"]
    pagination_class = ComplaintCursorPagination
    action_permissions = {
        "dispatch_to": ["complaints.dispatch_complaint"],
        "close": ["complaints.verify_complaint"],
        "reopen": ["complaints.reopen_complaint"],
        "cancel": ["complaints.cancel_complaint"],
        "mark_duplicate": ["complaints.cancel_complaint"],
        "notes": ["complaints.add_timelineentry"],
        "photos": ["complaints.add_photo"],
    }

    def get_queryset(self):
        if self.action == "list":
            return _complaint_queryset()
        if self.action == "retrieve":
            return _detail_queryset()
        # Actions lock and re-read the row in the workflow and render a fresh detail afterwards.
        return Complaint.objects.all()

    def get_serializer_class(self):
        return s.ComplaintSerializer if self.action == "list" else s.ComplaintDetailSerializer

    def _detail(self, complaint: Complaint, code=status.HTTP_200_OK, headers=None) -> Response:
        fresh = _detail_queryset().get(pk=complaint.pk)
        data = s.ComplaintDetailSerializer(fresh, context=self.get_serializer_context()).data
        return Response(data, status=code, headers=headers)

    def _input(self, serializer_class):
        serializer = serializer_class(data=self.request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    @extend_schema(
        summary="Record a complaint (idempotent)",
        request=s.ComplaintCreateSerializer,
        parameters=[IDEMPOTENCY_HEADER],
        responses={
            201: s.ComplaintDetailSerializer,
            200: OpenApiResponse(s.ComplaintDetailSerializer, description="A retry: the first complaint, unchanged"),
            400: ERROR,
            403: ERROR,
            422: ERROR,
        },
    )
    def create(self, request):
        try:
            key = idempotency.parse_key(request.headers.get("Idempotency-Key"))
        except idempotency.BadKey:
            return Response(
                error_body("invalid", fields={"Idempotency-Key": [_("ต้องเป็นอักขระ ASCII ที่พิมพ์ได้ 1–100 ตัว")]}), status=400
            )
        data = self._input(s.ComplaintCreateSerializer)
        try:
            complaint, created = idempotency.create_once(
                user=request.user,
                key=key,
                print_=idempotency.fingerprint(request.data),
                external_ref=data["external_ref"],
                create=lambda: workflow.receive(by=request.user, **data),
            )
        except idempotency.KeyReused:
            return Response(error_body("idempotency_key_reused"), status=422)
        if created:
            return self._detail(
                complaint,
                status.HTTP_201_CREATED,
                {"Location": request.build_absolute_uri(f"{request.path}{complaint.pk}/")},
            )
        return self._detail(complaint, status.HTTP_200_OK, {"Idempotent-Replayed": "true"})

    @extend_schema(
        summary="Dispatch to agencies",
        request=s.DispatchSerializer,
        responses={200: s.ComplaintDetailSerializer, **ACTION_ERRORS},
    )
    @action(detail=True, methods=["post"], url_path="dispatch", url_name="dispatch")
    def dispatch_to(self, request, pk=None):
        # Not named `dispatch`: that is APIView's request entry point.
        complaint = self.get_object()
        data = self._input(s.DispatchSerializer)
        workflow.dispatch(
            complaint=complaint, agencies=data["agencies"], by=request.user, channel=data["channel"], note=data["note"]
        )
        return self._detail(complaint)

    @extend_schema(
        summary="Verify every resolved assignment and close",
        request=s.OptionalNoteSerializer,
        responses={200: s.ComplaintDetailSerializer, **ACTION_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        complaint = self.get_object()
        data = self._input(s.OptionalNoteSerializer)
        workflow.close(complaint=complaint, by=request.user, note=data["note"])
        return self._detail(complaint)

    @extend_schema(
        summary="Reopen resolved or verified work",
        request=s.ReopenSerializer,
        responses={200: s.ComplaintDetailSerializer, **ACTION_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None):
        complaint = self.get_object()
        data = self._input(s.ReopenSerializer)
        chosen = None
        if "assignments" in data:
            chosen = list(complaint.assignments.filter(pk__in=data["assignments"]))
        workflow.reopen(complaint=complaint, by=request.user, reason=data["reason"], assignments=chosen)
        return self._detail(complaint)

    @extend_schema(
        summary="Cancel the case",
        request=s.ReasonSerializer,
        responses={200: s.ComplaintDetailSerializer, **ACTION_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        complaint = self.get_object()
        data = self._input(s.ReasonSerializer)
        workflow.cancel(complaint=complaint, by=request.user, reason=data["reason"])
        return self._detail(complaint)

    @extend_schema(
        summary="Close as a duplicate of another case",
        request=s.DuplicateSerializer,
        responses={200: s.ComplaintDetailSerializer, **ACTION_ERRORS},
    )
    @action(detail=True, methods=["post"], url_path="mark-duplicate")
    def mark_duplicate(self, request, pk=None):
        complaint = self.get_object()
        data = self._input(s.DuplicateSerializer)
        workflow.mark_duplicate(complaint=complaint, of=data["of"], by=request.user)
        return self._detail(complaint)

    @extend_schema(
        summary="Add a note to the timeline",
        request=s.NoteSerializer,
        responses={201: s.ComplaintDetailSerializer, **ACTION_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def notes(self, request, pk=None):
        complaint = self.get_object()
        data = self._input(s.NoteSerializer)
        assignment = None
        if data.get("assignment"):
            assignment = get_object_or_404(complaint.assignments, pk=data["assignment"])
        workflow.add_note(complaint=complaint, by=request.user, text=data["text"], assignment=assignment)
        return self._detail(complaint, status.HTTP_201_CREATED)

    @extend_schema(
        summary="Upload a photo of the case",
        request={"multipart/form-data": s.PhotoUploadSerializer},
        responses={201: s.ComplaintDetailSerializer, **ACTION_ERRORS},
    )
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser, FormParser])
    def photos(self, request, pk=None):
        complaint = self.get_object()
        data = self._input(s.PhotoUploadSerializer)
        assignment = None
        if data.get("assignment"):
            assignment = get_object_or_404(complaint.assignments, pk=data["assignment"])
        add_photo(
            complaint=complaint,
            content=data["image"].read(),
            by=request.user,
            stage=data["stage"],
            assignment=assignment,
            lat=data.get("lat"),
            lng=data.get("lng"),
        )
        return self._detail(complaint, status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(summary="List assignments"),
    retrieve=extend_schema(summary="One assignment"),
)
class AssignmentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """An agency's share of a case. The actions record what the agency reported (by
    phone or radio, or an integration on its behalf) and the centre's decisions."""

    queryset = Assignment.objects.select_related("agency").order_by("-dispatched_at", "-id")
    serializer_class = s.AssignmentSerializer
    filterset_class = AssignmentFilter
    pagination_class = ReferencePagination
    action_permissions = {
        "acknowledge": ["complaints.change_assignment"],
        "progress": ["complaints.change_assignment"],
        "made_safe": ["complaints.change_assignment"],
        "resolve": ["complaints.change_assignment", "complaints.add_photo"],
        "reject": ["complaints.change_assignment"],
        "verify": ["complaints.verify_complaint"],
        "cancel": ["complaints.dispatch_complaint"],
        "reroute": ["complaints.dispatch_complaint"],
    }

    def _done(self, assignment: Assignment, code=status.HTTP_200_OK) -> Response:
        complaint = _detail_queryset().get(pk=assignment.complaint_id)
        return Response(s.ComplaintDetailSerializer(complaint, context=self.get_serializer_context()).data, status=code)

    def _input(self, serializer_class):
        serializer = serializer_class(data=self.request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    @extend_schema(
        summary="The agency acknowledged (รับเรื่อง)",
        request=s.AcknowledgeSerializer,
        responses={200: s.ComplaintDetailSerializer, **ACTION_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def acknowledge(self, request, pk=None):
        assignment = self.get_object()
        data = self._input(s.AcknowledgeSerializer)
        workflow.acknowledge(assignment=assignment, by=request.user, name=data["name"])
        return self._done(assignment)

    @extend_schema(
        summary="A progress report",
        request=s.ProgressSerializer,
        responses={200: s.ComplaintDetailSerializer, **ACTION_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def progress(self, request, pk=None):
        assignment = self.get_object()
        data = self._input(s.ProgressSerializer)
        workflow.report_progress(assignment=assignment, by=request.user, text=data["text"])
        return self._done(assignment)

    @extend_schema(
        summary="The hazard is made safe",
        request=s.OptionalNoteSerializer,
        responses={200: s.ComplaintDetailSerializer, **ACTION_ERRORS},
    )
    @action(detail=True, methods=["post"], url_path="made-safe")
    def made_safe(self, request, pk=None):
        assignment = self.get_object()
        data = self._input(s.OptionalNoteSerializer)
        workflow.mark_made_safe(assignment=assignment, by=request.user, note=data["note"])
        return self._done(assignment)

    @extend_schema(
        summary="The agency reports the work done, with result photos",
        description="multipart/form-data with `note` and up to ten `photos` files (stored as result photos of this "
        "assignment, in the same transaction). A BEST case needs at least one result photo.",
        request={"multipart/form-data": s.ResolveSerializer, "application/json": s.OptionalNoteSerializer},
        responses={200: s.ComplaintDetailSerializer, **ACTION_ERRORS},
    )
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser, FormParser, JSONParser])
    def resolve(self, request, pk=None):
        assignment = self.get_object()
        data = self._input(s.ResolveSerializer)
        # Photos and the state change commit together: a refused resolve keeps no photo rows.
        with transaction.atomic():
            for upload in data["photos"]:
                add_photo(
                    complaint=assignment.complaint,
                    content=upload.read(),
                    by=request.user,
                    stage=Photo.Stage.AFTER,
                    assignment=assignment,
                )
            workflow.resolve(assignment=assignment, by=request.user, note=data["note"])
        return self._done(assignment)

    @extend_schema(
        summary="Not this agency's case (ไม่ใช่หน่วยงานนี้)",
        request=s.ReasonSerializer,
        responses={200: s.ComplaintDetailSerializer, **ACTION_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        assignment = self.get_object()
        data = self._input(s.ReasonSerializer)
        workflow.reject(assignment=assignment, by=request.user, reason=data["reason"])
        return self._done(assignment)

    @extend_schema(
        summary="The centre accepts the result",
        request=s.OptionalNoteSerializer,
        responses={200: s.ComplaintDetailSerializer, **ACTION_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def verify(self, request, pk=None):
        assignment = self.get_object()
        data = self._input(s.OptionalNoteSerializer)
        workflow.verify(assignment=assignment, by=request.user, note=data["note"])
        return self._done(assignment)

    @extend_schema(
        summary="Call off this agency's work",
        request=s.ReasonSerializer,
        responses={200: s.ComplaintDetailSerializer, **ACTION_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        assignment = self.get_object()
        data = self._input(s.ReasonSerializer)
        workflow.cancel_assignment(assignment=assignment, by=request.user, reason=data["reason"])
        return self._done(assignment)

    @extend_schema(
        summary="Send the case on to another agency",
        request=s.RerouteSerializer,
        responses={200: s.ComplaintDetailSerializer, **ACTION_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def reroute(self, request, pk=None):
        assignment = self.get_object()
        data = self._input(s.RerouteSerializer)
        workflow.reroute(
            assignment=assignment,
            to_agency=data["to_agency"],
            by=request.user,
            reason=data["reason"],
            channel=data.get("channel"),
        )
        return self._done(assignment)
