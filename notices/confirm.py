"""The complainant's answer to "is it fixed?" on the public page.

"Not fixed" within PUBLIC_ANSWER_DAYS of the case ending as fixed reopens it through the
workflow with the complainant's words (the agency hears it over LINE through the port) and
counts as a reopen by the complainant. One answer per case: a second one updates the first.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from complaints import rules, workflow
from complaints.actor import Actor
from complaints.models import Complaint, Photo

from .models import Confirmation

A = Confirmation.Answer


def answer_window_open(complaint: Complaint, confirmation: Confirmation | None = None, now=None) -> bool:
    """May the complainant answer now? While the case ended as fixed within the window, or to
    change an earlier answer (whose own window is the same)."""
    now = now or timezone.now()
    if complaint.closed_at is None and confirmation is None:
        return False
    if confirmation is None and complaint.outcome != rules.Outcome.FIXED:
        return False
    since = confirmation.answered_at if confirmation and complaint.closed_at is None else complaint.closed_at
    return since is not None and now - since <= dt.timedelta(days=settings.PUBLIC_ANSWER_DAYS)


class AnswerClosed(Exception):
    pass


@transaction.atomic
def answer(*, complaint: Complaint, said: str, comment: str = "", photo: bytes | None = None, now=None) -> Confirmation:
    now = now or timezone.now()
    complaint = Complaint.objects.select_for_update().get(pk=complaint.pk)
    confirmation = Confirmation.objects.filter(complaint=complaint).first()
    if said not in A.values or not answer_window_open(complaint, confirmation, now):
        raise AnswerClosed
    actor = Actor.complainant()
    stored = None
    if photo:
        # The same validation and fake-fix checks as every other photo of the case.
        stored = workflow.add_photo(complaint=complaint, content=photo, by=actor, stage=Photo.Stage.BEFORE, at=now)
    comment = (comment or "").strip()[:1000]
    reopened = False
    if said == A.NOT_FIXED and complaint.outcome == rules.Outcome.FIXED:
        reason = _("ผู้ร้องแจ้งว่ายังไม่ได้แก้ไข") + (f": {comment}" if comment else "")
        workflow.reopen(complaint=complaint, by=actor, reason=reason, at=now)
        reopened = True
    elif comment:
        workflow.add_note(complaint=complaint, by=actor, text=_("ผู้ร้อง: %(c)s") % {"c": comment}, at=now)
    if confirmation is None:
        confirmation = Confirmation(complaint=complaint, answered_at=now)
    else:
        confirmation.changed_count += 1
        confirmation.answered_at = now
    confirmation.answer = said
    confirmation.comment = comment
    confirmation.photo = stored or confirmation.photo
    confirmation.reopened = confirmation.reopened or reopened
    confirmation.save()
    return confirmation
