"""/api/v1/ complaints and assignments. Every state change calls complaints.workflow;
these views only parse input, check the role's permission and render the result."""

from __future__ import annotations

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.filters import OrderingFilter
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from complaints import workflow
from complaints.models import Assignment, Complaint, Photo, TimelineEntry

from . import idempotency
from . import serializers as s
from .actions import workflow_action
from .errors import ERROR, error_body
from .filters import AssignmentFilter, ComplaintFilter
from .pagination import ComplaintCursorPagination, ReferencePagination

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

    def _answer(self, complaint: Complaint, code=status.HTTP_200_OK) -> Response:
        return self._detail(complaint, code)

    # Not named `dispatch`: that is APIView's request entry point.
    dispatch_to = workflow_action(
        "dispatch_to",
        url_path="dispatch",
        summary="Dispatch to agencies",
        serializer=s.DispatchSerializer,
        step=lambda c, by, d: workflow.dispatch(
            complaint=c, agencies=d["agencies"], by=by, channel=d["channel"], note=d["note"]
        ),
    )
    close = workflow_action(
        "close",
        summary="Verify every resolved assignment and close",
        serializer=s.OptionalNoteSerializer,
        step=lambda c, by, d: workflow.close(complaint=c, by=by, note=d["note"]),
    )
    reopen = workflow_action(
        "reopen",
        summary="Reopen resolved or verified work",
        serializer=s.ReopenSerializer,
        step=lambda c, by, d: workflow.reopen(
            complaint=c,
            by=by,
            reason=d["reason"],
            assignments=list(c.assignments.filter(pk__in=d["assignments"])) if "assignments" in d else None,
        ),
    )
    cancel = workflow_action(
        "cancel",
        summary="Cancel the case",
        serializer=s.ReasonSerializer,
        step=lambda c, by, d: workflow.cancel(complaint=c, by=by, reason=d["reason"]),
    )
    mark_duplicate = workflow_action(
        "mark_duplicate",
        url_path="mark-duplicate",
        summary="Close as a duplicate of another case",
        serializer=s.DuplicateSerializer,
        step=lambda c, by, d: workflow.mark_duplicate(complaint=c, of=d["of"], by=by),
    )
    notes = workflow_action(
        "notes",
        summary="Add a note to the timeline",
        serializer=s.NoteSerializer,
        created=True,
        step=lambda c, by, d: workflow.add_note(
            complaint=c, by=by, text=d["text"], assignment=_assignment_of(c, d.get("assignment"))
        ),
    )
    photos = workflow_action(
        "photos",
        summary="Upload a photo of the case",
        serializer=s.PhotoUploadSerializer,
        schema_request={"multipart/form-data": s.PhotoUploadSerializer},
        parser_classes=[MultiPartParser, FormParser],
        created=True,
        step=lambda c, by, d: workflow.add_photo(
            complaint=c,
            content=d["image"].read(),
            by=by,
            stage=d["stage"],
            assignment=_assignment_of(c, d.get("assignment")),
            lat=d.get("lat"),
            lng=d.get("lng"),
        ),
    )


def _assignment_of(complaint: Complaint, pk) -> Assignment | None:
    return get_object_or_404(complaint.assignments, pk=pk) if pk else None


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
        "send_back": ["complaints.verify_complaint"],
        "cancel": ["complaints.dispatch_complaint"],
        "reroute": ["complaints.dispatch_complaint"],
    }

    def _answer(self, assignment: Assignment, code=status.HTTP_200_OK) -> Response:
        complaint = _detail_queryset().get(pk=assignment.complaint_id)
        return Response(s.ComplaintDetailSerializer(complaint, context=self.get_serializer_context()).data, status=code)

    def _input(self, serializer_class):
        serializer = serializer_class(data=self.request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    acknowledge = workflow_action(
        "acknowledge",
        summary="The agency acknowledged (รับเรื่อง)",
        serializer=s.AcknowledgeSerializer,
        step=lambda a, by, d: workflow.acknowledge(assignment=a, by=by, name=d["name"]),
    )
    progress = workflow_action(
        "progress",
        summary="A progress report",
        serializer=s.ProgressSerializer,
        step=lambda a, by, d: workflow.report_progress(assignment=a, by=by, text=d["text"]),
    )
    made_safe = workflow_action(
        "made_safe",
        url_path="made-safe",
        summary="The hazard is made safe",
        serializer=s.OptionalNoteSerializer,
        step=lambda a, by, d: workflow.mark_made_safe(assignment=a, by=by, note=d["note"]),
    )
    resolve = workflow_action(
        "resolve",
        summary="The agency reports the work done, with result photos",
        description="multipart/form-data with `note` and up to ten `photos` files (stored as result photos of this "
        "assignment, in the same transaction). A BEST case needs at least one result photo.",
        serializer=s.ResolveSerializer,
        schema_request={"multipart/form-data": s.ResolveSerializer, "application/json": s.OptionalNoteSerializer},
        parser_classes=[MultiPartParser, FormParser, JSONParser],
        # Photos and the state change commit together: a refused resolve keeps no photo rows.
        step=lambda a, by, d: workflow.resolve_with_photos(
            assignment=a,
            by=by,
            note=d["note"],
            contents=[upload.read() for upload in d["photos"]],
            lat=d.get("lat"),
            lng=d.get("lng"),
        ),
    )
    reject = workflow_action(
        "reject",
        summary="Not this agency's case (ไม่ใช่หน่วยงานนี้)",
        serializer=s.ReasonSerializer,
        step=lambda a, by, d: workflow.reject(assignment=a, by=by, reason=d["reason"]),
    )
    verify = workflow_action(
        "verify",
        summary="The centre accepts the result",
        description="A result the fake-fix guard flagged needs a `justification` (409 `justification_required` "
        "otherwise), kept on the timeline and counted in the reports.",
        serializer=s.VerifySerializer,
        step=lambda a, by, d: workflow.accept(assignment=a, by=by, note=d["note"], justification=d["justification"]),
    )
    send_back = workflow_action(
        "send_back",
        url_path="send-back",
        summary="Send the result back for rework (ส่งกลับแก้ไข)",
        description="The resolve deadline is not reset; the agency gets the reason and the refused photo in LINE.",
        serializer=s.SendBackSerializer,
        step=lambda a, by, d: workflow.send_back(assignment=a, by=by, reason=d["reason"]),
    )
    cancel = workflow_action(
        "cancel",
        summary="Call off this agency's work",
        serializer=s.ReasonSerializer,
        step=lambda a, by, d: workflow.cancel_assignment(assignment=a, by=by, reason=d["reason"]),
    )
    reroute = workflow_action(
        "reroute",
        summary="Send the case on to another agency",
        description="`declined: true` records the agency's own “not ours” (a rejection with the reason); "
        "otherwise the centre moves the case and the old work is cancelled.",
        serializer=s.RerouteSerializer,
        step=lambda a, by, d: workflow.reroute(
            assignment=a,
            to_agency=d["to_agency"],
            by=by,
            reason=d["reason"],
            channel=d.get("channel"),
            declined=d.get("declined", False),
        ),
    )
