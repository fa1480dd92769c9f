"""The complainant-notice channel of the domain's notification port (`complaints.notify`).

Registered in NoticesConfig.ready(); called inside the workflow's transaction, so each notice
row commits with the change that caused it."""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone

from complaints import notify, rules
from complaints.models import Complaint, TimelineEntry

from . import outbox, texts
from .models import Notice

E = Notice.Event


def _ended_agency(complaint: Complaint):
    """The agency whose work ended the case (verified or planned), if one did."""
    live = complaint.assignments.live().select_related("agency").order_by("-verified_at", "-made_safe_at", "-id")
    for a in live:
        if complaint.outcome == rules.Outcome.PLANNED and a.planned_for:
            return a.agency, a.planned_for
        if a.status == rules.AssignmentStatus.VERIFIED:
            return a.agency, None
    return None, None


class NoticeChannel(notify.Channel):
    def case_received(self, complaint: Complaint) -> None:
        if complaint.channel not in settings.NOTICES_RECEIVED_CHANNELS:
            return  # a setting per intake channel: e.g. MIS cases already told the caller
        outbox.write(
            complaint=complaint, event=E.RECEIVED, text=texts.received(complaint), event_at=complaint.received_at
        )

    def case_dispatched(self, complaint: Complaint, assignments: list) -> None:
        if Notice.objects.filter(complaint=complaint, event=E.DISPATCHED).exists():
            return  # re-routed or another agency added: the complainant was told once it is in hand
        first = assignments[0]
        outbox.write(
            complaint=complaint,
            event=E.DISPATCHED,
            text=texts.dispatched(complaint, [a.agency.name_th for a in assignments]),
            event_at=first.dispatched_at,
            agency=first.agency,
        )

    def case_ended(self, complaint: Complaint) -> None:
        last = Notice.objects.filter(complaint=complaint, event=E.ENDED).order_by("-id").first()
        if last is not None and last.outcome == complaint.outcome:
            reopened_since = TimelineEntry.objects.filter(
                complaint=complaint, kind=TimelineEntry.Kind.REOPENED, created_at__gt=last.event_at
            ).exists()
            if not reopened_since:
                return  # the same outcome again (e.g. a second agency's result): already told
        agency, planned_for = _ended_agency(complaint)
        outbox.write(
            complaint=complaint,
            event=E.ENDED,
            outcome=complaint.outcome,
            text=texts.ended(complaint, agency.name_th if agency else "", planned_for),
            event_at=complaint.closed_at or timezone.now(),
            agency=agency,
        )
