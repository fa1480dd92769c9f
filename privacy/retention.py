"""Retention (PDPA's storage limitation), applied in batches by a daily beat task.

- complainants' names and phones are erased RETENTION_COMPLAINANT_DAYS after the case
  ended (closed, cancelled or marked duplicate); the description, address, landmark and the
  timeline's text are scrubbed of personal details (complaints.privacy.scrub) at the same
  time. The case, its category, place, times and outcome stay, so every report still works.
- photo originals (with their EXIF) are deleted RETENTION_PHOTO_ORIGINAL_DAYS after the
  case ended; the metadata-free public derivative and the thumbnail stay.
- raw LINE webhook bodies are deleted RETENTION_WEBHOOK_DAYS after they arrived, once
  processed or failed (LINE redelivers for at most a few days).

`manage.py apply_retention --dry-run` says what a run would do without doing it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from complaints.models import Complaint, Photo, TimelineEntry
from complaints.privacy import scrub
from line_oa.models import WebhookEvent

BATCH = 500
ENDED = (Complaint.Status.CLOSED, Complaint.Status.CANCELLED, Complaint.Status.DUPLICATE)


@dataclass
class RetentionReport:
    complainants: int = 0
    photo_originals: int = 0
    webhook_events: int = 0
    examples: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return (
            f"complainants anonymised: {self.complainants}, photo originals deleted: {self.photo_originals}, "
            f"LINE webhook bodies deleted: {self.webhook_events}"
        )


def _days(name: str, default: int) -> dt.timedelta:
    return dt.timedelta(days=getattr(settings, name, default))


def _ended_before(cutoff: dt.datetime) -> Q:
    # closed_at is set on closing; a cancelled or duplicate case ended at its last change.
    return Q(status=Complaint.Status.CLOSED, closed_at__lt=cutoff) | Q(
        status__in=(Complaint.Status.CANCELLED, Complaint.Status.DUPLICATE), updated_at__lt=cutoff
    )


def complainants_due(now: dt.datetime):
    cutoff = now - _days("RETENTION_COMPLAINANT_DAYS", 730)
    return Complaint.objects.filter(_ended_before(cutoff)).exclude(complainant_name="", complainant_phone="")


def photos_due(now: dt.datetime):
    cutoff = now - _days("RETENTION_PHOTO_ORIGINAL_DAYS", 730)
    ended = Complaint.objects.filter(_ended_before(cutoff)).values("pk")
    return Photo.objects.filter(complaint_id__in=ended).exclude(image="")


def webhooks_due(now: dt.datetime):
    cutoff = now - _days("RETENTION_WEBHOOK_DAYS", 90)
    return WebhookEvent.objects.filter(received_at__lt=cutoff).exclude(status=WebhookEvent.Status.PENDING)


def anonymise(complaint: Complaint) -> None:
    names = [complaint.complainant_name]
    complaint.description = scrub(complaint.description, names)
    complaint.public_description = scrub(complaint.public_description, names) if complaint.public_description else ""
    complaint.address = scrub(complaint.address, names)[:500]
    complaint.landmark = scrub(complaint.landmark, names)[:300]
    complaint.complainant_name = ""
    complaint.complainant_phone = ""
    # A plain UPDATE: `updated_at` (auto_now) must not move, it dates a cancelled case's end.
    Complaint.objects.filter(pk=complaint.pk).update(
        description=complaint.description,
        public_description=complaint.public_description,
        address=complaint.address,
        landmark=complaint.landmark,
        complainant_name="",
        complainant_phone="",
    )
    for entry in TimelineEntry.objects.filter(complaint_id=complaint.pk).exclude(text=""):
        clean = scrub(entry.text, names)
        if clean != entry.text:
            TimelineEntry.objects.filter(pk=entry.pk).update(text=clean)


def apply(*, dry_run: bool = False, now: dt.datetime | None = None, max_batches: int = 20) -> RetentionReport:
    """One run: at most `max_batches` batches of each kind, so a first run on years of data
    is spread over several days instead of holding the database for hours."""
    now = now or timezone.now()
    report = RetentionReport()
    if dry_run:
        report.complainants = complainants_due(now).count()
        report.photo_originals = photos_due(now).count()
        report.webhook_events = webhooks_due(now).count()
        report.examples = list(complainants_due(now).order_by("id").values_list("reference", flat=True)[:10])
        return report
    for _ in range(max_batches):
        batch = list(complainants_due(now).order_by("id")[:BATCH])
        if not batch:
            break
        with transaction.atomic():
            for complaint in batch:
                anonymise(complaint)
        report.complainants += len(batch)
    for _ in range(max_batches):
        batch = list(photos_due(now).order_by("id")[:BATCH])
        if not batch:
            break
        for photo in batch:
            name = photo.image.name
            Photo.objects.filter(pk=photo.pk).update(image="")
            # The file goes after the row no longer points to it: a crash leaves an orphan, never a dangling row.
            photo.image.storage.delete(name)
        report.photo_originals += len(batch)
    for _ in range(max_batches):
        ids = list(webhooks_due(now).order_by("id").values_list("id", flat=True)[:BATCH])
        if not ids:
            break
        WebhookEvent.objects.filter(id__in=ids).delete()
        report.webhook_events += len(ids)
    return report
