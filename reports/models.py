from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from agencies.models import Coordinator


class ReportAccess(models.Model):
    """No table: only carries the permission to read the executives' reports."""

    class Meta:
        managed = False
        default_permissions = ()
        permissions = [("view_reports", _("ดูรายงานผู้บริหาร"))]
        verbose_name = _("สิทธิ์ดูรายงาน")

    def __str__(self) -> str:
        return str(self._meta.verbose_name)


class AssignmentFact(models.Model):
    """A derived, denormalised copy of one assignment for the reports (never edited by hand).

    It exists because the working-hours SLA clock (Thai holidays, closure days)
    cannot be evaluated in SQL: the minutes on the category's clock are computed
    in Python once per change of the assignment and stored here, so the pages
    only aggregate. `source_updated_at` is the later of the assignment's and the
    complaint's `updated_at`; `reports.facts.refresh` recomputes every row whose
    source moved on (periodic task, and on read for the months a page shows).
    """

    assignment = models.OneToOneField(
        "complaints.Assignment", on_delete=models.CASCADE, primary_key=True, related_name="report_fact"
    )
    complaint = models.ForeignKey("complaints.Complaint", on_delete=models.CASCADE, related_name="+")
    # The month of the complaint's received_at in Asia/Bangkok (first day).
    month = models.DateField()
    agency = models.ForeignKey("agencies.Agency", on_delete=models.CASCADE, related_name="+")
    category = models.ForeignKey("complaints.Category", on_delete=models.CASCADE, related_name="+")
    district = models.ForeignKey("agencies.District", on_delete=models.CASCADE, null=True, related_name="+")
    zone = models.ForeignKey("agencies.Zone", on_delete=models.CASCADE, null=True, related_name="+")
    is_best = models.BooleanField()
    channel = models.CharField(max_length=8)  # the dispatch channel (LINE, radio, phone, fax)
    status = models.CharField(max_length=12)
    dispatched_at = models.DateTimeField()
    ack_due_at = models.DateTimeField(null=True)
    safe_due_at = models.DateTimeField(null=True)
    resolve_due_at = models.DateTimeField(null=True)
    acknowledged_at = models.DateTimeField(null=True)
    # made_safe_at, or the first resolution when the work was not reported as made safe first.
    safe_at = models.DateTimeField(null=True)
    resolved_at = models.DateTimeField(null=True)
    reopen_count = models.PositiveSmallIntegerField(default=0)
    rerouted = models.BooleanField(default=False)
    # Minutes from dispatch: plain elapsed time, and on the category's SLA clock
    # (24/7 for BEST, working hours without holidays for the others).
    ack_minutes = models.FloatField(null=True)
    ack_sla_minutes = models.FloatField(null=True)
    safe_minutes = models.FloatField(null=True)
    safe_sla_minutes = models.FloatField(null=True)
    resolve_minutes = models.FloatField(null=True)
    resolve_sla_minutes = models.FloatField(null=True)
    # The end of the loop: the case's outcome (copied to each of its assignments), the
    # results the agency reported, how many the centre sent back, how many it accepted
    # despite a fake-fix flag, the elapsed minutes from the latest decided result to the
    # centre's decision on it, and a planned permanent fix's date.
    outcome = models.CharField(max_length=10, blank=True, default="")
    results_reported = models.PositiveSmallIntegerField(default=0)
    sent_back = models.PositiveSmallIntegerField(default=0)
    accepted_flagged = models.PositiveSmallIntegerField(default=0)
    review_minutes = models.FloatField(null=True)
    planned_for = models.DateField(null=True)
    source_updated_at = models.DateTimeField()
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [
            models.Index(fields=["month", "agency"], name="fact_month_agency_idx"),
            models.Index(fields=["agency", "month"], name="fact_agency_month_idx"),
            models.Index(fields=["month", "computed_at"], name="fact_month_computed_idx"),
            models.Index(
                fields=["month"],
                name="fact_open_idx",
                condition=Q(status__in=["dispatched", "acknowledged", "in_progress", "made_safe"]),
            ),
        ]

    def __str__(self) -> str:
        return f"fact {self.assignment_id}"


class RefreshState(models.Model):
    """One row: when the facts were last fully reconciled, and how far the case history
    (TimelineEntry ids, which only grow) has been followed since."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    full_refresh_at = models.DateTimeField(null=True)
    timeline_watermark = models.BigIntegerField(null=True)

    def __str__(self) -> str:
        return f"refreshed {self.full_refresh_at}"


class FigureCache(models.Model):
    """Percentiles of one month (or run of months) and grouping, valid while the facts
    of those months are unchanged: `version` is built from their latest `computed_at`.
    Only time-independent figures are kept here; what depends on "now" is never cached."""

    key = models.CharField(max_length=200, primary_key=True)
    version = models.CharField(max_length=400)
    payload = models.JSONField()
    computed_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return self.key


class Survey(models.Model):
    """One round of the coordinators' satisfaction survey (the seed project's Form 5)."""

    question = models.CharField(
        _("คำถาม"),
        max_length=300,
        default="ท่านพึงพอใจกับการประสานงานเรื่องร้องทุกข์ผ่าน LINE กับศูนย์ฯ 1555 ในเดือนนี้ระดับใด",
    )
    month = models.DateField(_("เดือนที่สำรวจ"), help_text=_("วันที่ 1 ของเดือนที่ถาม"))
    note = models.CharField(_("หมายเหตุ"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("สร้างเมื่อ"), auto_now_add=True)
    sent_at = models.DateTimeField(_("ส่งเมื่อ"), null=True, blank=True, editable=False)
    sent_by = models.ForeignKey(
        "auth.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("ส่งโดย"),
    )

    class Meta:
        ordering = ("-month", "-id")
        permissions = [("send_survey", _("ส่งแบบสอบถามให้ผู้ประสานงานทาง LINE"))]
        verbose_name = _("แบบสอบถามความพึงพอใจผู้ประสานงาน")
        verbose_name_plural = _("แบบสอบถามความพึงพอใจผู้ประสานงาน")

    def __str__(self) -> str:
        from bkk1555.thaidate import thai_month

        return f"{thai_month(self.month.year, self.month.month)} #{self.pk}"


class SurveyResponse(models.Model):
    """One coordinator's answer to one survey round: created when the round is sent."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")
    coordinator = models.ForeignKey(
        Coordinator, on_delete=models.CASCADE, related_name="survey_responses", verbose_name=_("ผู้ประสานงาน")
    )
    asked_at = models.DateTimeField(_("ส่งคำถามเมื่อ"))
    score = models.PositiveSmallIntegerField(_("คะแนน (1–5)"), null=True, blank=True)
    comment = models.TextField(_("ความคิดเห็น"), blank=True)
    answered_at = models.DateTimeField(_("ตอบเมื่อ"), null=True, blank=True)
    # After a score, the coordinator's next free text (until then) is taken as the comment.
    awaiting_comment_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("survey", "coordinator")
        verbose_name = _("คำตอบแบบสอบถาม")
        verbose_name_plural = _("คำตอบแบบสอบถาม")
        constraints = [
            models.UniqueConstraint(fields=["survey", "coordinator"], name="one_response_per_coordinator"),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__gte=1, score__lte=5), name="survey_score_1_to_5"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.survey_id}/{self.coordinator_id}: {self.score if self.score is not None else '-'}"
